//! Grading by a person: the essays of submitted attempts, with points and feedback. Objective
//! questions were graded on submit (`attempts::submit`); this completes the score.

use super::db::{self, audit};
use super::guard::{self, Caller};
use super::{attempts, auth, now_ms, AppState};
use crate::error::AppError;
use crate::model::{EssayGrade, GradingItem, GradingQuestion, GradingSheet};
use shared::grading::{percentage, QuestionKind};
use shared::roles::GRADERS;

/// Longest feedback a grader may write on one essay, in characters.
pub const MAX_FEEDBACK_CHARS: usize = 5_000;

/// Attempts waiting for a person in the organisations where the caller grades.
pub async fn queue(state: &AppState) -> Result<Vec<GradingItem>, AppError> {
    let user = auth::current_user(state).await?;
    let mut out = Vec::new();
    for org_id in db::orgs::orgs_with_role(&state.pool, &user.id, GRADERS).await? {
        for r in db::exam_sessions::awaiting_grading_in_org(&state.pool, &org_id).await? {
            out.push(GradingItem {
                session_id: r.session_id,
                exam_title: r.exam_title,
                candidate_name: r.candidate_name,
                submitted_at: r.submitted_at,
                grading_status: r.grading_status,
            });
        }
    }
    out.sort_by_key(|i| i.submitted_at);
    Ok(out)
}

/// The attempt's exam and the caller, checked to be a grader of the exam's organisation.
async fn graded_attempt(
    state: &AppState,
    session_id: &str,
) -> Result<(db::exam_sessions::ExamSessionRow, db::exams::ExamRow, Caller), AppError> {
    submitted_attempt(state, session_id, GRADERS).await
}

/// A submitted attempt, its exam and the caller, checked to hold one of `roles` in the exam's
/// organisation.
pub(super) async fn submitted_attempt(
    state: &AppState,
    session_id: &str,
    roles: &[shared::Role],
) -> Result<(db::exam_sessions::ExamSessionRow, db::exams::ExamRow, Caller), AppError> {
    let session = db::exam_sessions::find(&state.pool, session_id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such attempt.".into()))?;
    let exam = db::exams::find(&state.pool, &session.exam_id)
        .await?
        .ok_or(AppError::Internal)?;
    let caller = guard::require_role(state, &exam.org_id, roles).await?;
    if session.submitted_at.is_none() {
        return Err(AppError::Conflict(
            "This attempt has not been submitted yet: it can be graded and read once it is.".into(),
        ));
    }
    Ok((session, exam, caller))
}

/// Every question of an attempt with the candidate's answer and the points so far.
pub async fn sheet(state: &AppState, session_id: &str) -> Result<GradingSheet, AppError> {
    let (session, exam, _) = graded_attempt(state, session_id).await?;
    sheet_of(state, session, exam).await
}

/// The sheet of a submitted attempt, whoever asks (the callers check who may).
pub(super) async fn sheet_of(
    state: &AppState,
    session: db::exam_sessions::ExamSessionRow,
    exam: db::exams::ExamRow,
) -> Result<GradingSheet, AppError> {
    let grade = db::exam_sessions::grade_of(&state.pool, &session.id)
        .await?
        .ok_or(AppError::Internal)?;
    let candidate = db::users::find_by_id(&state.pool, &session.user_id)
        .await?
        .ok_or(AppError::Internal)?;
    let answers = db::answers::for_session(&state.pool, &session.id).await?;
    let grades = db::answers::grades_for_session(&state.pool, &session.id).await?;
    let delivered = super::exams::delivery::questions_of(&state.pool, &session.id, &exam).await?;
    let questions = delivered
        .into_iter()
        .enumerate()
        .map(|(i, q)| {
            let options: Vec<_> = q
                .content
                .shown_options()
                .into_iter()
                .map(|o| crate::model::ChoiceOption {
                    id: o.id,
                    text: o.text,
                })
                .collect();
            let given = answers.iter().find(|a| a.question_id == q.question_id);
            let graded = grades.iter().find(|g| g.question_id == q.question_id);
            let kind = q.content.deliverable().unwrap_or(QuestionKind::Essay);
            GradingQuestion {
                number: i + 1,
                needs_person: kind == QuestionKind::Essay,
                answer: given
                    .map(|a| attempts::answer_text(&options, &a.value_json))
                    .filter(|s| !s.is_empty()),
                awarded: graded.and_then(|g| g.points_awarded),
                feedback: graded.and_then(|g| g.feedback.clone()),
                kind: kind.as_str().to_string(),
                stem: q.content.stem.text.clone(),
                points: q.points(),
                question_id: q.question_id,
            }
        })
        .collect();
    Ok(GradingSheet {
        session_id: session.id,
        exam_title: exam.title,
        candidate_name: candidate.display_name,
        submitted_at: grade.submitted_at.unwrap_or(session.started_at),
        grading_status: grade.grading_status.unwrap_or_default(),
        score: grade.score,
        max_score: grade.max_score,
        passing_score: exam.passing_score,
        questions,
    })
}

/// Records points and feedback for every essay of the attempt, then completes its score and
/// pass/fail. Refuses the whole request, changing nothing, if any grade is out of bounds.
pub async fn grade(state: &AppState, session_id: &str, grades: &[EssayGrade]) -> Result<(), AppError> {
    let (session, exam, caller) = graded_attempt(state, session_id).await?;
    let questions = super::exams::delivery::questions_of(&state.pool, &session.id, &exam).await?;
    let essays: Vec<_> = questions
        .iter()
        .filter(|q| matches!(q.content.body, shared::question::Body::Essay { .. }))
        .collect();
    if essays.is_empty() {
        return Err(AppError::Conflict("This attempt has no essays to grade.".into()));
    }
    for g in grades {
        let Some(q) = essays.iter().find(|q| q.question_id == g.question_id) else {
            return Err(AppError::Invalid(
                "A grade was given for a question that is not an essay of this attempt.".into(),
            ));
        };
        if !g.points.is_finite() || g.points < 0.0 || g.points > q.content.points {
            return Err(AppError::Invalid(format!(
                "Points for “{}” must be between 0 and {}.",
                shorten(&q.content.stem.text),
                q.content.points
            )));
        }
        if g.feedback.chars().count() > MAX_FEEDBACK_CHARS {
            return Err(AppError::Invalid(format!(
                "Feedback is limited to {MAX_FEEDBACK_CHARS} characters per essay."
            )));
        }
    }
    if let Some(missing) = essays
        .iter()
        .find(|q| !grades.iter().any(|g| g.question_id == q.question_id))
    {
        return Err(AppError::Invalid(format!(
            "Give points for every essay: “{}” has none.",
            shorten(&missing.content.stem.text)
        )));
    }

    let now = now_ms();
    let mut tx = db::begin_write(&state.pool).await?;
    for g in grades {
        let feedback = Some(g.feedback.trim()).filter(|f| !f.is_empty());
        db::answers::set_grade(&mut *tx, &session.id, &g.question_id, g.points, feedback, now).await?;
    }
    let awarded = db::answers::grades_for_session(&mut *tx, &session.id).await?;
    let max: f64 = questions.iter().map(|q| q.content.points).sum();
    let score: f64 = awarded.iter().filter_map(|a| a.points_awarded).sum();
    let passed = i64::from(percentage(score, max) >= exam.passing_score as f64);
    db::exam_sessions::record_grade(&mut *tx, &session.id, score, max, "GRADED", Some(passed)).await?;
    db::exam_sessions::mark_graded_by(&mut *tx, &session.id, &caller.user.id, now).await?;
    let detail = format!("{score} of {max}");
    audit::record(
        &mut *tx,
        audit::Entry {
            action: audit::ESSAYS_GRADED,
            actor_user_id: Some(&caller.user.id),
            org_id: Some(&exam.org_id),
            subject: Some(&session.id),
            ip: None,
            detail: Some(&detail),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(session_id = %session.id, score, max, "essays graded");
    Ok(())
}

fn shorten(stem: &str) -> String {
    let mut s: String = stem.chars().take(60).collect();
    if stem.chars().count() > 60 {
        s.push('…');
    }
    s
}
