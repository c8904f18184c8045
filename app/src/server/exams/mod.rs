//! Exams as coordinators build them: settings, sections of fixed question versions or draws
//! from approved banks, publishing through a pre-flight check, and the questions each attempt
//! gets. The rules (phases, pre-flight, what may change once someone has started, the draw)
//! are pure, in `shared::exam_plan`; this module reads the state, asks them, and writes.

pub mod builder;
pub mod delivery;
pub mod sections;
mod settings;
pub mod view;
pub mod zone;

use super::db::{self, exams::ExamRow};
use super::guard::{self, Caller};
use super::AppState;
use crate::error::AppError;
use shared::exam_plan::Phase;
use shared::roles::COORDINATORS;

/// The exam and the caller, if they coordinate exams in its organisation.
pub(crate) async fn exam_for(state: &AppState, exam_id: &str) -> Result<(Caller, ExamRow), AppError> {
    let user = super::auth::current_user(state).await?;
    let exam = db::exams::find(&state.pool, exam_id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such exam.".into()))?;
    let caller = guard::check(state, user, &exam.org_id, COORDINATORS).await?;
    Ok((caller, exam))
}

/// Where the exam stands now.
pub fn phase_of(exam: &ExamRow, now: i64) -> Result<Phase, AppError> {
    let stored: shared::ExamStatus = exam.status.parse().map_err(|e| {
        tracing::error!(error = %e, "unknown exam status in the database");
        AppError::Internal
    })?;
    Ok(shared::exam_plan::phase(
        stored,
        exam.opens_at,
        exam.closes_at,
        now,
    ))
}

/// Refuses a change to what an exam is made of unless it is a draft.
pub(crate) fn require_draft(exam: &ExamRow) -> Result<(), AppError> {
    if exam.status == "DRAFT" {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "Only a draft's questions can change: return the exam to draft first (possible until someone starts it)."
                .into(),
        ))
    }
}

/// A stored enum, or an internal error if the database holds a name the code does not know.
pub(crate) fn parsed<T: std::str::FromStr>(raw: &str) -> Result<T, AppError>
where
    T::Err: std::fmt::Display,
{
    raw.parse().map_err(|e: T::Err| {
        tracing::error!(error = %e, "unknown value in the exams table");
        AppError::Internal
    })
}

/// Opens the write transaction of a change to what a draft is made of, having first taken the
/// exam's row as a draft: if it was published meanwhile, the change is refused (409).
pub(crate) async fn begin_draft_change(
    state: &AppState,
    exam_id: &str,
    now: i64,
) -> Result<crate::server::db::WriteTx, AppError> {
    let mut tx = db::begin_write(&state.pool).await?;
    if !db::exams::touch_draft(&mut *tx, exam_id, now).await? {
        return Err(AppError::Conflict(
            "The exam was published meanwhile: its questions cannot change.".into(),
        ));
    }
    Ok(tx)
}

/// The audit entry of a change to an exam, in the change's transaction.
pub(crate) async fn audit(
    tx: &mut sqlx::AnyConnection,
    action: &str,
    caller: &Caller,
    exam: &ExamRow,
    detail: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    super::authoring::audit(tx, action, caller, &exam.org_id, &exam.id, detail, now).await
}
