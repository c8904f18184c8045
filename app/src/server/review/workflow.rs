//! What reviewers decide. Each change is checked twice: by the pure workflow in
//! `shared::review` (for a reason a person can read), then by the write itself, which is
//! conditional on the state the decision was made from, so a race loses cleanly (409). Every
//! change goes to `review_history` and `audit_log` in the same transaction, and reviewers are
//! told live.

use super::super::bus::NoticeKind;
use super::super::db::{
    self, audit, exam_sessions::review::ReviewRow, flags::FlagInsert, review_history::Change,
};
use super::super::{flagging, guard::Caller, now_ms, AppState};
use crate::error::AppError;
use shared::review::{check_flag_decision, check_note, transition, Context, ReviewAction, CLAIM_IDLE_MS};
use shared::rules::NewFlag;
use shared::{FlagStatus, FlagType, ReviewState, Severity};

/// Most flags one bulk decision may carry.
pub const MAX_BULK_FLAGS: usize = 200;

const RACE_LOST: &str = "This session changed while you were looking at it. Reload it and try again.";

/// The live claim holder, if the claim has not lapsed.
fn live_holder(row: &ReviewRow, now: i64) -> Option<&str> {
    let at = row.claimed_at?;
    (at.saturating_add(CLAIM_IDLE_MS) > now)
        .then_some(row.claimed_by.as_deref())
        .flatten()
}

fn context<'a>(caller: &'a Caller, row: &'a ReviewRow, now: i64) -> Context<'a> {
    Context {
        actor: &caller.user.id,
        roles: &caller.roles,
        claimed_by: live_holder(row, now),
        first_reviewer: row.first_reviewer.as_deref(),
    }
}

/// Moves the session's review outcome. Returns the new state.
pub async fn change_state(
    state: &AppState,
    caller: &Caller,
    row: &ReviewRow,
    action: ReviewAction,
    note: &str,
) -> Result<ReviewState, AppError> {
    let now = now_ms();
    let lapsed_before = now.saturating_sub(CLAIM_IDLE_MS);
    let from: ReviewState = row.review_state.parse().map_err(|_| AppError::Internal)?;
    let to = transition(from, action, &context(caller, row, now), note)?;
    let me = caller.user.id.as_str();
    let sid = row.id.as_str();
    let mut tx = db::begin_write(&state.pool).await?;
    let written = match action {
        ReviewAction::Claim => {
            db::exam_sessions::review::claim(&mut *tx, sid, me, now, lapsed_before).await?
        }
        ReviewAction::Release => db::exam_sessions::review::release(&mut *tx, sid, me, lapsed_before).await?,
        ReviewAction::Decide(_) => {
            db::exam_sessions::review::decide(&mut *tx, sid, me, to.as_str(), now, lapsed_before).await?
        }
        ReviewAction::SecondReview(_) => {
            db::exam_sessions::review::second_review(&mut *tx, sid, me, to.as_str(), now).await?
        }
        ReviewAction::Reopen => db::exam_sessions::review::reopen(&mut *tx, sid, from.as_str()).await?,
    };
    if !written {
        return Err(AppError::Conflict(RACE_LOST.into()));
    }
    let change = Change {
        session_id: sid,
        flag_id: None,
        actor_id: me,
        from: from.as_str(),
        to: to.as_str(),
        note,
    };
    db::review_history::record(&mut *tx, change, now).await?;
    let detail = format!("{} -> {}", from.as_str(), to.as_str());
    record_audit(&mut tx, audit::REVIEW_STATE_CHANGED, caller, row, &detail, now).await?;
    tx.commit().await?;
    tracing::info!(
        session_id = sid,
        from = from.as_str(),
        to = to.as_str(),
        "review state changed"
    );
    let kind = match action {
        ReviewAction::Claim | ReviewAction::Release => NoticeKind::Claim,
        _ => NoticeKind::Decision,
    };
    state.ingestor.notify(&row.org_id, sid, kind);
    Ok(to)
}

async fn record_audit(
    tx: &mut crate::server::db::WriteTx,
    action: &str,
    caller: &Caller,
    row: &ReviewRow,
    detail: &str,
    now: i64,
) -> sqlx::Result<()> {
    let entry = audit::Entry {
        action,
        actor_user_id: Some(&caller.user.id),
        org_id: Some(&row.org_id),
        subject: Some(&row.id),
        ip: None,
        detail: Some(detail),
    };
    audit::record(&mut **tx, entry, now).await
}

/// Confirms or dismisses flags, all or none. `sessions` holds each flag's session, already
/// checked to be one the caller may review; the flags are `(flag id, session id)`.
pub async fn decide_flags(
    state: &AppState,
    caller: &Caller,
    sessions: &[ReviewRow],
    flags: &[(String, String)],
    to: FlagStatus,
    note: &str,
) -> Result<usize, AppError> {
    if flags.is_empty() {
        return Err(AppError::Invalid("Choose at least one flag.".into()));
    }
    if flags.len() > MAX_BULK_FLAGS {
        return Err(AppError::Invalid(format!(
            "Decide at most {MAX_BULK_FLAGS} flags at once."
        )));
    }
    let now = now_ms();
    let lapsed_before = now.saturating_sub(CLAIM_IDLE_MS);
    for row in sessions {
        let review: ReviewState = row.review_state.parse().map_err(|_| AppError::Internal)?;
        check_flag_decision(review, to, &context(caller, row, now), note)?;
    }
    let me = caller.user.id.as_str();
    let mut tx = db::begin_write(&state.pool).await?;
    for row in sessions {
        if !db::exam_sessions::review::hold_for_flag_decision(&mut *tx, &row.id, me, now, lapsed_before)
            .await?
        {
            return Err(AppError::Conflict(RACE_LOST.into()));
        }
    }
    for (flag_id, session_id) in flags {
        let flag = db::flags::find(&mut *tx, flag_id)
            .await?
            .filter(|f| &f.session_id == session_id)
            .ok_or_else(|| AppError::NotFound("There is no such flag.".into()))?;
        if flag.status == to.as_str() {
            return Err(AppError::Conflict(format!(
                "A {} flag is already {}.",
                flag.flag_type,
                to.as_str().to_lowercase()
            )));
        }
        if !db::flags::decide(&mut *tx, flag_id, &flag.status, to.as_str(), me, note, now).await? {
            return Err(AppError::Conflict(RACE_LOST.into()));
        }
        let change = Change {
            session_id,
            flag_id: Some(flag_id),
            actor_id: me,
            from: &flag.status,
            to: to.as_str(),
            note,
        };
        db::review_history::record(&mut *tx, change, now).await?;
    }
    for row in sessions {
        flagging::refresh_risk(&mut tx, &row.id).await?;
        let n = flags.iter().filter(|(_, s)| *s == row.id).count();
        let detail = format!("{n} flag(s) {}", to.as_str());
        record_audit(&mut tx, audit::FLAG_DECIDED, caller, row, &detail, now).await?;
    }
    tx.commit().await?;
    for row in sessions {
        state.ingestor.notify(&row.org_id, &row.id, NoticeKind::Decision);
    }
    Ok(flags.len())
}

/// A flag of the reviewer's own at a moment of the session, with a note. It is recorded as
/// confirmed by them: a person raised it, so there is nothing for a person to weigh first.
pub async fn add_flag(
    state: &AppState,
    caller: &Caller,
    row: &ReviewRow,
    flag_type: FlagType,
    severity: Severity,
    at_ms: i64,
    note: &str,
) -> Result<String, AppError> {
    let now = now_ms();
    let lapsed_before = now.saturating_sub(CLAIM_IDLE_MS);
    let review: ReviewState = row.review_state.parse().map_err(|_| AppError::Internal)?;
    check_flag_decision(review, FlagStatus::Confirmed, &context(caller, row, now), note)?;
    check_note(note, true)?;
    let end = row.submitted_at.unwrap_or(now);
    if at_ms < row.started_at || at_ms > end {
        return Err(AppError::Invalid(
            "Choose a moment between the attempt's start and its submission.".into(),
        ));
    }
    let me = caller.user.id.as_str();
    let mut tx = db::begin_write(&state.pool).await?;
    if !db::exam_sessions::review::hold_for_flag_decision(&mut *tx, &row.id, me, now, lapsed_before).await? {
        return Err(AppError::Conflict(RACE_LOST.into()));
    }
    let flag = NewFlag {
        flag_type,
        severity,
        evidence: Vec::new(),
    };
    let insert = FlagInsert {
        flag: &flag,
        note: Some(note),
        raised_by: Some(me),
        at_ms: Some(at_ms),
        once_key: None,
    };
    let id = db::flags::insert(&mut *tx, &row.id, insert, now)
        .await?
        .ok_or(AppError::Internal)?;
    db::flags::decide(
        &mut *tx,
        &id,
        "OPEN",
        FlagStatus::Confirmed.as_str(),
        me,
        note,
        now,
    )
    .await?;
    let change = Change {
        session_id: &row.id,
        flag_id: Some(&id),
        actor_id: me,
        from: "NONE",
        to: FlagStatus::Confirmed.as_str(),
        note,
    };
    db::review_history::record(&mut *tx, change, now).await?;
    flagging::refresh_risk(&mut tx, &row.id).await?;
    record_audit(
        &mut tx,
        audit::FLAG_RAISED_BY_REVIEWER,
        caller,
        row,
        flag_type.as_str(),
        now,
    )
    .await?;
    tx.commit().await?;
    state.ingestor.notify(&row.org_id, &row.id, NoticeKind::Flag);
    Ok(id)
}

/// Turns "withhold results until reviewed" on or off for an exam (coordinators, admins).
pub async fn set_withhold_results(
    state: &AppState,
    caller: &Caller,
    exam: &db::exams::ExamRow,
    withhold: bool,
) -> Result<(), AppError> {
    let mut tx = db::begin_write(&state.pool).await?;
    db::exams::set_withhold_results(&mut *tx, &exam.id, withhold).await?;
    db::exam_sessions::review::requeue_exam(&mut *tx, &exam.id, withhold).await?;
    let detail = format!("withhold_results = {withhold}");
    let entry = audit::Entry {
        action: audit::EXAM_SETTING_CHANGED,
        actor_user_id: Some(&caller.user.id),
        org_id: Some(&exam.org_id),
        subject: Some(&exam.id),
        ip: None,
        detail: Some(&detail),
    };
    audit::record(&mut *tx, entry, now_ms()).await?;
    tx.commit().await?;
    Ok(())
}
