//! Exam attempts as the candidate owns them.

use super::bus::NoticeKind;
use super::db::{self, exam_sessions::ExamSessionRow, exams::ExamRow};
use super::exams::delivery::Delivered;
use super::ingest::Ingestor;
use super::shared_commits::{SharedCommits, Stored, Write};
use super::{flagging, AppState};
use crate::error::AppError;
use shared::grading::{percentage, Outcome};
use shared::rules::NewFlag;
use shared::{EnrollmentStatus, FlagType, SessionStatus, Severity};
use sqlx::AnyPool;

/// The caller's own exam session, open or not. Someone else's looks like none: Forbidden.
pub async fn own_session(
    state: &AppState,
    user_id: &str,
    session_id: &str,
) -> Result<ExamSessionRow, AppError> {
    db::exam_sessions::find(&state.pool, session_id)
        .await?
        .filter(|s| s.user_id == user_id)
        .ok_or(AppError::Forbidden)
}

/// The caller's own exam session, still open for answers, or why not.
pub async fn open_session_of(
    state: &AppState,
    user_id: &str,
    session_id: &str,
) -> Result<ExamSessionRow, AppError> {
    let session = own_session(state, user_id, session_id).await?;
    if session.submitted_at.is_some() {
        return Err(AppError::Conflict(
            "This exam has been submitted: answers can no longer change.".into(),
        ));
    }
    let status: SessionStatus = session.status.parse().map_err(|_| AppError::Internal)?;
    if !super::ingest::is_open(status) {
        return Err(AppError::Conflict("This exam session has ended.".into()));
    }
    Ok(session)
}

pub const TIME_IS_UP: &str = "Time is up: this exam no longer accepts answers.";

/// Stores one answer of the caller's open attempt, to one of its questions (shared commits:
/// `answer_writer`).
pub async fn save_answer(
    state: &AppState,
    user_id: &str,
    session_id: &str,
    question_id: &str,
    value: &str,
    version: i64,
    now: i64,
) -> Result<(), AppError> {
    let session = open_session_of(state, user_id, session_id).await?;
    if now > session.deadline_at {
        return Err(AppError::Conflict(TIME_IS_UP.into()));
    }
    if !db::attempt_questions::contains(&state.pool, &session.id, question_id).await? {
        return Err(AppError::Invalid(
            "That question is not part of this exam.".into(),
        ));
    }
    state
        .answers
        .write(super::answer_writer::Save {
            session_id: session.id.clone(),
            user_id: session.user_id.clone(),
            deadline_at: session.deadline_at,
            question_id: question_id.to_string(),
            value: value.to_string(),
            version,
            now,
        })
        .await
}

/// Why an attempt takes no more answers at `now`.
pub(crate) fn closed_reason(now: i64, deadline_at: i64) -> &'static str {
    if now > deadline_at {
        TIME_IS_UP
    } else {
        "This exam has been submitted: answers can no longer change."
    }
}

/// The note on the gap flag of an attempt submitted without one telemetry event.
pub const SUBMITTED_UNHEARD_NOTE: &str =
    "The attempt was submitted without a single telemetry event from its browser.";

/// Submits an attempt and grades it: objective questions now, essays pending a person.
/// `auto` marks a submission the server made at the deadline. Refused if already submitted.
/// A proctored attempt that never sent telemetry is flagged; its telemetry sockets close.
/// The writes share a commit with the other hand-ins of the moment (`shared_commits`).
pub async fn submit(
    pool: &AnyPool,
    ingestor: &Ingestor,
    hand_ins: &HandIns,
    session_id: &str,
    now: i64,
    auto: bool,
) -> Result<(), AppError> {
    // The attempt's questions are fixed once assembled: read (or assemble) them before the
    // write transaction, which on SQLite holds the only write lock.
    let before = db::exam_sessions::find(pool, session_id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such exam session.".into()))?;
    let exam = db::exams::find(pool, &before.exam_id)
        .await?
        .ok_or(AppError::Internal)?;
    let questions = super::exams::delivery::questions_of(pool, session_id, &exam).await?;
    // Read here too: telemetry may live in a database file the writing connection does not
    // see (`db::telemetry_file`).
    let heard = exam.proctoring_enabled == 0 || db::events::max_seq(pool, session_id).await? > 0;
    let org_id = exam.org_id.clone();
    let unheard = hand_ins
        .write(HandIn {
            session_id: session_id.to_string(),
            now,
            auto,
            exam,
            questions,
            heard,
        })
        .await?;
    ingestor.end_session(session_id);
    if unheard {
        tracing::info!(%session_id, "submitted without any telemetry");
        ingestor.notify(&org_id, session_id, NoticeKind::Flag);
    }
    Ok(())
}

/// Hands attempts in, several to a commit.
pub type HandIns = SharedCommits<HandIn>;

/// One attempt to hand in, with what was read before the write transaction.
pub struct HandIn {
    session_id: String,
    now: i64,
    auto: bool,
    exam: ExamRow,
    questions: Vec<Delivered>,
    /// Whether a proctored attempt's telemetry had reached the server (always, unproctored).
    heard: bool,
}

impl Write for HandIn {
    /// Whether the attempt was handed in without one telemetry event (and so flagged).
    type Outcome = bool;

    fn session_id(&self) -> &str {
        &self.session_id
    }

    fn store<'a>(tx: &'a mut db::WriteTx, hand_ins: &'a [&'a Self]) -> Stored<'a, bool> {
        Box::pin(async move {
            let mut outcomes = Vec::with_capacity(hand_ins.len());
            for h in hand_ins {
                outcomes.push(hand_in(tx, h).await?);
            }
            Ok(outcomes)
        })
    }
}

/// The hand-in's writes: the attempt closed (conditionally: refused if already submitted) and
/// graded, the enrolment moved on, and the never-heard flag where it applies.
async fn hand_in(tx: &mut db::WriteTx, h: &HandIn) -> sqlx::Result<Result<bool, AppError>> {
    let (session_id, now, exam) = (h.session_id.as_str(), h.now, &h.exam);
    if !db::exam_sessions::mark_submitted(&mut **tx, session_id, now, h.auto).await? {
        return Ok(Err(AppError::Conflict(
            "This exam has already been submitted.".into(),
        )));
    }
    let Some(session) = db::exam_sessions::find(&mut **tx, session_id).await? else {
        return Ok(Err(AppError::Internal));
    };
    let answers = db::answers::for_session(&mut **tx, session_id).await?;
    let (mut score, mut max, mut pending) = (0.0_f64, 0.0_f64, false);
    let mut points: Vec<(&str, f64)> = Vec::with_capacity(answers.len());
    for q in &h.questions {
        max += q.content.points;
        let answer = answers.iter().find(|a| a.question_id == q.question_id);
        let response = answer.and_then(|a| serde_json::from_str::<serde_json::Value>(&a.value_json).ok());
        match q.content.score(response.as_ref()) {
            Outcome::Scored(p) => {
                score += p;
                if answer.is_some() {
                    points.push((&q.question_id, p));
                }
            }
            Outcome::Pending => pending = true,
        }
    }
    db::answers::set_points(tx, session_id, &points).await?;
    let passed = (!pending).then(|| i64::from(percentage(score, max) >= exam.passing_score as f64));
    let status = if pending { "PENDING" } else { "GRADED" };
    db::exam_sessions::record_grade(&mut **tx, session_id, score, max, status, passed).await?;
    // Completed once the last attempt is in; otherwise the candidate may start another.
    let allowed = db::enrollments::find_by_id(&mut **tx, &session.enrollment_id)
        .await?
        .map_or(exam.max_attempts, |e| e.attempts_allowed(exam));
    let enrollment_status = if session.attempt_no >= allowed {
        EnrollmentStatus::Completed
    } else {
        EnrollmentStatus::Accepted
    };
    db::enrollments::set_status(&mut **tx, &session.enrollment_id, enrollment_status).await?;
    let mut unheard = false;
    if !h.heard {
        let flag = NewFlag {
            flag_type: FlagType::TelemetryGap,
            severity: Severity::Medium,
            evidence: Vec::new(),
        };
        let key = db::flags::once::NEVER_HEARD.to_string();
        unheard = flagging::raise_once(tx, session_id, &flag, SUBMITTED_UNHEARD_NOTE, key, now).await?;
    }
    Ok(Ok(unheard))
}

/// `items` in the order an attempt shows them: shuffled by `seed` (the session id and what is
/// being ordered), the same every time for the same attempt.
pub fn in_attempt_order<T>(items: Vec<T>, seed: &str) -> Vec<T> {
    let order = shared::shuffle::permutation(seed, items.len());
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect()
}

/// An answer (or answer key) as a person reads it: chosen options by their text, typed
/// answers as typed. Empty when there is none.
pub fn answer_text(options: &[crate::model::ChoiceOption], json: &str) -> String {
    let ids: Vec<String> = match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        Ok(serde_json::Value::String(s)) => vec![s],
        Ok(serde_json::Value::Number(n)) => vec![n.to_string()],
        Ok(serde_json::Value::Object(o)) => o.get("value").map(|v| v.to_string()).into_iter().collect(),
        _ => Vec::new(),
    };
    ids.iter()
        .map(|id| {
            options
                .iter()
                .find(|o| &o.id == id)
                .map(|o| o.text.clone())
                .unwrap_or(id.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}
