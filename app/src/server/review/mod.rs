//! The reviewer's side: what reviewers see ([`views`]), what they decide ([`workflow`]) and the
//! attempt drawn as a strip ([`strip`]). Server functions in `api::review` are thin doors onto
//! these; the access check for every one of them is [`reviewer_access`].

pub mod strip;
pub mod views;
pub mod workflow;

use super::db::{self, exam_sessions::review::ReviewRow};
use super::{auth, guard, AppState};
use crate::error::AppError;

/// The signed-in caller and a session they may review, or why not (403 for anyone without a
/// reviewing role in the organisation that owns the session).
pub async fn reviewer_access(
    state: &AppState,
    session_id: &str,
) -> Result<(guard::Caller, ReviewRow), AppError> {
    let user = auth::current_user(state).await?;
    let row = db::exam_sessions::review::find(&state.pool, session_id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such exam session.".into()))?;
    let caller = guard::check(state, user, &row.org_id, shared::roles::REVIEWERS).await?;
    Ok((caller, row))
}
