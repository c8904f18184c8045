//! Who belongs to the organisation and what each may do. The organisation always keeps at
//! least one ORG_ADMIN: the check is part of the write, under the organisation's row lock.

use super::super::db::{self, audit, members};
use super::super::{auth, now_ms, AppState};
use super::{admin, contains_pattern};
use crate::error::AppError;
use crate::model::admin::{Member, MemberList, GRANTABLE_ROLES};
use shared::Role;

/// Most members one search returns; the admin narrows the search for the rest.
pub const PAGE: i64 = 100;

const LAST_ADMIN: &str =
    "This is the organisation's last admin. Make someone else an admin first, so the organisation is never left without one.";

pub async fn list(
    state: &AppState,
    org_id: &str,
    search: &str,
    role: Option<Role>,
) -> Result<MemberList, AppError> {
    let caller = admin(state, org_id).await?;
    if search.chars().count() > 200 {
        return Err(AppError::Invalid("Search for at most 200 characters.".into()));
    }
    let pattern = contains_pattern(search);
    let filter = members::Filter {
        pattern: &pattern,
        role: role.map(Role::as_str).unwrap_or(""),
    };
    let rows = members::search(&state.pool, org_id, &filter, PAGE).await?;
    let total = members::count(&state.pool, org_id, &filter).await?;
    let ids: Vec<String> = rows.iter().map(|r| r.user_id.clone()).collect();
    let roles = members::roles_of(&state.pool, org_id, &ids).await?;
    let members = rows
        .into_iter()
        .map(|r| {
            let mut held: Vec<Role> = roles
                .iter()
                .filter(|(u, _)| *u == r.user_id)
                .filter_map(|(_, name)| name.parse().ok())
                .collect();
            held.sort_by_key(|x| Role::ALL.iter().position(|y| y == x));
            Member {
                is_you: r.user_id == caller.user.id,
                user_id: r.user_id,
                display_name: r.display_name,
                email: r.email,
                roles: held,
                department_id: r.department_id,
                department: r.department,
                joined_at: r.joined_at,
            }
        })
        .collect();
    Ok(MemberList { members, total })
}

/// Gives the member exactly `wanted` among the roles an admin grants (a SUPER_ADMIN role is
/// left as it is). Returns the roles now held.
pub async fn set_roles(
    state: &AppState,
    org_id: &str,
    user_id: &str,
    wanted: &[Role],
) -> Result<Vec<Role>, AppError> {
    let caller = admin(state, org_id).await?;
    if let Some(r) = wanted.iter().find(|r| !GRANTABLE_ROLES.contains(r)) {
        return Err(AppError::Invalid(format!(
            "{} cannot be granted here.",
            r.label()
        )));
    }
    if wanted.is_empty() {
        return Err(AppError::Invalid(
            "Choose at least one role. To take someone out of the organisation, remove them instead.".into(),
        ));
    }
    let now = now_ms();
    let mut tx = db::begin_write(&state.pool).await?;
    db::orgs::lock_for_member_change(&mut *tx, org_id, now).await?;
    let member = members::find(&mut *tx, org_id, user_id)
        .await?
        .ok_or_else(not_a_member)?;
    let held = members::held_roles(&mut *tx, org_id, user_id).await?;
    for role in held
        .iter()
        .filter(|r| GRANTABLE_ROLES.contains(r) && !wanted.contains(r))
    {
        if *role == Role::OrgAdmin {
            if !members::revoke_admin_unless_last(&mut *tx, org_id, user_id).await? {
                return Err(AppError::Conflict(LAST_ADMIN.into()));
            }
        } else {
            members::revoke_role(&mut *tx, org_id, user_id, *role).await?;
        }
    }
    for role in wanted.iter().filter(|r| !held.contains(r)) {
        db::orgs::grant_role(&mut *tx, user_id, org_id, *role, now).await?;
    }
    let mut now_held = members::held_roles(&mut *tx, org_id, user_id).await?;
    now_held.sort_by_key(|x| Role::ALL.iter().position(|y| y == x));
    let detail = now_held.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
    let ip = auth::request_ip();
    let entry = audit::Entry::in_org(
        audit::MEMBER_ROLES_CHANGED,
        &caller.user.id,
        org_id,
        Some(&member.email),
        Some(&detail),
    );
    audit::record(&mut *tx, entry.from_ip(ip.as_deref()), now).await?;
    tx.commit().await?;
    // Open streams (the live review feed, the telemetry socket) look again at once.
    auth::announce_sessions_ended(state, user_id);
    tracing::info!(org = %org_id, member = %user_id, roles = %detail, "member roles changed");
    Ok(now_held)
}

/// Takes the member out of the organisation: their roles here end; their account, and what
/// they did (answers, grades, reviews), stay.
pub async fn remove(state: &AppState, org_id: &str, user_id: &str) -> Result<(), AppError> {
    let caller = admin(state, org_id).await?;
    let now = now_ms();
    let mut tx = db::begin_write(&state.pool).await?;
    db::orgs::lock_for_member_change(&mut *tx, org_id, now).await?;
    let member = members::find(&mut *tx, org_id, user_id)
        .await?
        .ok_or_else(not_a_member)?;
    let held = members::held_roles(&mut *tx, org_id, user_id).await?;
    if held.contains(&Role::SuperAdmin) {
        return Err(AppError::NotAllowed(
            "This person operates the platform from this organisation and cannot be removed here.".into(),
        ));
    }
    if held.contains(&Role::OrgAdmin) && !members::revoke_admin_unless_last(&mut *tx, org_id, user_id).await?
    {
        return Err(AppError::Conflict(LAST_ADMIN.into()));
    }
    members::revoke_all_roles(&mut *tx, org_id, user_id).await?;
    members::remove(&mut *tx, org_id, user_id).await?;
    let ip = auth::request_ip();
    let entry = audit::Entry::in_org(
        audit::MEMBER_REMOVED,
        &caller.user.id,
        org_id,
        Some(&member.email),
        None,
    );
    audit::record(&mut *tx, entry.from_ip(ip.as_deref()), now).await?;
    tx.commit().await?;
    auth::announce_sessions_ended(state, user_id);
    tracing::info!(org = %org_id, member = %user_id, "member removed");
    Ok(())
}

/// Places the member in a department of the organisation, or in none (`department_id` empty).
pub async fn set_department(
    state: &AppState,
    org_id: &str,
    user_id: &str,
    department_id: &str,
) -> Result<(), AppError> {
    let caller = admin(state, org_id).await?;
    let mut tx = db::begin_write(&state.pool).await?;
    let member = members::find(&mut *tx, org_id, user_id)
        .await?
        .ok_or_else(not_a_member)?;
    let changed = if department_id.is_empty() {
        members::clear_department(&mut *tx, org_id, user_id).await?
    } else {
        members::set_department(&mut *tx, org_id, user_id, department_id).await?
    };
    if !changed {
        return Err(AppError::NotFound("That department no longer exists.".into()));
    }
    let ip = auth::request_ip();
    let detail = (!department_id.is_empty()).then_some(department_id);
    let entry = audit::Entry::in_org(
        audit::MEMBER_DEPARTMENT_CHANGED,
        &caller.user.id,
        org_id,
        Some(&member.email),
        detail,
    );
    audit::record(&mut *tx, entry.from_ip(ip.as_deref()), now_ms()).await?;
    tx.commit().await?;
    Ok(())
}

fn not_a_member() -> AppError {
    AppError::NotFound("This person is not a member of the organisation (any more).".into())
}
