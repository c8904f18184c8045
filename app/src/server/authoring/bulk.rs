//! What authors and QA do to many questions at once: the same review action on each selected
//! question (each decided by the same rules as one at a time, and reported one by one), and
//! moving questions to another bank of the organisation.

use super::{audit, bank_for};
use crate::error::AppError;
use crate::model::authoring::BulkReport;
use crate::server::{db, now_ms, AppState};
use shared::authoring::{AuthoringAction, AuthoringStatus, AUTHORS};

/// Most questions one request may name.
pub const MAX_SELECTED: usize = 500;

fn check_count(n: usize) -> Result<(), AppError> {
    if n == 0 {
        return Err(AppError::Invalid("Select at least one question.".into()));
    }
    if n > MAX_SELECTED {
        return Err(AppError::Invalid(format!(
            "Select at most {MAX_SELECTED} questions at once."
        )));
    }
    Ok(())
}

/// Applies `action` to each version; one refused question does not stop the others, and each
/// refusal is reported with its reason.
pub async fn act(
    state: &AppState,
    version_ids: &[String],
    action: AuthoringAction,
) -> Result<BulkReport, AppError> {
    check_count(version_ids.len())?;
    let mut report = BulkReport::default();
    for id in version_ids {
        crate::api::check_id(id)?;
        match super::questions::act(state, id, action.clone()).await {
            Ok(_) => report.done += 1,
            // Who may not act at all learns it once, not once per question.
            Err(e @ (AppError::Unauthenticated | AppError::Forbidden)) => return Err(e),
            Err(e) => {
                let title = db::question_versions::find(&state.pool, id)
                    .await?
                    .map(|v| v.title)
                    .unwrap_or_else(|| id.clone());
                report.refused.push(format!("{title}: {e}"));
            }
        }
    }
    Ok(report)
}

/// Moves questions from one bank to another of the same organisation, in one transaction:
/// all of them or none.
pub async fn move_to(
    state: &AppState,
    from_bank: &str,
    question_ids: &[String],
    to_bank: &str,
) -> Result<BulkReport, AppError> {
    check_count(question_ids.len())?;
    let (caller, source) = bank_for(state, from_bank, AUTHORS).await?;
    let (_, target) = bank_for(state, to_bank, AUTHORS).await?;
    if source.org_id != target.org_id {
        return Err(AppError::Forbidden);
    }
    if source.id == target.id {
        return Err(AppError::Invalid(
            "Choose another bank to move the questions to.".into(),
        ));
    }
    for bank in [&source, &target] {
        if bank.status == AuthoringStatus::Archived.as_str() {
            return Err(AppError::Conflict(format!(
                "The bank “{}” is archived: it cannot change.",
                bank.name
            )));
        }
    }
    for id in question_ids {
        crate::api::check_id(id)?;
    }
    let now = now_ms();
    let mut tx = db::begin_write(&state.pool).await?;
    let moved = db::question_versions::move_questions(&mut tx, question_ids, &source.id, &target.id)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_unique_violation() => AppError::Conflict(format!(
                "The bank “{}” already holds a question with the same source identifier: nothing was moved.",
                target.name
            )),
            other => other.into(),
        })?;
    if moved as usize != question_ids.len() {
        return Err(AppError::Conflict(
            "Some of these questions are no longer in this bank: reload it. Nothing was moved.".into(),
        ));
    }
    let detail = format!("{moved} question(s) to {}", target.id);
    audit(
        &mut tx,
        "bank.questions_moved",
        &caller,
        &source.org_id,
        &source.id,
        Some(&detail),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(BulkReport {
        done: moved as usize,
        refused: Vec::new(),
    })
}
