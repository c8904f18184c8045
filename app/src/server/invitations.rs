//! Inviting candidates to an exam and accepting an invitation.

use super::auth::{self, argon2_blocking, hash_password, hash_token, new_token};
use super::db::{self, audit, enrollments, exams::ExamRow, invitations};
use super::guard::Caller;
use super::{mail, now_ms, AppState};
use crate::error::AppError;
use crate::model::{InvitationView, InviteReport};
use shared::schedule::Accommodation;
use shared::{EnrollmentStatus, Role};

/// How long an invitation link works (never past the end of the exam's window).
pub const INVITATION_TTL_MS: i64 = 7 * 24 * 3_600_000;
/// Most addresses one invitation request may hold.
pub const MAX_INVITES_PER_REQUEST: usize = 500;

/// Splits what a manager pasted (commas, semicolons, spaces or lines) into checked, distinct
/// addresses, or names every address that is not valid.
pub fn parse_emails(raw: &str) -> Result<Vec<String>, AppError> {
    let mut emails: Vec<String> = Vec::new();
    let mut bad = Vec::new();
    for part in raw.split(|c: char| c == ',' || c == ';' || c.is_whitespace()) {
        if part.trim().is_empty() {
            continue;
        }
        match shared::validation::normalize_email(part) {
            Ok(e) if !emails.contains(&e) => emails.push(e),
            Ok(_) => {}
            Err(_) => bad.push(part.trim().chars().take(80).collect::<String>()),
        }
    }
    if !bad.is_empty() {
        return Err(AppError::Invalid(format!(
            "Not valid email addresses: {}. Nothing was sent; correct them and try again.",
            bad.join(", ")
        )));
    }
    if emails.is_empty() {
        return Err(AppError::Invalid("Enter at least one email address.".into()));
    }
    if emails.len() > MAX_INVITES_PER_REQUEST {
        return Err(AppError::Invalid(format!(
            "Invite at most {MAX_INVITES_PER_REQUEST} people at a time."
        )));
    }
    Ok(emails)
}

/// Invites every address to `exam`: one single-use link each, queued in the outbox in the same
/// transaction. People already enrolled (past the invitation) are reported, not invited again.
pub async fn invite(
    state: &AppState,
    caller: &Caller,
    exam: &ExamRow,
    emails: &[String],
    accommodation: Accommodation,
) -> Result<Vec<InviteReport>, AppError> {
    let now = now_ms();
    let status: shared::ExamStatus = exam.status.parse().map_err(|_| AppError::Internal)?;
    if !matches!(
        status,
        shared::ExamStatus::Draft | shared::ExamStatus::Scheduled | shared::ExamStatus::Active
    ) {
        return Err(AppError::Conflict(format!(
            "This exam is {}: invitations can no longer be sent.",
            status.as_str().to_lowercase()
        )));
    }
    if now >= exam.closes_at {
        return Err(AppError::Conflict(
            "This exam's window has closed: invitations can no longer be sent.".into(),
        ));
    }
    let expires_at = (now + INVITATION_TTL_MS).min(exam.closes_at);
    let organization = db::orgs::name(&state.pool, &exam.org_id).await?;
    let mut reports = Vec::with_capacity(emails.len());
    let mut queued = Vec::new();
    let mut tx = db::begin_write(&state.pool).await?;
    for email in emails {
        let user = db::users::find_by_email(&mut *tx, email).await?;
        let enrollment = match &user {
            Some(u) => enrollments::find(&mut *tx, &exam.id, &u.id).await?,
            None => None,
        };
        if let Some(e) = &enrollment {
            if e.status() != EnrollmentStatus::Invited {
                reports.push(InviteReport {
                    email: email.clone(),
                    outcome: format!("Already enrolled ({}): no invitation sent.", e.status().label()),
                    invited: false,
                });
                continue;
            }
        }
        invitations::revoke_pending(&mut *tx, &exam.id, email, now).await?;
        let token = new_token();
        invitations::insert(
            &mut *tx,
            invitations::NewInvitation {
                org_id: &exam.org_id,
                exam_id: &exam.id,
                email,
                token_hash: &hash_token(&token),
                accommodation,
                invited_by: &caller.user.id,
                expires_at,
            },
            now,
        )
        .await?;
        match (&user, &enrollment) {
            (Some(u), None) => {
                enrollments::insert(
                    &mut *tx,
                    &exam.id,
                    &u.id,
                    EnrollmentStatus::Invited,
                    accommodation,
                    now,
                )
                .await?;
            }
            (Some(_), Some(e)) => enrollments::set_accommodation(&mut *tx, &e.id, accommodation).await?,
            _ => {}
        }
        let link = format!("{}/invitations/{token}", state.public_url);
        let message = mail::invitation(&mail::InvitationMail {
            exam_title: &exam.title,
            organization: &organization,
            inviter: &caller.user.display_name,
            opens_at: exam.opens_at,
            closes_at: exam.closes_at,
            duration_minutes: exam.duration_minutes,
            accommodation,
            link: &link,
            expires_at,
        });
        db::outbox::insert(&mut *tx, email, &message.subject, &message.body, now).await?;
        audit::record(
            &mut *tx,
            audit::Entry {
                action: audit::INVITATION_SENT,
                actor_user_id: Some(&caller.user.id),
                org_id: Some(&exam.org_id),
                subject: Some(email),
                ip: None,
                detail: Some(&exam.id),
            },
            now,
        )
        .await?;
        queued.push((email.clone(), message));
        reports.push(InviteReport {
            email: email.clone(),
            outcome: if user.is_some() {
                "Invited (has an account).".into()
            } else {
                "Invited (will create an account).".into()
            },
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

/// What an invitation link leads to, checked: the invitation, or why it cannot be used.
async fn usable(state: &AppState, token: &str) -> Result<invitations::InvitationRow, AppError> {
    let invitation = invitations::find_by_token_hash(&state.pool, &hash_token(token.trim()))
        .await?
        .ok_or_else(|| {
            AppError::NotFound(
                "This invitation link is not valid. Check that you opened the whole link from the message."
                    .into(),
            )
        })?;
    match state_of(&invitation, now_ms()) {
        InvitationState::Pending => Ok(invitation),
        InvitationState::Used => Err(AppError::Conflict(
            "This invitation has already been used. Sign in to see your exams.".into(),
        )),
        InvitationState::Replaced => Err(AppError::Conflict(
            "This invitation was replaced by a newer one. Use the link in the latest message.".into(),
        )),
        InvitationState::Expired => Err(AppError::Conflict(format!(
            "This invitation expired on {}. Ask the exam's organisers to invite you again.",
            crate::format::datetime(invitation.expires_at)
        ))),
    }
}

/// Where an invitation stands.
enum InvitationState {
    Pending,
    Used,
    Replaced,
    Expired,
}

fn state_of(i: &invitations::InvitationRow, now: i64) -> InvitationState {
    if i.accepted_at.is_some() {
        InvitationState::Used
    } else if i.revoked_at.is_some() {
        InvitationState::Replaced
    } else if now >= i.expires_at {
        InvitationState::Expired
    } else {
        InvitationState::Pending
    }
}

/// The page behind an invitation link: which exam, for whom, and what the visitor must do.
pub async fn view(state: &AppState, token: &str) -> Result<InvitationView, AppError> {
    let invitation = usable(state, token).await?;
    let exam = db::exams::find(&state.pool, &invitation.exam_id)
        .await?
        .ok_or_else(|| AppError::NotFound("The exam of this invitation no longer exists.".into()))?;
    let organization = db::orgs::name(&state.pool, &exam.org_id).await?;
    let account_exists = db::users::find_by_email(&state.pool, &invitation.email)
        .await?
        .is_some();
    let signed_in_as = auth::current_user(state).await.ok().map(|u| u.email);
    Ok(InvitationView {
        accommodation: invitation.accommodation().describe(),
        email: invitation.email,
        exam_title: exam.title,
        organization,
        opens_at: exam.opens_at,
        closes_at: exam.closes_at,
        duration_minutes: exam.duration_minutes,
        expires_at: invitation.expires_at,
        account_exists,
        signed_in_as,
    })
}

/// Who accepts an invitation to `email`: the signed-in owner of its account, or, when the
/// address has none, a new account with the name and password given (returned to be inserted
/// with the acceptance; the link proved the address). Shared by exam and staff invitations.
pub(crate) async fn invitee(
    state: &AppState,
    email: &str,
    display_name: &str,
    password: &str,
) -> Result<(String, Option<(String, String)>), AppError> {
    match db::users::find_by_email(&state.pool, email).await? {
        Some(user) => {
            let caller = auth::current_user(state).await?;
            if caller.id != user.id {
                return Err(AppError::Conflict(format!(
                    "This invitation is for {email}. Sign out, then sign in as {email} to accept it."
                )));
            }
            Ok((user.id, None))
        }
        None => {
            let name = shared::validation::normalize_display_name(display_name).map_err(AppError::Invalid)?;
            super::password_policy::check_new(password, &[email, &name])?;
            let plain = password.to_string();
            let hash = argon2_blocking(move || hash_password(&plain)).await??;
            Ok((super::new_id(), Some((name, hash))))
        }
    }
}

/// Accepts an invitation: creates the account when the address has none (with the name and
/// password given), makes the person a candidate of the organisation and enrolls them.
/// Returns the exam's id.
pub async fn accept(
    state: &AppState,
    token: &str,
    display_name: &str,
    password: &str,
) -> Result<String, AppError> {
    let invitation = usable(state, token).await?;
    let now = now_ms();
    let (user_id, new_account) = invitee(state, &invitation.email, display_name, password).await?;
    let mut tx = db::begin_write(&state.pool).await?;
    if !invitations::mark_accepted(&mut *tx, &invitation.id, now).await? {
        return Err(AppError::Conflict(
            "This invitation has just been used or replaced. Sign in to see your exams.".into(),
        ));
    }
    if let Some((name, hash)) = &new_account {
        db::users::insert(&mut *tx, &user_id, &invitation.email, name, hash, now).await?;
    }
    db::orgs::add_member(&mut *tx, &invitation.org_id, &user_id, None, now).await?;
    db::orgs::grant_role(&mut *tx, &user_id, &invitation.org_id, Role::Candidate, now).await?;
    let accommodation = invitation.accommodation();
    match enrollments::find(&mut *tx, &invitation.exam_id, &user_id).await? {
        Some(e) if e.status() == EnrollmentStatus::Invited => {
            enrollments::set_status(&mut *tx, &e.id, EnrollmentStatus::Accepted).await?;
            enrollments::set_accommodation(&mut *tx, &e.id, accommodation).await?;
        }
        Some(_) => {}
        None => {
            enrollments::insert(
                &mut *tx,
                &invitation.exam_id,
                &user_id,
                EnrollmentStatus::Accepted,
                accommodation,
                now,
            )
            .await?;
        }
    }
    audit::record(
        &mut *tx,
        audit::Entry {
            action: audit::INVITATION_ACCEPTED,
            actor_user_id: Some(&user_id),
            org_id: Some(&invitation.org_id),
            subject: Some(&invitation.email),
            ip: None,
            detail: Some(&invitation.exam_id),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    if new_account.is_some() {
        auth::start_session(state, &user_id, None).await?;
    }
    tracing::info!(exam_id = %invitation.exam_id, user_id = %user_id, "invitation accepted");
    Ok(invitation.exam_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_lists_are_split_and_deduplicated() {
        let emails = parse_emails("a@x.org, B@X.org;\nc@x.org  a@x.org").unwrap();
        assert_eq!(emails, vec!["a@x.org", "b@x.org", "c@x.org"]);
    }

    #[test]
    fn one_bad_address_refuses_the_batch_and_names_it() {
        let err = parse_emails("a@x.org, not-an-address").unwrap_err();
        assert!(err.to_string().contains("not-an-address"), "{err}");
        assert!(parse_emails(" , ").is_err());
    }
}
