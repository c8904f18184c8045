//! Staff join an organisation by invitation: its admin names addresses and roles; each address
//! gets a single-use link (only its hash stored, the message in the outbox in the same
//! transaction); the link makes its holder a member with those roles, creating the account if
//! the address has none.

use super::super::auth::{self, hash_token, new_token};
use super::super::db::{self, audit, staff_invitations as invites};
use super::super::invitations::parse_emails;
use super::super::{mail, now_ms, AppState};
use super::admin;
use crate::error::AppError;
use crate::model::admin::{PendingStaffInvitation, StaffInvitationView, GRANTABLE_ROLES};
use crate::model::InviteReport;
use shared::Role;

/// How long a staff invitation link works.
pub const TTL_MS: i64 = 7 * 24 * 3_600_000;
/// Most addresses one staff invitation request may hold.
pub const MAX_PER_REQUEST: usize = 100;

/// Checks the roles an admin chose: at least one, each one an admin may grant.
pub(crate) fn checked_roles(roles: &[Role]) -> Result<Vec<Role>, AppError> {
    if let Some(r) = roles.iter().find(|r| !GRANTABLE_ROLES.contains(r)) {
        return Err(AppError::Invalid(format!(
            "{} cannot be granted here.",
            r.label()
        )));
    }
    let mut roles: Vec<Role> = roles.to_vec();
    roles.sort_by_key(|x| Role::ALL.iter().position(|y| y == x));
    roles.dedup();
    if roles.is_empty() {
        return Err(AppError::Invalid(
            "Choose at least one role for the people you invite.".into(),
        ));
    }
    Ok(roles)
}

pub async fn invite(
    state: &AppState,
    org_id: &str,
    raw_emails: &str,
    roles: &[Role],
    department_id: &str,
) -> Result<Vec<InviteReport>, AppError> {
    let caller = admin(state, org_id).await?;
    let emails = parse_emails(raw_emails)?;
    if emails.len() > MAX_PER_REQUEST {
        return Err(AppError::Invalid(format!(
            "Invite at most {MAX_PER_REQUEST} staff at a time."
        )));
    }
    let roles = checked_roles(roles)?;
    let department = (!department_id.is_empty()).then_some(department_id);
    if let Some(d) = department {
        if !db::departments::exists(&state.pool, org_id, d).await? {
            return Err(AppError::NotFound("That department no longer exists.".into()));
        }
    }
    send(
        state,
        org_id,
        &caller.user.id,
        &caller.user.display_name,
        &emails,
        &roles,
        department,
    )
    .await
}

/// Queues one invitation per address (replacing any pending one) and reports each outcome.
/// Shared with the platform, which invites an organisation's first admin.
pub(crate) async fn send(
    state: &AppState,
    org_id: &str,
    inviter_id: &str,
    inviter_name: &str,
    emails: &[String],
    roles: &[Role],
    department: Option<&str>,
) -> Result<Vec<InviteReport>, AppError> {
    let now = now_ms();
    let expires_at = now.saturating_add(TTL_MS);
    let organization = db::orgs::name(&state.pool, org_id).await?;
    let role_names = db::staff_invitations::encode_roles(roles);
    let mut reports = Vec::with_capacity(emails.len());
    let mut queued = Vec::new();
    let mut tx = db::begin_write(&state.pool).await?;
    for email in emails {
        invites::revoke_pending(&mut *tx, org_id, email, now).await?;
        let token = new_token();
        invites::insert(
            &mut *tx,
            invites::NewStaffInvitation {
                org_id,
                email,
                roles,
                department_id: department,
                token_hash: &hash_token(&token),
                invited_by: inviter_id,
                expires_at,
            },
            now,
        )
        .await?;
        let link = format!("{}/join/{token}", state.public_url);
        let message = mail::staff_invitation(&mail::StaffInvitationMail {
            organization: &organization,
            inviter: inviter_name,
            roles,
            link: &link,
            expires_at,
        });
        db::outbox::insert(&mut *tx, email, &message.subject, &message.body, now).await?;
        let ip = auth::request_ip();
        let entry = audit::Entry::in_org(
            audit::STAFF_INVITED,
            inviter_id,
            org_id,
            Some(email),
            Some(&role_names),
        );
        audit::record(&mut *tx, entry.from_ip(ip.as_deref()), now).await?;
        queued.push((email.clone(), message));
        reports.push(InviteReport {
            email: email.clone(),
            outcome: "Invited.".into(),
            invited: true,
        });
    }
    tx.commit().await?;
    for (to, message) in &queued {
        mail::log_queued(&state.mail, to, message);
    }
    state.mail.wake();
    Ok(reports)
}

pub async fn pending(state: &AppState, org_id: &str) -> Result<Vec<PendingStaffInvitation>, AppError> {
    admin(state, org_id).await?;
    Ok(invites::pending(&state.pool, org_id, now_ms())
        .await?
        .into_iter()
        .map(|i| PendingStaffInvitation {
            roles: i.roles(),
            id: i.id,
            email: i.email,
            expires_at: i.expires_at,
        })
        .collect())
}

pub async fn withdraw(state: &AppState, org_id: &str, invitation_id: &str) -> Result<(), AppError> {
    let caller = admin(state, org_id).await?;
    let now = now_ms();
    let mut tx = db::begin_write(&state.pool).await?;
    if !invites::revoke(&mut *tx, org_id, invitation_id, now).await? {
        return Err(AppError::Conflict(
            "That invitation was already used or withdrawn.".into(),
        ));
    }
    let ip = auth::request_ip();
    let entry = audit::Entry::in_org(
        audit::STAFF_INVITATION_WITHDRAWN,
        &caller.user.id,
        org_id,
        None,
        Some(invitation_id),
    );
    audit::record(&mut *tx, entry.from_ip(ip.as_deref()), now).await?;
    tx.commit().await?;
    Ok(())
}

/// The invitation behind a link, or why it cannot be used.
async fn usable(state: &AppState, token: &str) -> Result<invites::StaffInvitationRow, AppError> {
    let invitation = invites::find_by_token_hash(&state.pool, &hash_token(token.trim()))
        .await?
        .ok_or_else(|| {
            AppError::NotFound(
                "This invitation link is not valid. Check that you opened the whole link from the message."
                    .into(),
            )
        })?;
    if invitation.accepted_at.is_some() {
        return Err(AppError::Conflict(
            "This invitation has already been used. Sign in to continue.".into(),
        ));
    }
    if invitation.revoked_at.is_some() {
        return Err(AppError::Conflict(
            "This invitation was withdrawn or replaced by a newer one. Use the link in the latest message."
                .into(),
        ));
    }
    if db::orgs::find(&state.pool, &invitation.org_id)
        .await?
        .is_some_and(|o| o.suspended_at.is_some())
    {
        return Err(AppError::Conflict(
            "This organisation's use of Vigil is suspended: its invitations cannot be accepted now.".into(),
        ));
    }
    if now_ms() >= invitation.expires_at {
        return Err(AppError::Conflict(format!(
            "This invitation expired on {}. Ask the organisation's admin to invite you again.",
            crate::format::datetime(invitation.expires_at)
        )));
    }
    Ok(invitation)
}

pub async fn view(state: &AppState, token: &str) -> Result<StaffInvitationView, AppError> {
    let invitation = usable(state, token).await?;
    let organization = db::orgs::name(&state.pool, &invitation.org_id).await?;
    let department = match &invitation.department_id {
        Some(d) => db::departments::list(&state.pool, &invitation.org_id)
            .await?
            .into_iter()
            .find(|x| &x.id == d)
            .map(|x| x.name),
        None => None,
    };
    let account_exists = db::users::find_by_email(&state.pool, &invitation.email)
        .await?
        .is_some();
    let signed_in_as = auth::current_user(state).await.ok().map(|u| u.email);
    Ok(StaffInvitationView {
        organization,
        roles: invitation.roles(),
        email: invitation.email,
        department,
        expires_at: invitation.expires_at,
        account_exists,
        signed_in_as,
    })
}

/// Accepts the invitation: the account is created when the address has none (with the name
/// and password given; the link proves the address), or must be the one signed in. Returns the
/// organisation's id.
pub async fn accept(
    state: &AppState,
    token: &str,
    display_name: &str,
    password: &str,
) -> Result<String, AppError> {
    let invitation = usable(state, token).await?;
    let now = now_ms();
    let (user_id, new_account) =
        super::super::invitations::invitee(state, &invitation.email, display_name, password).await?;
    let mut tx = db::begin_write(&state.pool).await?;
    if !invites::mark_accepted(&mut *tx, &invitation.id, now).await? {
        return Err(AppError::Conflict(
            "This invitation has just been used or withdrawn. Sign in to continue.".into(),
        ));
    }
    if let Some((name, hash)) = &new_account {
        db::users::insert(&mut *tx, &user_id, &invitation.email, name, hash, now).await?;
    }
    db::orgs::add_member(
        &mut *tx,
        &invitation.org_id,
        &user_id,
        invitation.department_id.as_deref(),
        now,
    )
    .await?;
    for role in invitation.roles() {
        db::orgs::grant_role(&mut *tx, &user_id, &invitation.org_id, role, now).await?;
    }
    let ip = auth::request_ip();
    let entry = audit::Entry::in_org(
        audit::STAFF_INVITATION_ACCEPTED,
        &user_id,
        &invitation.org_id,
        Some(&invitation.email),
        Some(&invitation.roles),
    );
    audit::record(&mut *tx, entry.from_ip(ip.as_deref()), now).await?;
    tx.commit().await?;
    if new_account.is_some() {
        auth::start_session(state, &user_id, ip.as_deref()).await?;
    }
    tracing::info!(org = %invitation.org_id, user_id = %user_id, "staff invitation accepted");
    Ok(invitation.org_id)
}
