use crate::error::AppError;
use crate::model::{PlayerData, ResultView, SavedAnswer};
use leptos::prelude::*;

/// Largest answer accepted, in bytes of JSON.
pub const MAX_ANSWER_BYTES: usize = 20_000;

/// Everything the exam page needs: questions (without their answers) and what was saved.
#[server(prefix = "/api", endpoint = "exam_session")]
pub async fn load_session(session_id: String) -> Result<PlayerData, AppError> {
    use crate::server::{attempt_views, auth, now_ms, page_prefetch, respond, state};
    respond(
        async {
            // Rendering `/sessions/{id}` on the server: the data was fetched before the page.
            if let Some(page) = page_prefetch::page(&session_id) {
                return Ok(page);
            }
            let state = state()?;
            let user = auth::current_user(&state).await?;
            attempt_views::exam_page(&state, &user.id, &session_id, now_ms()).await
        }
        .await,
    )
}

/// Saves one answer. `value` is JSON: a list of option ids, or a string. A save whose
/// `version` is not newer than the stored one changes nothing.
#[server(prefix = "/api", endpoint = "save_answer")]
pub async fn save_answer(
    session_id: String,
    question_id: String,
    value: String,
    version: i64,
) -> Result<SavedAnswer, AppError> {
    use crate::server::{attempts, auth, now_ms, respond, state};
    respond(
        async {
            let state = state()?;
            let user = auth::current_user(&state).await?;
            if value.len() > MAX_ANSWER_BYTES {
                return Err(AppError::Invalid(format!(
                    "That answer is too long: at most {MAX_ANSWER_BYTES} bytes are kept."
                )));
            }
            if serde_json::from_str::<serde_json::Value>(&value).is_err() {
                return Err(AppError::Invalid("The answer is not valid JSON.".into()));
            }
            if version < 1 {
                return Err(AppError::Invalid(
                    "The answer's version must be 1 or more.".into(),
                ));
            }
            attempts::save_answer(
                &state,
                &user.id,
                &session_id,
                &question_id,
                &value,
                version,
                now_ms(),
            )
            .await?;
            Ok(SavedAnswer { question_id, version })
        }
        .await,
    )
}

/// Marks (or unmarks) a question of the caller's open attempt for review, so the mark follows
/// the candidate to another device.
#[server(prefix = "/api", endpoint = "mark_question")]
pub async fn mark_question(session_id: String, question_id: String, marked: bool) -> Result<(), AppError> {
    use crate::server::{attempts, auth, db, now_ms, respond, state};
    respond(
        async {
            let state = state()?;
            let user = auth::current_user(&state).await?;
            let session = attempts::open_session_of(&state, &user.id, &session_id).await?;
            if !db::attempt_questions::contains(&state.pool, &session.id, &question_id).await? {
                return Err(AppError::Invalid(
                    "That question is not part of this exam.".into(),
                ));
            }
            db::answers::set_mark(&state.pool, &session.id, &question_id, marked, now_ms()).await?;
            Ok(())
        }
        .await,
    )
}

/// Submits the caller's own attempt; refused if it was already submitted.
#[server(prefix = "/api", endpoint = "submit_exam")]
pub async fn submit_exam(session_id: String) -> Result<(), AppError> {
    use crate::server::{attempts, auth, now_ms, respond, state};
    respond(
        async {
            let state = state()?;
            let user = auth::current_user(&state).await?;
            let session = attempts::own_session(&state, &user.id, &session_id).await?;
            attempts::submit(
                &state.pool,
                &state.ingestor,
                &state.hand_ins,
                &session.id,
                now_ms(),
                false,
            )
            .await
        }
        .await,
    )
}

/// The caller's result for a submitted attempt, as much as the exam allows them to see.
#[server(prefix = "/api", endpoint = "exam_result")]
pub async fn get_result(session_id: String) -> Result<ResultView, AppError> {
    use crate::server::{attempt_views, auth, now_ms, respond, state};
    respond(
        async {
            let state = state()?;
            let user = auth::current_user(&state).await?;
            attempt_views::result(&state, &user.id, &session_id, now_ms()).await
        }
        .await,
    )
}
