//! Everything stored about one person, read for their own download, and the writes that
//! delete their account while keeping their results anonymised: `deletion_requests`, and the
//! rows across tables that name them.

use sqlx::{AnyExecutor, AnyPool, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct ProfileRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub created_at: i64,
}

pub async fn profile<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<Option<ProfileRow>> {
    sqlx::query_as("SELECT id, email, display_name, created_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await
}

#[derive(Debug, Clone, FromRow)]
pub struct MembershipRow {
    pub org_id: String,
    pub organization: String,
    pub department: Option<String>,
    pub joined_at: i64,
}

pub async fn memberships<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<Vec<MembershipRow>> {
    sqlx::query_as(
        "SELECT m.org_id, o.name AS organization, d.name AS department, m.created_at AS joined_at \
         FROM organization_members m JOIN organizations o ON o.id = m.org_id \
         LEFT JOIN departments d ON d.id = m.department_id WHERE m.user_id = $1 ORDER BY o.name",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

pub async fn roles<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT org_id, role FROM user_roles WHERE user_id = $1 ORDER BY org_id, role")
        .bind(user_id)
        .fetch_all(db)
        .await
}

#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub id: String,
    pub exam: String,
    pub attempt_no: i64,
    pub status: String,
    pub consented_at: Option<i64>,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub passed: Option<i64>,
    pub review_state: String,
    pub telemetry_purged_at: Option<i64>,
}

pub async fn sessions<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<Vec<SessionRow>> {
    sqlx::query_as(
        "SELECT s.id, e.title AS exam, s.attempt_no, s.status, s.consented_at, s.started_at, s.submitted_at, \
         s.score, s.max_score, s.passed, s.review_state, s.telemetry_purged_at \
         FROM exam_sessions s JOIN exams e ON e.id = s.exam_id WHERE s.user_id = $1 ORDER BY s.started_at",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct AnswerRow {
    pub question_id: String,
    pub value_json: String,
    pub updated_at: i64,
    pub points_awarded: Option<f64>,
    pub feedback: Option<String>,
}

pub async fn answers<'e>(db: impl AnyExecutor<'e>, session_id: &str) -> sqlx::Result<Vec<AnswerRow>> {
    sqlx::query_as(
        "SELECT question_id, value_json, updated_at, points_awarded, feedback FROM answers \
         WHERE session_id = $1 ORDER BY question_id",
    )
    .bind(session_id)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct EventRow {
    pub seq: i64,
    pub kind: String,
    pub client_ms: i64,
    pub server_ms: i64,
    pub payload_json: String,
}

pub async fn events<'e>(db: impl AnyExecutor<'e>, session_id: &str) -> sqlx::Result<Vec<EventRow>> {
    sqlx::query_as(
        "SELECT seq, kind, client_ms, server_ms, payload_json FROM proctor_events WHERE session_id = $1 ORDER BY seq",
    )
    .bind(session_id)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct FlagRow {
    pub flag_type: String,
    pub severity: String,
    pub status: String,
    pub raised_at: i64,
    pub resolution: Option<String>,
    pub resolved_at: Option<i64>,
}

pub async fn flags<'e>(db: impl AnyExecutor<'e>, session_id: &str) -> sqlx::Result<Vec<FlagRow>> {
    sqlx::query_as(
        "SELECT flag_type, severity, status, raised_at, resolution, resolved_at FROM flags \
         WHERE session_id = $1 ORDER BY raised_at",
    )
    .bind(session_id)
    .fetch_all(db)
    .await
}

/// The person's own sign-ins and account changes (what they did, when, from where).
pub async fn own_audit<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
) -> sqlx::Result<Vec<(i64, String, Option<String>)>> {
    sqlx::query_as("SELECT at, action, ip FROM audit_log WHERE actor_user_id = $1 ORDER BY at LIMIT 10000")
        .bind(user_id)
        .fetch_all(db)
        .await
}

// ---- deletion ----

/// Records the request unless one is already waiting; false then.
pub async fn request_deletion<'e>(db: impl AnyExecutor<'e>, user_id: &str, now: i64) -> sqlx::Result<bool> {
    sqlx::query(
        "INSERT INTO deletion_requests (id, user_id, requested_at) SELECT $1, $2, $3 \
         WHERE NOT EXISTS (SELECT 1 FROM deletion_requests WHERE user_id = $2 AND decided_at IS NULL)",
    )
    .bind(crate::server::new_id())
    .bind(user_id)
    .bind(now)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

pub async fn pending_request<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT requested_at FROM deletion_requests WHERE user_id = $1 AND decided_at IS NULL")
        .bind(user_id)
        .fetch_optional(db)
        .await
}

#[derive(Debug, Clone, FromRow)]
pub struct PendingDeletion {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub requested_at: i64,
}

/// Waiting requests of the organisation's members.
pub async fn pending_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
) -> sqlx::Result<Vec<PendingDeletion>> {
    sqlx::query_as(
        "SELECT r.user_id, u.email, u.display_name, r.requested_at FROM deletion_requests r \
         JOIN users u ON u.id = r.user_id \
         JOIN organization_members m ON m.user_id = r.user_id AND m.org_id = $1 \
         WHERE r.decided_at IS NULL ORDER BY r.requested_at",
    )
    .bind(org_id)
    .fetch_all(db)
    .await
}

/// Closes the waiting request; false when there was none (decided meanwhile).
pub async fn decide<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    by: Option<&str>,
    now: i64,
) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE deletion_requests SET decided_at = $3, decided_by = $2 WHERE user_id = $1 AND decided_at IS NULL",
    )
    .bind(user_id)
    .bind(by)
    .bind(now)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Where a person's telemetry is erased: in the same transaction as the rest of them, or
/// apart (telemetry in a database file of its own: [`erase_telemetry_apart`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Telemetry {
    Here,
    Apart,
}

/// Erases a person's telemetry from the telemetry file (`telemetry`), their sessions found in
/// the main one (`main`); returns how many events went.
pub async fn erase_telemetry_apart(main: &AnyPool, telemetry: &AnyPool, user_id: &str) -> sqlx::Result<u64> {
    let sessions: Vec<String> =
        sqlx::query_scalar("SELECT id FROM exam_sessions WHERE user_id = $1 ORDER BY id")
            .bind(user_id)
            .fetch_all(main)
            .await?;
    let mut tx = super::begin_write(telemetry).await?;
    let mut erased = 0;
    for session_id in &sessions {
        erased += super::retention::delete_events(&mut *tx, session_id).await?;
    }
    tx.commit().await?;
    Ok(erased)
}

/// Erases a person: their telemetry (unless `Apart`), sign-in sessions, memberships, roles, links, messages and
/// sign-in counts, and their address wherever the audit log names it (their id instead); the
/// user row then keeps only its id, so their results (answers, scores, review outcomes) stay
/// for the organisation, anonymised. False when the account changed meanwhile.
pub async fn erase(
    conn: &mut sqlx::AnyConnection,
    user_id: &str,
    email: &str,
    telemetry: Telemetry,
) -> sqlx::Result<bool> {
    if telemetry == Telemetry::Here {
        sqlx::query(
            "DELETE FROM proctor_events WHERE session_id IN (SELECT id FROM exam_sessions WHERE user_id = $1)",
        )
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    }
    let by_user = [
        "UPDATE flags SET evidence_json = '[]' WHERE session_id IN (SELECT id FROM exam_sessions WHERE user_id = $1)",
        "DELETE FROM sessions WHERE user_id = $1",
        "DELETE FROM user_roles WHERE user_id = $1",
        "DELETE FROM organization_members WHERE user_id = $1",
        "DELETE FROM password_resets WHERE user_id = $1",
        "DELETE FROM user_totp WHERE user_id = $1",
        "DELETE FROM recovery_codes WHERE user_id = $1",
        "DELETE FROM second_factor_challenges WHERE user_id = $1",
    ];
    for sql in by_user {
        sqlx::query(sql).bind(user_id).execute(&mut *conn).await?;
    }
    let by_email = [
        "DELETE FROM outbox WHERE to_email = $1",
        "DELETE FROM invitations WHERE email = $1",
        "DELETE FROM staff_invitations WHERE email = $1",
        "DELETE FROM sign_in_throttle WHERE throttle_key = 'account:' || $1 \
         OR SUBSTR(throttle_key, 1, LENGTH('pair:' || $1 || ' ')) = 'pair:' || $1 || ' '",
    ];
    for sql in by_email {
        sqlx::query(sql).bind(email).execute(&mut *conn).await?;
    }
    sqlx::query("UPDATE audit_log SET subject = $1 WHERE subject = $2")
        .bind(user_id)
        .bind(email)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE users SET email = 'deleted-' || id || '@deleted.invalid', display_name = 'Deleted user', \
         password_hash = '!' WHERE id = $1 AND email = $2",
    )
    .bind(user_id)
    .bind(email)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected() == 1)
}
