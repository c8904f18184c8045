//! `audit_log`: append-only record of security-relevant actions.

use sqlx::AnyExecutor;

pub const SIGN_IN: &str = "SIGN_IN";
pub const SIGN_IN_FAILED: &str = "SIGN_IN_FAILED";
pub const SIGN_IN_REFUSED: &str = "SIGN_IN_REFUSED";
pub const SIGN_OUT: &str = "SIGN_OUT";
pub const SIGN_UP: &str = "SIGN_UP";
pub const INVITATION_SENT: &str = "INVITATION_SENT";
pub const INVITATION_ACCEPTED: &str = "INVITATION_ACCEPTED";
pub const ACCOMMODATION_SET: &str = "ACCOMMODATION_SET";
pub const ESSAYS_GRADED: &str = "ESSAYS_GRADED";
pub const FLAG_DECIDED: &str = "FLAG_DECIDED";
pub const FLAG_RAISED_BY_REVIEWER: &str = "FLAG_RAISED_BY_REVIEWER";
pub const REVIEW_STATE_CHANGED: &str = "REVIEW_STATE_CHANGED";
pub const RELAXATIONS_SET: &str = "RELAXATIONS_SET";
pub const EXAM_SETTING_CHANGED: &str = "EXAM_SETTING_CHANGED";
pub const BANK_CREATED: &str = "BANK_CREATED";
pub const AUTHORING_STATUS_CHANGED: &str = "AUTHORING_STATUS_CHANGED";
pub const QUESTIONS_IMPORTED: &str = "QUESTIONS_IMPORTED";
pub const PASSWORD_CHANGED: &str = "PASSWORD_CHANGED";
pub const PROFILE_CHANGED: &str = "PROFILE_CHANGED";
pub const SESSION_ENDED: &str = "SESSION_ENDED";
pub const PASSWORD_RESET_REQUESTED: &str = "PASSWORD_RESET_REQUESTED";
pub const PASSWORD_RESET: &str = "PASSWORD_RESET";

pub struct Entry<'a> {
    pub action: &'a str,
    pub actor_user_id: Option<&'a str>,
    pub org_id: Option<&'a str>,
    /// What the action was about: for sign-ins, the email address tried.
    pub subject: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub detail: Option<&'a str>,
}

impl<'a> Entry<'a> {
    /// A person acting on their own account (a password, a session, their name).
    pub fn own_account(action: &'static str, user_id: &'a str, ip: Option<&'a str>) -> Entry<'a> {
        Entry {
            action,
            actor_user_id: Some(user_id),
            org_id: None,
            subject: Some(user_id),
            ip,
            detail: None,
        }
    }
}

pub async fn record<'e>(db: impl AnyExecutor<'e>, e: Entry<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, action, actor_user_id, org_id, subject, ip, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(crate::server::new_id())
    .bind(now)
    .bind(e.action)
    .bind(e.actor_user_id)
    .bind(e.org_id)
    .bind(e.subject)
    .bind(e.ip)
    .bind(e.detail)
    .execute(db)
    .await
    .map(|_| ())
}

/// How many times `action` was recorded for `subject` from `ip` since `since`.
pub async fn count_for_subject_from<'e>(
    db: impl AnyExecutor<'e>,
    action: &str,
    subject: &str,
    ip: &str,
    since: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND subject = $2 AND ip = $3 AND at >= $4",
    )
    .bind(action)
    .bind(subject)
    .bind(ip)
    .bind(since)
    .fetch_one(db)
    .await
}
