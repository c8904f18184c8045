//! What the candidate's own attempt pages show: the exam page (questions without their answers,
//! what was saved) and the result page (as much as the exam's results policy allows).

use super::{attempts, db, exams, render, AppState};
use crate::error::AppError;
use crate::model::{ChoiceOption, PlayerData, PlayerQuestion, ResultQuestion, ResultView};
use shared::exam_plan::ResultsPolicy;
use shared::question::QuestionContent;

/// The choices a question shows, in their stored order.
fn choice_options(content: &QuestionContent) -> Vec<ChoiceOption> {
    content
        .shown_options()
        .into_iter()
        .map(|o| ChoiceOption {
            id: o.id,
            text: o.text,
        })
        .collect()
}

/// Everything the exam page needs, for the attempt's owner only; `now` lets the page's countdown
/// correct for the device's clock.
pub async fn exam_page(
    state: &AppState,
    user_id: &str,
    session_id: &str,
    now: i64,
) -> Result<PlayerData, AppError> {
    // Two statements on one connection: every candidate of an exam opens this page within the
    // same minute, and each connection handed back to the pool costs a round trip of its own
    // (the pool checks it before taking it back).
    let mut conn = state.pool.acquire().await?;
    let head = db::exam_sessions::player_head(&mut *conn, session_id, user_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    let mut rows = db::attempt_questions::with_answers(&mut *conn, &head.id).await?;
    // Back to the pool before anything else asks it for one (an in-memory database's has one).
    drop(conn);
    if rows.is_empty() {
        // An attempt started before questions were drawn at its start: draw them now.
        let exam = db::exams::find(&state.pool, &head.exam_id)
            .await?
            .ok_or(AppError::Internal)?;
        exams::delivery::questions_of(&state.pool, &head.id, &exam).await?;
        rows = db::attempt_questions::with_answers(&state.pool, &head.id).await?;
    }
    let shuffle_options = head.randomize_options != 0;
    let questions = rows
        .into_iter()
        .map(|row| {
            let shown = state.shown_questions.get(&row.version_id, &row.content_json)?;
            let content = &shown.content;
            let mut options = choice_options(content);
            let true_false = matches!(content.body, shared::question::Body::TrueFalse { .. });
            if shuffle_options && !true_false {
                options = attempts::in_attempt_order(options, &format!("{}/{}", head.id, row.question_id));
            }
            Ok(PlayerQuestion {
                options,
                version: row.version.unwrap_or(0),
                marked: row.marked.is_some_and(|m| m != 0),
                saved: row.value_json,
                kind: content
                    .deliverable()
                    .map(|k| k.as_str().to_string())
                    .unwrap_or_default(),
                stem_html: shown.stem_html.clone(),
                stem: content.stem.text.clone(),
                points: exams::delivery::whole_points(content),
                question_id: row.question_id,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(PlayerData {
        session_id: head.id,
        exam_title: head.title,
        status: head.status.parse().map_err(|_| AppError::Internal)?,
        deadline_at: head.deadline_at,
        server_now: now,
        proctoring_enabled: head.proctoring_enabled != 0,
        require_fullscreen: head.require_fullscreen != 0,
        camera: head.camera_policy.parse().map_err(|_| AppError::Internal)?,
        last_seq: head.last_seq,
        questions,
    })
}

/// The owner's result for a submitted attempt, as of `now`.
pub async fn result(
    state: &AppState,
    user_id: &str,
    session_id: &str,
    now: i64,
) -> Result<ResultView, AppError> {
    let session = attempts::own_session(state, user_id, session_id).await?;
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
    let when: shared::exam_plan::ResultsWhen = exam.results_when.parse().map_err(|_| AppError::Internal)?;
    let last_close = db::enrollments::last_close(&state.pool, &exam.id, exam.closes_at).await?;
    let released = shared::exam_plan::results_released(when, last_close, now);
    // Held scores hide answers too: the answers would give the score away.
    let show = if withheld || !released {
        ResultsPolicy::Nothing
    } else {
        exam.show_results.parse().map_err(|_| AppError::Internal)?
    };
    let pending = grade.grading_status.as_deref() != Some("GRADED");
    let visible = show != ResultsPolicy::Nothing;
    let mut questions = Vec::new();
    if show == ResultsPolicy::Answers {
        let answers = db::answers::for_session(&state.pool, &session.id).await?;
        let grades = db::answers::grades_for_session(&state.pool, &session.id).await?;
        let delivered = exams::delivery::questions_of(&state.pool, &session.id, &exam).await?;
        for (i, d) in delivered.into_iter().enumerate() {
            let options = choice_options(&d.content);
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
