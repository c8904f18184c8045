//! A person's own data: everything Vigil holds about them as one JSON download, and deleting
//! their account. Deletion is asked for by the person (with their password) and confirmed by an
//! admin of an organisation they belong to, since an organisation may have to keep results;
//! those stay, anonymised. Someone who belongs to no organisation is deleted at once.

use super::db::{self, audit, personal_data as pd};
use super::{account, auth, now_ms, AppState};
use crate::error::AppError;
use crate::model::account::DeletionRequest;
use serde::Serialize;
use serde_json::Value;

#[derive(Serialize)]
pub struct MyData {
    pub exported_at: i64,
    pub profile: Profile,
    pub memberships: Vec<Membership>,
    pub sessions: Vec<Session>,
    /// Sign-ins and changes to the account, with the address they came from.
    pub account_activity: Vec<Activity>,
}

#[derive(Serialize)]
pub struct Profile {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub created_at: i64,
}

#[derive(Serialize)]
pub struct Membership {
    pub organization: String,
    pub department: Option<String>,
    pub roles: Vec<String>,
    pub joined_at: i64,
}

#[derive(Serialize)]
pub struct Session {
    pub id: String,
    pub exam: String,
    pub attempt: i64,
    pub status: String,
    pub consented_at: Option<i64>,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub passed: Option<bool>,
    pub review_state: String,
    /// When the organisation's retention period removed this session's telemetry.
    pub telemetry_removed_at: Option<i64>,
    pub answers: Vec<Answer>,
    pub events: Vec<Event>,
    pub flags: Vec<Flag>,
}

#[derive(Serialize)]
pub struct Answer {
    pub question_id: String,
    pub value: Value,
    pub saved_at: i64,
    pub points: Option<f64>,
    pub feedback: Option<String>,
}

#[derive(Serialize)]
pub struct Event {
    pub seq: i64,
    pub kind: String,
    pub client_ms: i64,
    pub server_ms: i64,
    pub payload: Value,
}

#[derive(Serialize)]
pub struct Flag {
    pub kind: String,
    pub severity: String,
    pub status: String,
    pub raised_at: i64,
    pub resolution: Option<String>,
    pub resolved_at: Option<i64>,
}

#[derive(Serialize)]
pub struct Activity {
    pub at: i64,
    pub action: String,
    pub address: Option<String>,
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// Everything about `user_id`, read in one transaction so the parts agree.
pub async fn export(state: &AppState, user_id: &str) -> Result<MyData, AppError> {
    let mut tx = state.pool.begin().await?;
    let p = pd::profile(&mut *tx, user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let roles = pd::roles(&mut *tx, user_id).await?;
    let memberships = pd::memberships(&mut *tx, user_id)
        .await?
        .into_iter()
        .map(|m| Membership {
            roles: roles
                .iter()
                .filter(|(o, _)| *o == m.org_id)
                .map(|(_, r)| r.clone())
                .collect(),
            organization: m.organization,
            department: m.department,
            joined_at: m.joined_at,
        })
        .collect();
    let mut sessions = Vec::new();
    for s in pd::sessions(&mut *tx, user_id).await? {
        let answers = pd::answers(&mut *tx, &s.id).await?;
        let events = pd::events(&mut *tx, &s.id).await?;
        let flags = pd::flags(&mut *tx, &s.id).await?;
        sessions.push(Session {
            answers: answers
                .into_iter()
                .map(|a| Answer {
                    value: json(&a.value_json),
                    question_id: a.question_id,
                    saved_at: a.updated_at,
                    points: a.points_awarded,
                    feedback: a.feedback,
                })
                .collect(),
            events: events
                .into_iter()
                .map(|e| Event {
                    payload: json(&e.payload_json),
                    seq: e.seq,
                    kind: e.kind,
                    client_ms: e.client_ms,
                    server_ms: e.server_ms,
                })
                .collect(),
            flags: flags
                .into_iter()
                .map(|f| Flag {
                    kind: f.flag_type,
                    severity: f.severity,
                    status: f.status,
                    raised_at: f.raised_at,
                    resolution: f.resolution,
                    resolved_at: f.resolved_at,
                })
                .collect(),
            id: s.id,
            exam: s.exam,
            attempt: s.attempt_no,
            status: s.status,
            consented_at: s.consented_at,
            started_at: s.started_at,
            submitted_at: s.submitted_at,
            score: s.score,
            max_score: s.max_score,
            passed: s.passed.map(|p| p != 0),
            review_state: s.review_state,
            telemetry_removed_at: s.telemetry_purged_at,
        });
    }
    let account_activity = pd::own_audit(&mut *tx, user_id)
        .await?
        .into_iter()
        .map(|(at, action, address)| Activity { at, action, address })
        .collect();
    tx.commit().await?;
    Ok(MyData {
        exported_at: now_ms(),
        profile: Profile {
            id: p.id,
            email: p.email,
            display_name: p.display_name,
            created_at: p.created_at,
        },
        memberships,
        sessions,
        account_activity,
    })
}

/// Where the caller's deletion request stands.
pub async fn my_request(state: &AppState) -> Result<DeletionRequest, AppError> {
    let user = auth::current_user(state).await?;
    Ok(match pd::pending_request(&state.pool, &user.id).await? {
        Some(at) => DeletionRequest::Waiting { requested_at: at },
        None => DeletionRequest::None,
    })
}

/// Asks for the caller's account to be deleted. Returns `Deleted` when they belong to no
/// organisation (nothing to keep: done at once, signed out), else `Waiting` for an admin.
pub async fn request_deletion(state: &AppState, password: &str) -> Result<DeletionRequest, AppError> {
    let user = auth::current_user(state).await?;
    account::confirm_password(state, &user, password).await?;
    let now = now_ms();
    let ip = auth::request_ip();
    let mut tx = db::begin_write(&state.pool).await?;
    let memberships = pd::memberships(&mut *tx, &user.id).await?;
    if memberships.is_empty() {
        let telemetry = TelemetryErasure::of(state);
        if !pd::erase(&mut tx, &user.id, &user.email, telemetry.in_transaction()).await? {
            return Err(AppError::Conflict(
                "Your account changed a moment ago. Try again.".into(),
            ));
        }
        audit::record(
            &mut *tx,
            audit::Entry::own_account(audit::ACCOUNT_DELETED, &user.id, ip.as_deref()),
            now,
        )
        .await?;
        tx.commit().await?;
        telemetry.after_commit(state, &user.id).await;
        auth::announce_sessions_ended(state, &user.id);
        auth::forget_cookie(state);
        return Ok(DeletionRequest::Deleted);
    }
    if !pd::request_deletion(&mut *tx, &user.id, now).await? {
        return Err(AppError::Conflict(
            "You have already asked; an administrator will confirm it.".into(),
        ));
    }
    audit::record(
        &mut *tx,
        audit::Entry::own_account(audit::ACCOUNT_DELETION_REQUESTED, &user.id, ip.as_deref()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(DeletionRequest::Waiting { requested_at: now })
}

/// The deletion requests an organisation's admin has to decide.
pub async fn pending(
    state: &AppState,
    org_id: &str,
) -> Result<Vec<crate::model::admin::PendingDeletion>, AppError> {
    super::org_admin::admin(state, org_id).await?;
    Ok(pd::pending_in_org(&state.pool, org_id)
        .await?
        .into_iter()
        .map(|r| crate::model::admin::PendingDeletion {
            user_id: r.user_id,
            email: r.email,
            display_name: r.display_name,
            requested_at: r.requested_at,
        })
        .collect())
}

/// An organisation's admin confirms a member's request: the account is erased, their results
/// stay anonymised. Only a waiting request of one of the organisation's own members counts.
pub async fn confirm(state: &AppState, org_id: &str, user_id: &str) -> Result<(), AppError> {
    let caller = super::org_admin::admin(state, org_id).await?;
    let now = now_ms();
    let mut tx = db::begin_write(&state.pool).await?;
    let waiting = pd::pending_in_org(&mut *tx, org_id)
        .await?
        .into_iter()
        .find(|r| r.user_id == user_id)
        .ok_or_else(|| AppError::NotFound("There is no waiting request from this member.".into()))?;
    if db::orgs::is_super_admin(&mut *tx, user_id).await? {
        return Err(AppError::NotAllowed(
            "A platform operator's account is not deleted from here.".into(),
        ));
    }
    // No organisation may be left without an admin by it.
    for m in pd::memberships(&mut *tx, user_id).await? {
        db::orgs::lock_for_member_change(&mut *tx, &m.org_id, now).await?;
        let held = db::members::held_roles(&mut *tx, &m.org_id, user_id).await?;
        if held.contains(&shared::Role::OrgAdmin)
            && !db::members::revoke_admin_unless_last(&mut *tx, &m.org_id, user_id).await?
        {
            return Err(AppError::Conflict(format!(
                "{} is the last admin of {}: make someone else its admin first.",
                waiting.display_name, m.organization
            )));
        }
    }
    let telemetry = TelemetryErasure::of(state);
    if !pd::decide(&mut *tx, user_id, Some(&caller.user.id), now).await?
        || !pd::erase(&mut tx, user_id, &waiting.email, telemetry.in_transaction()).await?
    {
        return Err(AppError::Conflict(
            "This request was decided a moment ago.".into(),
        ));
    }
    let ip = auth::request_ip();
    // The subject is the id: the address is what was erased.
    let entry = audit::Entry::in_org(
        audit::ACCOUNT_DELETED,
        &caller.user.id,
        org_id,
        Some(user_id),
        None,
    );
    audit::record(&mut *tx, entry.from_ip(ip.as_deref()), now).await?;
    tx.commit().await?;
    telemetry.after_commit(state, user_id).await;
    auth::announce_sessions_ended(state, user_id);
    tracing::info!(org = %org_id, user_id = %user_id, "account deleted on request");
    Ok(())
}

/// Where an erased person's telemetry goes: with the rest of them, or, where telemetry has a
/// database file of its own, from that file once the erasure has committed (a refused erasure
/// then keeps it). Should that second step fail, the events stay until the retention job
/// removes them with the rest of the organisation's old telemetry; the error is logged.
struct TelemetryErasure(Option<sqlx::AnyPool>);

impl TelemetryErasure {
    fn of(state: &AppState) -> Self {
        TelemetryErasure(db::telemetry_file::own_file(&state.pool))
    }

    fn in_transaction(&self) -> pd::Telemetry {
        match self.0 {
            Some(_) => pd::Telemetry::Apart,
            None => pd::Telemetry::Here,
        }
    }

    async fn after_commit(&self, state: &AppState, user_id: &str) {
        let Some(telemetry) = &self.0 else {
            return;
        };
        if let Err(e) = pd::erase_telemetry_apart(&state.pool, telemetry, user_id).await {
            tracing::error!(user_id, error = %e, "an erased account's telemetry stays until retention removes it");
        }
    }
}
