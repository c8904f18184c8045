use crate::error::AppError;
use crate::model::{FlaggedSession, SessionTimeline};
use leptos::prelude::*;

/// Flagged sessions in every organisation where the caller reviews, riskiest first.
#[server(prefix = "/api", endpoint = "flagged_sessions")]
pub async fn flagged_sessions() -> Result<Vec<FlaggedSession>, AppError> {
    use crate::server::{auth, db, guard, respond, review, state};
    respond(
        async {
            let state = state()?;
            let user = auth::current_user(&state).await?;
            let orgs = db::orgs::orgs_with_role(&state.pool, &user.id, shared::roles::REVIEWERS).await?;
            if orgs.is_empty() {
                return Err(AppError::Forbidden);
            }
            let mut out = Vec::new();
            for org in orgs {
                guard::check(&state, user.clone(), &org, shared::roles::REVIEWERS).await?;
                for row in db::exam_sessions::flagged_in_org(&state.pool, &org).await? {
                    let events = db::events::for_session(&state.pool, &row.id).await?;
                    out.push(review::flagged_session(&state, row, &events).await?);
                }
            }
            out.sort_by_key(|s| std::cmp::Reverse(s.risk_score));
            Ok(out)
        }
        .await,
    )
}

/// Every event of one session, in order, with its flags: the reviewer's evidence.
#[server(prefix = "/api", endpoint = "session_timeline")]
pub async fn get_session_timeline(session_id: String) -> Result<SessionTimeline, AppError> {
    use crate::model::TimelineEvent;
    use crate::server::{auth, db, guard, respond, review, state};
    respond(
        async {
            let state = state()?;
            let user = auth::current_user(&state).await?;
            let row = db::exam_sessions::review_row(&state.pool, &session_id)
                .await?
                .ok_or_else(|| AppError::NotFound("There is no such exam session.".into()))?;
            guard::check(&state, user, &row.org_id, shared::roles::REVIEWERS).await?;
            let events = db::events::for_session(&state.pool, &row.id).await?;
            let session = review::flagged_session(&state, row, &events).await?;
            let events = events
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
            Ok(SessionTimeline { session, events })
        }
        .await,
    )
}
