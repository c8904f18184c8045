//! Accommodations per enrollment, set by its exam's enrollment manager: extra time, and rules
//! relaxed for one candidate (breaks allowed, the focus-loss rule off for assistive
//! technology). Reviewers see the relaxations beside the flags.

use super::db::{self, audit, enrollments::EnrollmentRow, exams::ExamRow};
use super::guard::{self, Caller};
use super::{now_ms, AppState};
use crate::error::AppError;
use shared::rules::{Relaxations, MAX_BREAK_MINUTES};
use shared::schedule::Accommodation;

/// The enrollment, its exam, and the caller if they manage enrollments of its organisation.
pub async fn managed_enrollment(
    state: &AppState,
    enrollment_id: &str,
) -> Result<(Caller, EnrollmentRow, ExamRow), AppError> {
    let enrollment = db::enrollments::find_by_id(&state.pool, enrollment_id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such enrollment.".into()))?;
    let exam = db::exams::find(&state.pool, &enrollment.exam_id)
        .await?
        .ok_or(AppError::Internal)?;
    let caller = guard::require_role(state, &exam.org_id, shared::roles::ENROLLMENT_MANAGERS).await?;
    Ok((caller, enrollment, exam))
}

async fn audited(
    tx: &mut crate::server::db::WriteTx,
    action: &str,
    caller: &Caller,
    exam: &ExamRow,
    enrollment: &EnrollmentRow,
    detail: &str,
) -> sqlx::Result<()> {
    let entry = audit::Entry {
        action,
        actor_user_id: Some(&caller.user.id),
        org_id: Some(&exam.org_id),
        subject: Some(&enrollment.id),
        ip: None,
        detail: Some(detail),
    };
    audit::record(&mut **tx, entry, now_ms()).await
}

/// Sets the enrollment's extra time; applies to attempts started afterwards.
pub async fn set_extra_time(
    state: &AppState,
    caller: &Caller,
    enrollment: &EnrollmentRow,
    exam: &ExamRow,
    accommodation: Accommodation,
) -> Result<(), AppError> {
    let mut tx = db::begin_write(&state.pool).await?;
    db::enrollments::set_accommodation(&mut *tx, &enrollment.id, accommodation).await?;
    let detail = format!(
        "{} percent, {} minutes",
        accommodation.extra_percent, accommodation.extra_minutes
    );
    audited(
        &mut tx,
        audit::ACCOMMODATION_SET,
        caller,
        exam,
        enrollment,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Reads the form: breaks in whole minutes (empty: none), the focus rule off when ticked.
pub fn relaxations_from(
    break_minutes: Option<&str>,
    focus_rule_off: bool,
    camera_rules_off: bool,
) -> Result<Relaxations, AppError> {
    let break_minutes = match break_minutes.map(str::trim).filter(|s| !s.is_empty()) {
        None => 0,
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|m| *m <= MAX_BREAK_MINUTES)
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "Breaks allowed must be a whole number of minutes from 0 to {MAX_BREAK_MINUTES}."
                ))
            })?,
    };
    Ok(Relaxations {
        break_minutes,
        focus_rule_off,
        camera_rules_off,
    })
}

/// Relaxes rules for one candidate; applies to telemetry from their next connection on.
pub async fn set_relaxations(
    state: &AppState,
    caller: &Caller,
    enrollment: &EnrollmentRow,
    exam: &ExamRow,
    relaxations: Relaxations,
) -> Result<(), AppError> {
    let json = serde_json::to_string(&relaxations).map_err(|_| AppError::Internal)?;
    let mut tx = db::begin_write(&state.pool).await?;
    db::enrollments::set_relaxations(&mut *tx, &enrollment.id, &json).await?;
    let detail = if relaxations.is_none() {
        "no rule relaxed".to_string()
    } else {
        relaxations.describe().join("; ")
    };
    audited(&mut tx, audit::RELAXATIONS_SET, caller, exam, enrollment, &detail).await?;
    tx.commit().await?;
    Ok(())
}

/// Most attempts an enrollment manager can add for one candidate.
pub const MAX_EXTRA_ATTEMPTS: i64 = 20;

/// Gives one candidate their own window (typed in the organisation's time zone; empty: the
/// exam's) and attempts beyond the exam's. Applies to attempts started afterwards.
pub async fn set_overrides(
    state: &AppState,
    caller: &Caller,
    enrollment: &EnrollmentRow,
    exam: &ExamRow,
    opens_local: &str,
    closes_local: &str,
    extra_attempts: i64,
) -> Result<(), AppError> {
    let zone_name = db::exams::org_time_zone(&state.pool, &exam.org_id).await?;
    let time = |local: &str, what: &str| -> Result<Option<i64>, AppError> {
        if local.trim().is_empty() {
            return Ok(None);
        }
        super::exams::zone::to_utc_ms(local, &zone_name)
            .map(Some)
            .map_err(|why| AppError::Invalid(format!("{what}: {why}")))
    };
    let opens = time(opens_local, "Opens")?;
    let closes = time(closes_local, "Closes")?;
    if opens.unwrap_or(exam.opens_at) >= closes.unwrap_or(exam.closes_at) {
        return Err(AppError::Invalid(
            "The candidate's window must close after it opens.".into(),
        ));
    }
    if !(0..=MAX_EXTRA_ATTEMPTS).contains(&extra_attempts) {
        return Err(AppError::Invalid(format!(
            "Extra attempts must be a whole number from 0 to {MAX_EXTRA_ATTEMPTS}."
        )));
    }
    let mut tx = db::begin_write(&state.pool).await?;
    db::enrollments::set_overrides(&mut *tx, &enrollment.id, opens, closes, extra_attempts).await?;
    let detail = format!("window {opens:?}–{closes:?}, {extra_attempts} extra attempts");
    audited(
        &mut tx,
        "enrollment.overrides_set",
        caller,
        exam,
        enrollment,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
