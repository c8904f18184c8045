//! What reviewers see, assembled from sessions, flags, events and the history.

use super::super::db::{self, exam_sessions::review::ReviewRow, flags::FlagRow};
use super::super::{guard::Caller, now_ms};
use super::strip;
use crate::error::AppError;
use crate::model::{
    EventPage, ExamChoice, FlagEvidence, FlagView, HistoryEntry, QueueFilter, QueuePage, ReviewSession,
    SessionReview, TimelineEvent,
};
use shared::review::CLAIM_IDLE_MS;
use shared::rules::Relaxations;
use shared::{ReviewState, Role};
use sqlx::AnyPool;

/// Sessions per queue page.
pub const PAGE_SIZE: i64 = 25;
/// Events per page of the event list.
pub const EVENT_PAGE: i64 = 200;

/// The live claim's holder: a claim untouched for [`CLAIM_IDLE_MS`] has lapsed.
fn live_claim(row: &ReviewRow, now: i64) -> Option<(&str, i64)> {
    let holder = row.claimed_by.as_deref()?;
    let lapses_at = row.claimed_at?.saturating_add(CLAIM_IDLE_MS);
    (lapses_at > now).then_some((holder, lapses_at))
}

fn event_view(e: &db::events::EventRow) -> FlagEvidence {
    FlagEvidence {
        event_id: e.id.clone(),
        seq: e.seq,
        kind: e.kind.clone(),
        description: e.kind().map(|k| k.describe()).unwrap_or_else(|| e.kind.clone()),
        client_ms: e.client_ms,
        server_ms: e.server_ms,
    }
}

/// A flag as reviewers read it, its evidence taken from `events` (the session's evidence
/// events, read once for all its flags).
fn flag_view(f: FlagRow, events: &[db::events::EventRow]) -> Option<FlagView> {
    let ids: Vec<String> = serde_json::from_str(&f.evidence_json).unwrap_or_default();
    let (Ok(flag_type), Ok(severity), Ok(status)) =
        (f.flag_type.parse(), f.severity.parse(), f.status.parse())
    else {
        tracing::warn!(flag_id = %f.id, "flag with an unknown type, severity or status skipped");
        return None;
    };
    Some(FlagView {
        flag_id: f.id,
        flag_type,
        severity,
        raised_at: f.raised_at,
        status,
        evidence: events
            .iter()
            .filter(|e| ids.contains(&e.id))
            .map(event_view)
            .collect(),
        note: f.note,
        raised_by_person: f.raised_by.is_some(),
        at_ms: f.at_ms,
        resolution: f.resolution,
        resolved_by: f.resolved_by_name,
        resolved_at: f.resolved_at,
    })
}

/// One session with its flags, as the caller sees it.
pub async fn session(pool: &AnyPool, me: &str, row: ReviewRow) -> Result<ReviewSession, AppError> {
    let now = now_ms();
    let rows = db::flags::for_session(pool, &row.id).await?;
    // Every flag's evidence in one query.
    let mut evidence_ids: Vec<String> = rows
        .iter()
        .flat_map(|f| serde_json::from_str::<Vec<String>>(&f.evidence_json).unwrap_or_default())
        .collect();
    evidence_ids.sort();
    evidence_ids.dedup();
    let events = db::events::by_ids(pool, &row.id, &evidence_ids).await?;
    let flags = rows.into_iter().filter_map(|f| flag_view(f, &events)).collect();
    let claim = live_claim(&row, now);
    let relaxations: Relaxations = serde_json::from_str(&row.relaxations_json).unwrap_or_default();
    Ok(ReviewSession {
        claimed_by: claim.and(row.claimed_by_name.clone()),
        claimed_by_me: claim.is_some_and(|(holder, _)| holder == me),
        claim_lapses_at: claim.map(|(_, at)| at),
        first_reviewer_is_me: row.first_reviewer.as_deref() == Some(me),
        accommodations: relaxations.describe(),
        status: row.status.parse().map_err(|_| AppError::Internal)?,
        review_state: row.review_state.parse().map_err(|_| AppError::Internal)?,
        session_id: row.id,
        exam_id: row.exam_id,
        exam_title: row.exam_title,
        candidate_name: row.candidate_name,
        candidate_email: row.candidate_email,
        risk_score: row.risk_score,
        started_at: row.started_at,
        submitted_at: row.submitted_at,
        flags,
    })
}

/// A queue cursor: the last row's risk score and id.
fn cursor_of(row: &ReviewRow) -> String {
    format!("{}:{}", row.risk_score, row.id)
}

fn parse_cursor(raw: &str) -> Result<(i64, &str), AppError> {
    let bad =
        || AppError::Invalid("That page of the queue does not exist; start from the first page.".into());
    let (risk, id) = raw.split_once(':').ok_or_else(bad)?;
    let risk: i64 = risk.parse().map_err(|_| bad())?;
    if id.is_empty() || id.len() > 64 {
        return Err(bad());
    }
    Ok((risk, id))
}

/// Longest email search accepted.
const MAX_SEARCH: usize = 200;

/// One page of the queue across the caller's organisations.
pub async fn queue(
    pool: &AnyPool,
    me: &str,
    org_ids: &[String],
    f: &QueueFilter,
) -> Result<QueuePage, AppError> {
    use db::exam_sessions::review::{ClaimFilter, QueueQuery};
    if f.email.chars().count() > MAX_SEARCH {
        return Err(AppError::Invalid(format!(
            "Search for at most {MAX_SEARCH} characters of an email address."
        )));
    }
    let email = f.email.trim().to_lowercase();
    let now = now_ms();
    let q = QueueQuery {
        org_ids,
        me,
        now,
        lapsed_before: now.saturating_sub(CLAIM_IDLE_MS),
        exam_id: f.exam_id.as_deref().filter(|e| !e.is_empty()),
        review_state: f.state.map(ReviewState::as_str),
        flag_type: f.flag_type.map(|t| t.as_str()),
        severity: f.severity.map(|s| s.as_str()),
        claim: match f.claim {
            crate::model::ClaimChoice::Any => ClaimFilter::Any,
            crate::model::ClaimChoice::Mine => ClaimFilter::Mine,
            crate::model::ClaimChoice::Unclaimed => ClaimFilter::Unclaimed,
        },
        email: Some(email.as_str()).filter(|e| !e.is_empty()),
        after: f.after.as_deref().map(parse_cursor).transpose()?,
        limit: PAGE_SIZE + 1,
    };
    let mut rows = db::exam_sessions::review::queue(pool, &q).await?;
    let next = if rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(cursor_of)
    } else {
        None
    };
    let mut sessions = Vec::with_capacity(rows.len());
    for row in rows {
        sessions.push(session(pool, me, row).await?);
    }
    let counts = db::exam_sessions::review::counts_by_state(pool, &q)
        .await?
        .into_iter()
        .filter_map(|(s, n)| Some((s.parse().ok()?, n)))
        .collect();
    let mut exams = Vec::new();
    for org in org_ids {
        exams.extend(
            db::exams::titles_in_org(pool, org)
                .await?
                .into_iter()
                .map(|(exam_id, title)| ExamChoice { exam_id, title }),
        );
    }
    Ok(QueuePage {
        sessions,
        next,
        counts,
        exams,
    })
}

/// Everything a reviewer needs to decide one session.
pub async fn session_review(
    pool: &AnyPool,
    caller: &Caller,
    row: ReviewRow,
) -> Result<SessionReview, AppError> {
    let me = caller.user.id.as_str();
    let session_id = row.id.clone();
    let end_ms = row.submitted_at.unwrap_or_else(|| row.deadline_at.min(now_ms()));
    let strip = strip::build(pool, &session_id, row.started_at, end_ms).await?;
    let session = session(pool, me, row).await?;
    let history = db::review_history::for_session(pool, &session_id)
        .await?
        .into_iter()
        .map(|h| HistoryEntry {
            actor: h.actor_name,
            at: h.at,
            flag: h.flag_id.as_ref().and_then(|id| {
                session
                    .flags
                    .iter()
                    .find(|f| &f.flag_id == id)
                    .map(|f| f.flag_type)
            }),
            from: h.from_state,
            to: h.to_state,
            note: h.note,
        })
        .collect();
    let event_count = db::events::max_seq(pool, &session_id).await?;
    let holds = |roles: &[Role]| shared::roles::permits(&caller.roles, roles);
    Ok(SessionReview {
        can_review: holds(&[Role::ProctorReviewer]),
        can_second_review: holds(&[Role::QualityAssurance]) && !session.first_reviewer_is_me,
        can_reopen: holds(&[Role::QualityAssurance, Role::OrgAdmin]),
        session,
        history,
        strip,
        event_count,
    })
}

/// A page of the session's events after sequence number `after`.
pub async fn events_page(pool: &AnyPool, session_id: &str, after: i64) -> Result<EventPage, AppError> {
    let mut rows = db::events::page(pool, session_id, after.max(0), EVENT_PAGE + 1).await?;
    let more = rows.len() as i64 > EVENT_PAGE;
    rows.truncate(EVENT_PAGE as usize);
    let next_after = more.then(|| rows.last().map(|e| e.seq)).flatten();
    let events = rows
        .into_iter()
        .map(|e| TimelineEvent {
            description: e.kind().map(|k| k.describe()).unwrap_or_else(|| e.kind.clone()),
            event_id: e.id,
            seq: e.seq,
            kind: e.kind,
            client_ms: e.client_ms,
            server_ms: e.server_ms,
            payload: e.payload_json,
        })
        .collect();
    Ok(EventPage { events, next_after })
}
