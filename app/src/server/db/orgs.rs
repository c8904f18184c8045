//! `organizations`, `departments`, `organization_members`, `user_roles`.

use shared::Role;
use sqlx::AnyExecutor;

pub async fn insert_org<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    name: &str,
    slug: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO organizations (id, name, slug, created_at) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(name)
        .bind(slug)
        .bind(now)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn name<'e>(db: impl AnyExecutor<'e>, org_id: &str) -> sqlx::Result<String> {
    sqlx::query_scalar("SELECT name FROM organizations WHERE id = $1")
        .bind(org_id)
        .fetch_one(db)
        .await
}

pub async fn org_id_by_slug<'e>(db: impl AnyExecutor<'e>, slug: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT id FROM organizations WHERE slug = $1")
        .bind(slug)
        .fetch_optional(db)
        .await
}

pub async fn insert_department<'e>(
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

/// Makes the user a member of the organisation; nothing changes if they are one already.
pub async fn add_member<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
    department_id: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO organization_members (org_id, user_id, department_id, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (org_id, user_id) DO NOTHING",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(department_id)
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}

/// Grants the role; nothing changes if the user holds it already.
pub async fn grant_role<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    org_id: &str,
    role: Role,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO user_roles (id, user_id, org_id, role, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (user_id, org_id, role) DO NOTHING",
    )
    .bind(crate::server::new_id())
    .bind(user_id)
    .bind(org_id)
    .bind(role.as_str())
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}

/// The roles a user holds in one organisation. Unknown names (from a newer version) are skipped.
pub async fn roles_in_org<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    org_id: &str,
) -> sqlx::Result<Vec<Role>> {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT role FROM user_roles WHERE user_id = $1 AND org_id = $2")
            .bind(user_id)
            .bind(org_id)
            .fetch_all(db)
            .await?;
    Ok(names.iter().filter_map(|n| n.parse().ok()).collect())
}

/// Every role a user holds, in any organisation (for navigation, never for access decisions).
pub async fn all_roles<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<Vec<Role>> {
    let names: Vec<String> = sqlx::query_scalar("SELECT DISTINCT role FROM user_roles WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(db)
        .await?;
    let mut roles: Vec<Role> = names.iter().filter_map(|n| n.parse().ok()).collect();
    roles.sort_by_key(|r| Role::ALL.iter().position(|x| x == r));
    Ok(roles)
}

/// Organisations in which the user holds any of `roles`.
pub async fn orgs_with_role<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    roles: &[Role],
) -> sqlx::Result<Vec<String>> {
    // Roles come from a closed enum, but they are still bound, never spliced.
    let all: Vec<(String, String)> = sqlx::query_as("SELECT org_id, role FROM user_roles WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(db)
        .await?;
    let mut orgs: Vec<String> = all
        .into_iter()
        .filter(|(_, r)| {
            r.parse::<Role>()
                .map(|r| shared::roles::permits(&[r], roles))
                .unwrap_or(false)
        })
        .map(|(o, _)| o)
        .collect();
    orgs.sort();
    orgs.dedup();
    Ok(orgs)
}

/// Sets the IANA time zone the organisation enters and reads times in.
pub async fn set_time_zone<'e>(db: impl AnyExecutor<'e>, org_id: &str, zone: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE organizations SET time_zone = $1 WHERE id = $2")
        .bind(zone)
        .bind(org_id)
        .execute(db)
        .await
        .map(|_| ())
}
