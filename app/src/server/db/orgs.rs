//! `organizations`, and the `organization_members` and `user_roles` that say who acts in one.
//! Listing and changing members for administration is in [`super::members`].

use shared::Role;
use sqlx::{AnyExecutor, FromRow};

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

/// The roles a user holds in one organisation, none while it is suspended. Unknown names (from
/// a newer version) are skipped.
pub async fn roles_in_org<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    org_id: &str,
) -> sqlx::Result<Vec<Role>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT r.role FROM user_roles r JOIN organizations o ON o.id = r.org_id \
             WHERE r.user_id = $1 AND r.org_id = $2 AND o.suspended_at IS NULL",
    )
    .bind(user_id)
    .bind(org_id)
    .fetch_all(db)
    .await?;
    Ok(names.iter().filter_map(|n| n.parse().ok()).collect())
}

/// Role names as stored, parsed, in [`Role::ALL`]'s order (unknown names are skipped).
pub fn in_role_order<'a>(names: impl Iterator<Item = &'a str>) -> Vec<Role> {
    let mut roles: Vec<Role> = names.filter_map(|n| n.parse().ok()).collect();
    roles.sort_by_key(|r| Role::ALL.iter().position(|x| x == r));
    roles.dedup();
    roles
}

/// Active organisations in which the user holds any of `roles`.
pub async fn orgs_with_role<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    roles: &[Role],
) -> sqlx::Result<Vec<String>> {
    // Roles come from a closed enum, but they are still bound, never spliced.
    let all: Vec<(String, String)> = sqlx::query_as(
        "SELECT r.org_id, r.role FROM user_roles r JOIN organizations o ON o.id = r.org_id \
         WHERE r.user_id = $1 AND o.suspended_at IS NULL",
    )
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

/// An organisation's own settings, as its admin sees and changes them.
#[derive(Debug, Clone, FromRow)]
pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub time_zone: String,
    pub default_sensitivity: String,
    pub telemetry_retention_days: i64,
    pub staff_second_factor: i64,
    pub suspended_at: Option<i64>,
    pub created_at: i64,
}

const ORG_COLUMNS: &str = "id, name, slug, time_zone, default_sensitivity, telemetry_retention_days, \
                           staff_second_factor, suspended_at, created_at";

pub async fn find<'e>(db: impl AnyExecutor<'e>, org_id: &str) -> sqlx::Result<Option<OrgRow>> {
    sqlx::query_as(&format!("SELECT {ORG_COLUMNS} FROM organizations WHERE id = $1"))
        .bind(org_id)
        .fetch_optional(db)
        .await
}

pub struct OrgSettingsUpdate<'a> {
    pub name: &'a str,
    pub time_zone: &'a str,
    pub default_sensitivity: &'a str,
    pub telemetry_retention_days: i64,
    pub staff_second_factor: bool,
}

pub async fn update_settings<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    s: OrgSettingsUpdate<'_>,
) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE organizations SET name = $2, time_zone = $3, default_sensitivity = $4, \
         telemetry_retention_days = $5, staff_second_factor = $6 WHERE id = $1",
    )
    .bind(org_id)
    .bind(s.name)
    .bind(s.time_zone)
    .bind(s.default_sensitivity)
    .bind(s.telemetry_retention_days)
    .bind(i64::from(s.staff_second_factor))
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Takes the organisation's row lock for a change to who administers it (see the migration):
/// concurrent changes of admins run one after the other, each seeing the last one's result.
pub async fn lock_for_member_change<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    now: i64,
) -> sqlx::Result<bool> {
    sqlx::query("UPDATE organizations SET members_changed_at = $2 WHERE id = $1")
        .bind(org_id)
        .bind(now)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Every organisation with its member and admin counts, for the platform's super admin.
#[derive(Debug, Clone, FromRow)]
pub struct PlatformOrgRow {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub suspended_at: Option<i64>,
    pub created_at: i64,
    pub members: i64,
    pub admins: i64,
    /// People holding SUPER_ADMIN through it (see [`holds_super_admins`]).
    pub operators: i64,
}

pub async fn list_all<'e>(db: impl AnyExecutor<'e>) -> sqlx::Result<Vec<PlatformOrgRow>> {
    sqlx::query_as(
        "SELECT o.id, o.name, o.slug, o.suspended_at, o.created_at, \
         (SELECT COUNT(*) FROM organization_members m WHERE m.org_id = o.id) AS members, \
         (SELECT COUNT(*) FROM user_roles r WHERE r.org_id = o.id AND r.role = 'ORG_ADMIN') AS admins, \
         (SELECT COUNT(*) FROM user_roles r WHERE r.org_id = o.id AND r.role = 'SUPER_ADMIN') AS operators \
         FROM organizations o ORDER BY o.name, o.id",
    )
    .fetch_all(db)
    .await
}

/// Suspends; false when it already was (nothing changed).
pub async fn suspend<'e>(db: impl AnyExecutor<'e>, org_id: &str, now: i64) -> sqlx::Result<bool> {
    sqlx::query("UPDATE organizations SET suspended_at = $2 WHERE id = $1 AND suspended_at IS NULL")
        .bind(org_id)
        .bind(now)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Reactivates; false when it was not suspended (nothing changed).
pub async fn reactivate<'e>(db: impl AnyExecutor<'e>, org_id: &str) -> sqlx::Result<bool> {
    sqlx::query("UPDATE organizations SET suspended_at = NULL WHERE id = $1 AND suspended_at IS NOT NULL")
        .bind(org_id)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Whether the user belongs to organisations and every one of them is suspended: such a
/// person has nothing they may do, and is not let in.
pub async fn only_in_suspended<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<bool> {
    let (all, suspended): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN o.suspended_at IS NULL THEN 0 ELSE 1 END), 0) \
         FROM organization_members m JOIN organizations o ON o.id = m.org_id WHERE m.user_id = $1",
    )
    .bind(user_id)
    .fetch_one(db)
    .await?;
    Ok(all > 0 && all == suspended)
}

/// Members of `org_id` who belong to no other active organisation (their sessions end when it
/// is suspended).
pub async fn members_only_here<'e>(db: impl AnyExecutor<'e>, org_id: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT m.user_id FROM organization_members m WHERE m.org_id = $1 AND NOT EXISTS (\
         SELECT 1 FROM organization_members m2 JOIN organizations o ON o.id = m2.org_id \
         WHERE m2.user_id = m.user_id AND m2.org_id <> $1 AND o.suspended_at IS NULL)",
    )
    .bind(org_id)
    .fetch_all(db)
    .await
}

/// Whether anyone holds SUPER_ADMIN through this organisation (it then cannot be suspended,
/// or the platform would lock its own operators out).
pub async fn holds_super_admins<'e>(db: impl AnyExecutor<'e>, org_id: &str) -> sqlx::Result<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM user_roles WHERE org_id = $1 AND role = 'SUPER_ADMIN'")
            .bind(org_id)
            .fetch_one(db)
            .await?;
    Ok(n > 0)
}

/// Whether the user is a platform operator: holds SUPER_ADMIN anywhere.
pub async fn is_super_admin<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM user_roles WHERE user_id = $1 AND role = 'SUPER_ADMIN'")
            .bind(user_id)
            .fetch_one(db)
            .await?;
    Ok(n > 0)
}
