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
pub const STAFF_INVITED: &str = "STAFF_INVITED";
pub const STAFF_INVITATION_WITHDRAWN: &str = "STAFF_INVITATION_WITHDRAWN";
pub const STAFF_INVITATION_ACCEPTED: &str = "STAFF_INVITATION_ACCEPTED";
pub const MEMBER_ROLES_CHANGED: &str = "MEMBER_ROLES_CHANGED";
pub const MEMBER_DEPARTMENT_CHANGED: &str = "MEMBER_DEPARTMENT_CHANGED";
pub const MEMBER_REMOVED: &str = "MEMBER_REMOVED";
pub const DEPARTMENT_CREATED: &str = "DEPARTMENT_CREATED";
pub const DEPARTMENT_RENAMED: &str = "DEPARTMENT_RENAMED";
pub const DEPARTMENT_DELETED: &str = "DEPARTMENT_DELETED";
pub const ORG_SETTINGS_CHANGED: &str = "ORG_SETTINGS_CHANGED";
pub const ORG_CREATED: &str = "ORG_CREATED";
pub const ORG_SUSPENDED: &str = "ORG_SUSPENDED";
pub const ORG_REACTIVATED: &str = "ORG_REACTIVATED";
pub const TELEMETRY_PURGED: &str = "TELEMETRY_PURGED";
pub const ACCOUNT_DELETION_REQUESTED: &str = "ACCOUNT_DELETION_REQUESTED";
pub const ACCOUNT_DELETED: &str = "ACCOUNT_DELETED";
pub const SECOND_FACTOR_ASKED: &str = "SECOND_FACTOR_ASKED";
pub const SECOND_FACTOR_FAILED: &str = "SECOND_FACTOR_FAILED";
pub const SECOND_FACTOR_ENABLED: &str = "SECOND_FACTOR_ENABLED";
pub const SECOND_FACTOR_DISABLED: &str = "SECOND_FACTOR_DISABLED";
pub const EMAIL_VERIFIED: &str = "EMAIL_VERIFIED";
pub const PLATFORM_SETTINGS_CHANGED: &str = "PLATFORM_SETTINGS_CHANGED";
pub const PASSKEY_ADDED: &str = "PASSKEY_ADDED";
pub const PASSKEY_REMOVED: &str = "PASSKEY_REMOVED";

/// The actions recorded against an organisation, as its admin filters the log by them.
pub const ORG_ACTIONS: &[&str] = crate::model::admin::ORG_AUDIT_ACTIONS;

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
    /// Someone acting on an organisation (an admin changing a member, a setting).
    pub fn in_org(
        action: &'static str,
        actor_user_id: &'a str,
        org_id: &'a str,
        subject: Option<&'a str>,
        detail: Option<&'a str>,
    ) -> Entry<'a> {
        Entry {
            action,
            actor_user_id: Some(actor_user_id),
            org_id: Some(org_id),
            subject,
            ip: None,
            detail,
        }
    }

    /// The address the request came from.
    pub fn from_ip(self, ip: Option<&'a str>) -> Entry<'a> {
        Entry { ip, ..self }
    }

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

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: String,
    pub at: i64,
    pub action: String,
    pub actor: Option<String>,
    pub subject: Option<String>,
    pub ip: Option<String>,
    pub detail: Option<String>,
}

/// What an organisation's admin filters its log by: an exact action (or empty), a lower-case
/// LIKE pattern on the actor's email (or empty), a time range, and where the previous page
/// ended (`before_at`, `before_id`: entries strictly older, ties broken by id).
pub struct OrgFilter<'a> {
    pub action: &'a str,
    pub actor_pattern: &'a str,
    pub from: i64,
    pub before_at: i64,
    pub before_id: &'a str,
}

/// The organisation's entries, newest first, `limit` of them.
pub async fn list_for_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    f: &OrgFilter<'_>,
    limit: i64,
) -> sqlx::Result<Vec<AuditRow>> {
    sqlx::query_as(
        "SELECT a.id, a.at, a.action, u.email AS actor, a.subject, a.ip, a.detail \
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id \
         WHERE a.org_id = $1 AND ($2 = '' OR a.action = $2) \
         AND ($3 = '' OR LOWER(u.email) LIKE $3 ESCAPE '\\') AND a.at >= $4 \
         AND (a.at < $5 OR (a.at = $5 AND a.id < $7)) ORDER BY a.at DESC, a.id DESC LIMIT $6",
    )
    .bind(org_id)
    .bind(f.action)
    .bind(f.actor_pattern)
    .bind(f.from)
    .bind(f.before_at)
    .bind(limit)
    .bind(f.before_id)
    .fetch_all(db)
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_organisation_action_is_offered_in_the_filter() {
        for action in [
            super::STAFF_INVITED,
            super::MEMBER_ROLES_CHANGED,
            super::MEMBER_REMOVED,
            super::DEPARTMENT_CREATED,
            super::ORG_SETTINGS_CHANGED,
            super::ORG_SUSPENDED,
            super::INVITATION_SENT,
            super::FLAG_DECIDED,
        ] {
            assert!(super::ORG_ACTIONS.contains(&action), "{action}");
        }
    }
}
