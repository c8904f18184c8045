//! The platform as its operators (SUPER_ADMIN) run it: every organisation, a new one with its
//! first admin invited by email, and suspending one (its people can no longer sign in to it).

use super::db::{self, audit};
use super::exams::zone;
use super::org_admin::staff_invitations;
use super::{auth, new_id, now_ms, AppState};
use crate::error::AppError;
use crate::model::admin::PlatformOrg;
use crate::model::InviteReport;
use shared::Role;

/// The caller, when they operate the platform.
async fn operator(state: &AppState) -> Result<db::users::UserRow, AppError> {
    let user = auth::current_user(state).await?;
    if db::orgs::is_super_admin(&state.pool, &user.id).await? {
        Ok(user)
    } else {
        tracing::info!(user = %user.id, "platform access refused");
        Err(AppError::Forbidden)
    }
}

pub async fn list(state: &AppState) -> Result<Vec<PlatformOrg>, AppError> {
    operator(state).await?;
    let orgs = db::orgs::list_all(&state.pool)
        .await?
        .into_iter()
        .map(|r| PlatformOrg {
            platform_home: r.operators > 0,
            id: r.id,
            name: r.name,
            slug: r.slug,
            members: r.members,
            admins: r.admins,
            suspended_at: r.suspended_at,
            created_at: r.created_at,
        })
        .collect();
    Ok(orgs)
}

/// `"Faculty of Law, Utrecht"` → `"faculty-of-law-utrecht"`.
pub(crate) fn slug_of(name: &str) -> String {
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(60).collect();
    if slug.is_empty() {
        "org".to_string()
    } else {
        slug
    }
}

/// Creates an organisation and invites its first admin. Returns the invitation's report.
pub async fn create(
    state: &AppState,
    name: &str,
    time_zone: &str,
    admin_email: &str,
) -> Result<InviteReport, AppError> {
    let user = operator(state).await?;
    let name =
        shared::validation::normalize_label(name, "the organisation's name").map_err(AppError::Invalid)?;
    let time_zone = time_zone.trim();
    if !zone::known(time_zone) {
        return Err(AppError::Invalid(
            "Choose a time zone Vigil knows: an IANA name such as Europe/Berlin.".into(),
        ));
    }
    let email = shared::validation::normalize_email(admin_email).map_err(AppError::Invalid)?;
    let id = new_id();
    let now = now_ms();
    let mut tx = db::begin_write(&state.pool).await?;
    // A free slug: the name's, or with the first free number after it.
    let base = slug_of(&name);
    let mut slug = base.clone();
    let mut n = 1u32;
    while db::orgs::org_id_by_slug(&mut *tx, &slug).await?.is_some() {
        n = n.saturating_add(1);
        if n > 1000 {
            return Err(AppError::Conflict(
                "Too many organisations carry this name. Choose another.".into(),
            ));
        }
        slug = format!("{base}-{n}");
    }
    db::orgs::insert_org(&mut *tx, &id, &name, &slug, now).await?;
    db::orgs::set_time_zone(&mut *tx, &id, time_zone).await?;
    let ip = auth::request_ip();
    let entry = audit::Entry::in_org(audit::ORG_CREATED, &user.id, &id, Some(&name), Some(&slug));
    audit::record(&mut *tx, entry.from_ip(ip.as_deref()), now).await?;
    tx.commit().await?;
    tracing::info!(org = %id, slug = %slug, "organisation created");
    let mut reports = staff_invitations::send(
        state,
        &id,
        &user.id,
        &user.display_name,
        &[email],
        &[Role::OrgAdmin],
        None,
    )
    .await?;
    reports.pop().ok_or(AppError::Internal)
}

/// Suspends an organisation: its roles stop counting at once, and the sessions of people who
/// belong to no other active organisation end. Its data stays, for reactivation.
pub async fn suspend(state: &AppState, org_id: &str) -> Result<(), AppError> {
    let user = operator(state).await?;
    let now = now_ms();
    let mut tx = db::begin_write(&state.pool).await?;
    if db::orgs::find(&mut *tx, org_id).await?.is_none() {
        return Err(AppError::NotFound("There is no such organisation.".into()));
    }
    if db::orgs::holds_super_admins(&mut *tx, org_id).await? {
        return Err(AppError::NotAllowed(
            "The platform's operators hold their role through this organisation: suspending it would lock them out.".into(),
        ));
    }
    if !db::orgs::suspend(&mut *tx, org_id, now).await? {
        return Err(AppError::Conflict(
            "This organisation is already suspended.".into(),
        ));
    }
    let stranded = db::orgs::members_only_here(&mut *tx, org_id).await?;
    for member in &stranded {
        db::sessions::delete_all(&mut *tx, member).await?;
    }
    let ip = auth::request_ip();
    let detail = format!("{} sessions ended", stranded.len());
    let entry = audit::Entry::in_org(audit::ORG_SUSPENDED, &user.id, org_id, None, Some(&detail));
    audit::record(&mut *tx, entry.from_ip(ip.as_deref()), now).await?;
    tx.commit().await?;
    for member in &stranded {
        auth::announce_sessions_ended(state, member);
    }
    tracing::info!(org = %org_id, stranded = stranded.len(), "organisation suspended");
    Ok(())
}

pub async fn reactivate(state: &AppState, org_id: &str) -> Result<(), AppError> {
    let user = operator(state).await?;
    let mut tx = db::begin_write(&state.pool).await?;
    if !db::orgs::reactivate(&mut *tx, org_id).await? {
        return Err(AppError::Conflict("This organisation is not suspended.".into()));
    }
    let ip = auth::request_ip();
    let entry = audit::Entry::in_org(audit::ORG_REACTIVATED, &user.id, org_id, None, None);
    audit::record(&mut *tx, entry.from_ip(ip.as_deref()), now_ms()).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether anyone may make an account by signing up.
pub async fn self_sign_up(state: &AppState) -> Result<bool, AppError> {
    operator(state).await?;
    Ok(db::platform_settings::self_sign_up(&state.pool).await?)
}

/// Opens or closes self sign-up (closed: accounts come only by invitation).
pub async fn set_self_sign_up(state: &AppState, on: bool) -> Result<(), AppError> {
    let user = operator(state).await?;
    let ip = auth::request_ip();
    let mut tx = db::begin_write(&state.pool).await?;
    db::platform_settings::set_self_sign_up(&mut *tx, on).await?;
    let entry = audit::Entry {
        detail: Some(if on {
            "self sign-up open"
        } else {
            "invitation only"
        }),
        ..audit::Entry::own_account(audit::PLATFORM_SETTINGS_CHANGED, &user.id, ip.as_deref())
    };
    audit::record(&mut *tx, entry, now_ms()).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn slugs_keep_letters_and_digits() {
        assert_eq!(slug_of("Faculty of Law, Utrecht"), "faculty-of-law-utrecht");
        assert_eq!(slug_of("  ÉCOLE 42 "), "cole-42");
        assert_eq!(slug_of("***"), "org");
    }
}
