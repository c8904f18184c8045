use crate::error::AppError;
use crate::model::{CandidateExam, ExamInfo};
use leptos::prelude::*;

/// The exams the signed-in user is enrolled in.
#[server(prefix = "/api", endpoint = "my_exams")]
pub async fn my_exams() -> Result<Vec<CandidateExam>, AppError> {
    use crate::model::Availability;
    use crate::server::{auth, db, now_ms, respond, state};
    respond(
        async {
            let state = state()?;
            let user = auth::current_user(&state).await?;
            let rows = db::exams::for_candidate(&state.pool, &user.id).await?;
            let now = now_ms();
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let open = db::exam_sessions::open_for(&state.pool, &r.exam_id, &user.id).await?;
                let submitted =
                    db::exam_sessions::counting_attempt(&state.pool, &r.exam_id, &user.id).await?;
                let attempts_used = db::exam_sessions::count_attempts(&state.pool, &r.enrollment_id).await?;
                let opens_at = r.opens_at_override.unwrap_or(r.opens_at);
                let closes_at = r.closes_at_override.unwrap_or(r.closes_at);
                let max_attempts = r.max_attempts.saturating_add(r.extra_attempts.max(0));
                let availability = if open.is_some() {
                    Availability::InProgress
                } else if r.enrollment_status == shared::EnrollmentStatus::Invited.as_str() {
                    Availability::NotAccepted
                } else if now < opens_at {
                    Availability::Upcoming
                } else if now >= closes_at {
                    Availability::Closed
                } else if attempts_used >= max_attempts {
                    Availability::AttemptsUsed
                } else {
                    Availability::Open
                };
                out.push(CandidateExam {
                    submitted_session_id: submitted,
                    max_attempts,
                    attempts_used,
                    availability,
                    exam_id: r.exam_id,
                    title: r.title,
                    organization: r.organization,
                    opens_at,
                    closes_at,
                    duration_minutes: r.duration_minutes,
                    proctoring_enabled: r.proctoring_enabled != 0,
                    open_session_id: open.map(|s| s.id),
                });
            }
            Ok(out)
        }
        .await,
    )
}

/// An exam's facts, for a candidate enrolled in it or staff of the organisation that owns it.
#[server(prefix = "/api", endpoint = "exam")]
pub async fn get_exam(exam_id: String) -> Result<ExamInfo, AppError> {
    use crate::server::{auth, db, guard, respond, state};
    respond(
        async {
            let state = state()?;
            let user = auth::current_user(&state).await?;
            let exam = db::exams::find(&state.pool, &exam_id)
                .await?
                .ok_or_else(|| AppError::NotFound("There is no such exam.".into()))?;
            let enrollment = db::enrollments::find(&state.pool, &exam.id, &user.id).await?;
            let enrolled = enrollment.is_some();
            // A candidate reads their own window where their enrollment manager set one.
            let (opens_at, closes_at) = enrollment
                .as_ref()
                .map_or((exam.opens_at, exam.closes_at), |e| e.window(&exam));
            let allowed: &[shared::Role] = if enrolled {
                &[shared::Role::Candidate]
            } else {
                shared::roles::EXAM_READERS
            };
            let caller = guard::check(&state, user, &exam.org_id, allowed).await?;
            let question_count = crate::server::exams::delivery::question_count(&state.pool, &exam).await?;
            let open = db::exam_sessions::open_for(&state.pool, &exam.id, &caller.user.id).await?;
            let submitted =
                db::exam_sessions::counting_attempt(&state.pool, &exam.id, &caller.user.id).await?;
            let attempts_left = match &enrollment {
                Some(e) => {
                    let used = db::exam_sessions::count_attempts(&state.pool, &e.id).await?;
                    e.attempts_allowed(&exam).saturating_sub(used).max(0)
                }
                None => 0,
            };
            Ok(ExamInfo {
                attempts_left,
                submitted_session_id: submitted,
                exam_id: exam.id,
                org_id: exam.org_id,
                title: exam.title,
                description: exam.description,
                status: exam.status,
                opens_at,
                closes_at,
                duration_minutes: exam.duration_minutes,
                proctoring_enabled: exam.proctoring_enabled != 0,
                camera: exam.camera_policy.parse().map_err(|_| AppError::Internal)?,
                question_count,
                open_session_id: open.map(|s| s.id),
            })
        }
        .await,
    )
}

/// Starts (or resumes) the candidate's attempt. `consent` must be true when proctoring is on.
/// Returns the exam session id.
#[server(prefix = "/api", endpoint = "start_exam")]
pub async fn start_exam(exam_id: String, consent: bool) -> Result<String, AppError> {
    use crate::server::{auth, db, guard, new_id, now_ms, respond, state};
    respond(
        async {
            let state = state()?;
            let user = auth::current_user(&state).await?;
            let exam = db::exams::find(&state.pool, &exam_id)
                .await?
                .ok_or_else(|| AppError::NotFound("There is no such exam.".into()))?;
            let caller = guard::check(&state, user, &exam.org_id, &[shared::Role::Candidate]).await?;
            let enrollment = db::enrollments::find(&state.pool, &exam.id, &caller.user.id)
                .await?
                .ok_or(AppError::Forbidden)?;
            if let Some(open) = db::exam_sessions::open_for(&state.pool, &exam.id, &caller.user.id).await? {
                return Ok(open.id);
            }
            if enrollment.status() == shared::EnrollmentStatus::Invited {
                return Err(AppError::Conflict(
                    "Accept your invitation first: open the link in the invitation message.".into(),
                ));
            }
            let now = now_ms();
            if exam.status != "ACTIVE" && exam.status != "SCHEDULED" {
                return Err(AppError::Conflict("This exam is not open.".into()));
            }
            // The candidate's own window and attempts where their enrollment manager set them.
            let (opens_at, closes_at) = enrollment.window(&exam);
            if now < opens_at {
                return Err(AppError::Conflict("This exam has not opened yet.".into()));
            }
            if now >= closes_at {
                return Err(AppError::Conflict("This exam has closed.".into()));
            }
            let proctored = exam.proctoring_enabled != 0;
            if proctored && !consent {
                return Err(AppError::Invalid(
                    "Please read the monitoring notice and tick the box to agree before you start.".into(),
                ));
            }
            let mut tx = db::begin_write(&state.pool).await?;
            let attempts = db::exam_sessions::count_attempts(&mut *tx, &enrollment.id).await?;
            if attempts >= enrollment.attempts_allowed(&exam) {
                return Err(AppError::Conflict(
                    "You have used all your attempts at this exam.".into(),
                ));
            }
            // The server's clock owns the deadline: the duration plus any extra time granted,
            // never past the end of the window.
            let deadline =
                shared::schedule::deadline(now, exam.duration_minutes, enrollment.accommodation(), closes_at);
            let id = new_id();
            db::exam_sessions::insert(
                &mut *tx,
                db::exam_sessions::NewExamSession {
                    id: &id,
                    exam_id: &exam.id,
                    enrollment_id: &enrollment.id,
                    user_id: &caller.user.id,
                    attempt_no: attempts + 1,
                    consented_at: proctored.then_some(now),
                    started_at: now,
                    deadline_at: deadline,
                },
            )
            .await?;
            db::enrollments::set_status(&mut *tx, &enrollment.id, shared::EnrollmentStatus::InProgress)
                .await?;
            tx.commit().await?;
            tracing::info!(session_id = %id, exam_id = %exam.id, "exam session started");
            // The attempt's questions are drawn now, while candidates arrive one by one, so
            // the exam page only reads when they all open it at the same minute (the page
            // still draws them for an attempt that has none).
            crate::server::exams::delivery::questions_of(&state.pool, &id, &exam).await?;
            Ok(id)
        }
        .await,
    )
}
