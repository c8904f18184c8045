//! `departments`: how an organisation groups its members (and its question banks).

use sqlx::{AnyExecutor, FromRow};

pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    org_id: &str,
    name: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO departments (id, org_id, name, created_at) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(org_id)
        .bind(name)
        .bind(now)
        .execute(db)
        .await
        .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct DepartmentRow {
    pub id: String,
    pub name: String,
    pub members: i64,
    pub banks: i64,
}

pub async fn list<'e>(db: impl AnyExecutor<'e>, org_id: &str) -> sqlx::Result<Vec<DepartmentRow>> {
    sqlx::query_as(
        "SELECT d.id, d.name, \
         (SELECT COUNT(*) FROM organization_members m WHERE m.department_id = d.id) AS members, \
         (SELECT COUNT(*) FROM question_banks b WHERE b.department_id = d.id) AS banks \
         FROM departments d WHERE d.org_id = $1 ORDER BY LOWER(d.name), d.id",
    )
    .bind(org_id)
    .fetch_all(db)
    .await
}

pub async fn name_taken<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    name: &str,
    except_id: &str,
) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM departments WHERE org_id = $1 AND LOWER(name) = LOWER($2) AND id <> $3",
    )
    .bind(org_id)
    .bind(name)
    .bind(except_id)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

pub async fn rename<'e>(db: impl AnyExecutor<'e>, org_id: &str, id: &str, name: &str) -> sqlx::Result<bool> {
    sqlx::query("UPDATE departments SET name = $3 WHERE org_id = $1 AND id = $2")
        .bind(org_id)
        .bind(id)
        .bind(name)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Deletes the department only if nothing is in it (no member, role, bank or pending staff
/// invitation), checked in the same statement; false otherwise.
pub async fn delete_if_empty<'e>(db: impl AnyExecutor<'e>, org_id: &str, id: &str) -> sqlx::Result<bool> {
    sqlx::query(
        "DELETE FROM departments WHERE org_id = $1 AND id = $2 \
         AND NOT EXISTS (SELECT 1 FROM organization_members m WHERE m.department_id = $2) \
         AND NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.department_id = $2) \
         AND NOT EXISTS (SELECT 1 FROM question_banks b WHERE b.department_id = $2) \
         AND NOT EXISTS (SELECT 1 FROM staff_invitations i WHERE i.department_id = $2 \
                         AND i.accepted_at IS NULL AND i.revoked_at IS NULL)",
    )
    .bind(org_id)
    .bind(id)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

pub async fn exists<'e>(db: impl AnyExecutor<'e>, org_id: &str, id: &str) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM departments WHERE org_id = $1 AND id = $2")
        .bind(org_id)
        .bind(id)
        .fetch_one(db)
        .await?;
    Ok(n > 0)
}
