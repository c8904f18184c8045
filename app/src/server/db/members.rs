//! `organization_members` with the `user_roles` each holds, as an organisation's admin lists
//! and changes them. Taking a role away from the last ORG_ADMIN is refused in the write itself.

use shared::Role;
use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct MemberRow {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub department_id: Option<String>,
    pub department: Option<String>,
    pub joined_at: i64,
}

/// What to look for: `pattern` is a lower-case LIKE pattern (escaped by the caller), `role`
/// an exact role name or empty for any.
pub struct Filter<'a> {
    pub pattern: &'a str,
    pub role: &'a str,
}

const FILTER: &str = "m.org_id = $1 \
     AND (LOWER(u.email) LIKE $2 ESCAPE '\\' OR LOWER(u.display_name) LIKE $2 ESCAPE '\\') \
     AND ($3 = '' OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = m.user_id AND r.org_id = m.org_id AND r.role = $3))";

pub async fn search<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    filter: &Filter<'_>,
    limit: i64,
) -> sqlx::Result<Vec<MemberRow>> {
    sqlx::query_as(&format!(
        "SELECT m.user_id, u.email, u.display_name, m.department_id, d.name AS department, m.created_at AS joined_at \
         FROM organization_members m JOIN users u ON u.id = m.user_id \
         LEFT JOIN departments d ON d.id = m.department_id \
         WHERE {FILTER} ORDER BY LOWER(u.display_name), u.email LIMIT $4"
    ))
    .bind(org_id)
    .bind(filter.pattern)
    .bind(filter.role)
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn count<'e>(db: impl AnyExecutor<'e>, org_id: &str, filter: &Filter<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM organization_members m JOIN users u ON u.id = m.user_id WHERE {FILTER}"
    ))
    .bind(org_id)
    .bind(filter.pattern)
    .bind(filter.role)
    .fetch_one(db)
    .await
}

/// `(user_id, role)` for the given members: one query, a placeholder per id.
pub async fn roles_of<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_ids: &[String],
) -> sqlx::Result<Vec<(String, String)>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..user_ids.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT user_id, role FROM user_roles WHERE org_id = $1 AND user_id IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as(&sql).bind(org_id);
    for id in user_ids {
        query = query.bind(id);
    }
    query.fetch_all(db).await
}

pub async fn find<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
) -> sqlx::Result<Option<MemberRow>> {
    sqlx::query_as(
        "SELECT m.user_id, u.email, u.display_name, m.department_id, d.name AS department, m.created_at AS joined_at \
         FROM organization_members m JOIN users u ON u.id = m.user_id \
         LEFT JOIN departments d ON d.id = m.department_id WHERE m.org_id = $1 AND m.user_id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(db)
    .await
}

/// Every role the member holds here, suspended organisation or not (for changing them).
pub async fn held_roles<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
) -> sqlx::Result<Vec<Role>> {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT role FROM user_roles WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .fetch_all(db)
            .await?;
    Ok(names.iter().filter_map(|n| n.parse().ok()).collect())
}

/// Takes a role other than ORG_ADMIN away (see [`revoke_admin_unless_last`]).
pub async fn revoke_role<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
    role: Role,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM user_roles WHERE org_id = $1 AND user_id = $2 AND role = $3")
        .bind(org_id)
        .bind(user_id)
        .bind(role.as_str())
        .execute(db)
        .await
        .map(|_| ())
}

/// Takes ORG_ADMIN away unless it is the organisation's last one: false then, nothing changed.
pub async fn revoke_admin_unless_last<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
) -> sqlx::Result<bool> {
    sqlx::query(
        "DELETE FROM user_roles WHERE org_id = $1 AND user_id = $2 AND role = 'ORG_ADMIN' \
         AND (SELECT COUNT(*) FROM user_roles a WHERE a.org_id = $1 AND a.role = 'ORG_ADMIN') > 1",
    )
    .bind(org_id)
    .bind(user_id)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Takes every role held here away (before [`remove`]).
pub async fn revoke_all_roles<'e>(db: impl AnyExecutor<'e>, org_id: &str, user_id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM user_roles WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Ends the membership; false when there was none.
pub async fn remove<'e>(db: impl AnyExecutor<'e>, org_id: &str, user_id: &str) -> sqlx::Result<bool> {
    sqlx::query("DELETE FROM organization_members WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Places the member in a department of the same organisation (checked in the write).
pub async fn set_department<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
    department_id: &str,
) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE organization_members SET department_id = $3 WHERE org_id = $1 AND user_id = $2 \
         AND EXISTS (SELECT 1 FROM departments d WHERE d.id = $3 AND d.org_id = $1)",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(department_id)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

pub async fn clear_department<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
) -> sqlx::Result<bool> {
    sqlx::query("UPDATE organization_members SET department_id = NULL WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}
