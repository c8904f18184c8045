//! The reviewer's doors: who may call, what goes in. The work is in `server::review`.

use crate::error::AppError;
use crate::model::{EventPage, QueueFilter, QueuePage, SessionReview};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::review::ReviewAction;
use shared::{FlagStatus, FlagType, ReviewState, Severity};

#[cfg(feature = "ssr")]
use super::check_id;

/// One page of the review queue across the organisations where the caller reviews.
#[server(prefix = "/api", endpoint = "review_queue", input = Json)]
pub async fn review_queue(filter: QueueFilter) -> Result<QueuePage, AppError> {
    use crate::server::{auth, db, respond, review, state};
    respond(
        async {
            let state = state()?;
            let user = auth::current_user(&state).await?;
            let orgs = db::orgs::orgs_with_role(&state.pool, &user.id, shared::roles::REVIEWERS).await?;
            if orgs.is_empty() {
                return Err(AppError::Forbidden);
            }
            if let Some(exam) = &filter.exam_id {
                check_id(exam)?;
            }
            review::views::queue(&state.pool, &user.id, &orgs, &filter).await
        }
        .await,
    )
}

/// One session's evidence, history and what the caller may decide.
#[server(prefix = "/api", endpoint = "session_review")]
pub async fn get_session_review(session_id: String) -> Result<SessionReview, AppError> {
    use crate::server::{respond, review, state};
    respond(
        async {
            let state = state()?;
            check_id(&session_id)?;
            let (caller, row) = review::reviewer_access(&state, &session_id).await?;
            review::views::session_review(&state.pool, &caller, row).await
        }
        .await,
    )
}

/// A page of one session's events after sequence number `after` (0: from the start).
#[server(prefix = "/api", endpoint = "session_events")]
pub async fn session_events(session_id: String, after: i64) -> Result<EventPage, AppError> {
    use crate::server::{respond, review, state};
    respond(
        async {
            let state = state()?;
            check_id(&session_id)?;
            let (_, row) = review::reviewer_access(&state, &session_id).await?;
            review::views::events_page(&state.pool, &row.id, after).await
        }
        .await,
    )
}

/// Claims, releases, decides, second-reviews or reopens a session. Returns its new state.
#[server(prefix = "/api", endpoint = "change_review", input = Json)]
pub async fn change_review(
    session_id: String,
    action: ReviewAction,
    note: String,
) -> Result<ReviewState, AppError> {
    use crate::server::{respond, review, state};
    respond(
        async {
            let state = state()?;
            check_id(&session_id)?;
            let (caller, row) = review::reviewer_access(&state, &session_id).await?;
            review::workflow::change_state(&state, &caller, &row, action, &note).await
        }
        .await,
    )
}

/// Confirms or dismisses one or several flags (of one organisation) with one note.
#[server(prefix = "/api", endpoint = "decide_flags", input = Json)]
pub async fn decide_flags(
    flag_ids: Vec<String>,
    decision: FlagStatus,
    note: String,
) -> Result<usize, AppError> {
    use crate::server::{auth, db, guard, respond, review, state};
    respond(
        async {
            let state = state()?;
            let user = auth::current_user(&state).await?;
            if flag_ids.len() > review::workflow::MAX_BULK_FLAGS {
                return Err(AppError::Invalid(format!(
                    "Decide at most {} flags at once.",
                    review::workflow::MAX_BULK_FLAGS
                )));
            }
            let mut flags = Vec::new();
            let mut sessions: Vec<db::exam_sessions::review::ReviewRow> = Vec::new();
            for id in &flag_ids {
                check_id(id)?;
                let flag = db::flags::find(&state.pool, id)
                    .await?
                    .ok_or_else(|| AppError::NotFound("There is no such flag.".into()))?;
                if !sessions.iter().any(|s| s.id == flag.session_id) {
                    let row = db::exam_sessions::review::find(&state.pool, &flag.session_id)
                        .await?
                        .ok_or(AppError::Internal)?;
                    sessions.push(row);
                }
                if !flags.iter().any(|(f, _)| f == id) {
                    flags.push((id.clone(), flag.session_id));
                }
            }
            let Some(org_id) = sessions.first().map(|s| s.org_id.clone()) else {
                return Err(AppError::Invalid("Choose at least one flag.".into()));
            };
            if sessions.iter().any(|s| s.org_id != org_id) {
                return Err(AppError::Invalid(
                    "Decide the flags of one organisation at a time.".into(),
                ));
            }
            let caller = guard::check(&state, user, &org_id, shared::roles::REVIEWERS).await?;
            review::workflow::decide_flags(&state, &caller, &sessions, &flags, decision, &note).await
        }
        .await,
    )
}

/// A flag of the reviewer's own at a moment (`at_ms`) of the session, with a note.
#[server(prefix = "/api", endpoint = "add_review_flag", input = Json)]
pub async fn add_review_flag(
    session_id: String,
    flag_type: FlagType,
    severity: Severity,
    at_ms: i64,
    note: String,
) -> Result<String, AppError> {
    use crate::server::{respond, review, state};
    respond(
        async {
            let state = state()?;
            check_id(&session_id)?;
            let (caller, row) = review::reviewer_access(&state, &session_id).await?;
            review::workflow::add_flag(&state, &caller, &row, flag_type, severity, at_ms, &note).await
        }
        .await,
    )
}

/// The exam setting "withhold results until reviewed": candidates see their score only once a
/// person has decided their attempt's review. For the exam's coordinators and admins.
#[server(prefix = "/api", endpoint = "set_withhold_results")]
pub async fn set_withhold_results(exam_id: String, withhold: bool) -> Result<(), AppError> {
    use crate::server::{db, guard, respond, review, state};
    respond(
        async {
            let state = state()?;
            check_id(&exam_id)?;
            let exam = db::exams::find(&state.pool, &exam_id)
                .await?
                .ok_or_else(|| AppError::NotFound("There is no such exam.".into()))?;
            let caller = guard::require_role(&state, &exam.org_id, shared::roles::COORDINATORS).await?;
            review::workflow::set_withhold_results(&state, &caller, &exam, withhold).await
        }
        .await,
    )
}
