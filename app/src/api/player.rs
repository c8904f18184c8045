use crate::error::AppError;
use crate::model::{PlayerData, ResultView, SavedAnswer};
use leptos::prelude::*;

/// Largest answer accepted, in bytes of JSON.
pub const MAX_ANSWER_BYTES: usize = 20_000;

/// Everything the exam page needs: questions (without their answers) and what was saved.
#[server(prefix = "/api", endpoint = "exam_session")]
pub async fn load_session(session_id: String) -> Result<PlayerData, AppError> {
    use crate::model::{ChoiceOption, PlayerQuestion};
    use crate::server::{attempts, auth, db, exams, now_ms, render, respond, state};
    respond(
        async {
            let state = state()?;
            let user = auth::current_user(&state).await?;
            let session = attempts::own_session(&state, &user.id, &session_id).await?;
            let exam = db::exams::find(&state.pool, &session.exam_id)
                .await?
                .ok_or(AppError::Internal)?;
            let saved = db::answers::for_session(&state.pool, &session.id).await?;
            let delivered = exams::delivery::questions_of(&state.pool, &session.id, &exam).await?;
            let shuffle_options = exam.randomize_options != 0;
            let questions = delivered
                .into_iter()
                .map(|d| {
                    let answer = saved.iter().find(|a| a.question_id == d.question_id);
                    let mut options: Vec<ChoiceOption> = d
                        .content
                        .shown_options()
                        .into_iter()
                        .map(|o| ChoiceOption {
                            id: o.id,
                            text: o.text,
                        })
                        .collect();
                    let true_false = matches!(d.content.body, shared::question::Body::TrueFalse { .. });
                    if shuffle_options && !true_false {
                        options =
                            attempts::in_attempt_order(options, &format!("{}/{}", session.id, d.question_id));
                    }
                    PlayerQuestion {
                        options,
                        saved: answer.map(|a| a.value_json.clone()),
                        version: answer.map(|a| a.version).unwrap_or(0),
                        marked: answer.is_some_and(|a| a.marked != 0),
                        kind: d
                            .content
                            .deliverable()
                            .map(|k| k.as_str().to_string())
                            .unwrap_or_default(),
                        stem_html: render::html_of(&d.content.stem),
                        stem: d.content.stem.text.clone(),
                        points: d.points(),
                        question_id: d.question_id,
                    }
                })
                .collect();
            let last_seq = db::events::max_seq(&state.pool, &session.id).await?;
            Ok(PlayerData {
                session_id: session.id,
                exam_title: exam.title,
                status: session.status.parse().map_err(|_| AppError::Internal)?,
                deadline_at: session.deadline_at,
                server_now: now_ms(),
                proctoring_enabled: exam.proctoring_enabled != 0,
                require_fullscreen: exam.require_fullscreen != 0,
                last_seq,
                questions,
            })
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
            attempts::submit(&state.pool, &state.ingestor, &session.id, now_ms(), false).await
        }
        .await,
    )
}

/// The caller's result for a submitted attempt, as much as the exam allows them to see.
#[server(prefix = "/api", endpoint = "exam_result")]
pub async fn get_result(session_id: String) -> Result<ResultView, AppError> {
    use crate::model::ResultQuestion;
    use crate::server::{attempts, auth, db, exams, now_ms, render, respond, state};
    respond(
        async {
            let state = state()?;
            let user = auth::current_user(&state).await?;
            let session = attempts::own_session(&state, &user.id, &session_id).await?;
            let grade = db::exam_sessions::grade_of(&state.pool, &session.id)
                .await?
                .ok_or(AppError::Internal)?;
            let submitted_at = grade
                .submitted_at
                .ok_or_else(|| AppError::Conflict("This exam has not been submitted yet.".into()))?;
            let exam = db::exams::find(&state.pool, &session.exam_id)
                .await?
                .ok_or(AppError::Internal)?;
            let review: shared::ReviewState = grade.review_state.parse().map_err(|_| AppError::Internal)?;
            let reviewed = exam.proctoring_enabled != 0 || grade.flag_count > 0;
            let withheld = exam.withhold_results != 0 && !review.releases_results();
            // Results that show after the window closes stay hidden while others can still
            // take the exam (the window's end, not the candidate's own deadline).
            let when: shared::exam_plan::ResultsWhen =
                exam.results_when.parse().map_err(|_| AppError::Internal)?;
            let last_close = db::enrollments::last_close(&state.pool, &exam.id, exam.closes_at).await?;
            let released = shared::exam_plan::results_released(when, last_close, now_ms());
            // Held scores hide answers too: the answers would give the score away.
            let show = if withheld || !released {
                "NONE"
            } else {
                exam.show_results.as_str()
            };
            let pending = grade.grading_status.as_deref() != Some("GRADED");
            let visible = show != "NONE";
            let mut questions = Vec::new();
            if show == "ANSWERS" {
                let answers = db::answers::for_session(&state.pool, &session.id).await?;
                let grades = db::answers::grades_for_session(&state.pool, &session.id).await?;
                let delivered = exams::delivery::questions_of(&state.pool, &session.id, &exam).await?;
                for (i, d) in delivered.into_iter().enumerate() {
                    let options = d
                        .content
                        .shown_options()
                        .into_iter()
                        .map(|o| crate::model::ChoiceOption {
                            id: o.id,
                            text: o.text,
                        })
                        .collect::<Vec<_>>();
                    let label = |json: &str| attempts::answer_text(&options, json);
                    let given = answers.iter().find(|a| a.question_id == d.question_id);
                    let graded = grades.iter().find(|g| g.question_id == d.question_id);
                    questions.push(ResultQuestion {
                        number: i + 1,
                        stem: d.content.stem.text.clone(),
                        stem_html: render::html_of(&d.content.stem),
                        your_answer: given.map(|a| label(&a.value_json)).filter(|s| !s.is_empty()),
                        correct_answer: label(&d.content.key_json().to_string()),
                        points: d.points(),
                        awarded: graded.and_then(|g| g.points_awarded),
                        explanation: d.content.general_feedback.as_ref().map(|t| t.text.clone()),
                        feedback: graded.and_then(|g| g.feedback.clone()),
                    });
                }
            }
            Ok(ResultView {
                exam_title: exam.title,
                submitted_at,
                auto_submitted: grade.auto_submitted != 0,
                score_visible: visible,
                score: grade.score.filter(|_| visible),
                max_score: grade.max_score.filter(|_| visible),
                percentage: match (grade.score, grade.max_score) {
                    (Some(s), Some(m)) if visible => Some(shared::grading::percentage(s, m)),
                    _ => None,
                },
                passed: grade.passed.filter(|_| visible).map(|p| p != 0),
                pending,
                withheld,
                released_at: (!released).then_some(last_close),
                review_status: reviewed.then(|| review.for_candidate(grade.flag_count > 0).to_string()),
                passing_score: exam.passing_score,
                questions,
            })
        }
        .await,
    )
}
