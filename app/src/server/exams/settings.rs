//! An exam's settings between the builder's form (times in the organisation's zone), the pure
//! rules (`shared::exam_plan::Settings`) and the database's columns.

use super::{parsed, zone};
use crate::error::AppError;
use crate::model::exams::SettingsInput;
use crate::server::db::{self, exams::ExamRow};
use shared::exam_plan::Settings;
use shared::question::FieldError;

pub(crate) fn refuse_problems(problems: Vec<FieldError>) -> Result<(), AppError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::InvalidFields(problems))
    }
}

/// The settings at the database's edge.
pub(crate) fn stored(s: &Settings) -> db::exams::ExamSettings<'_> {
    db::exams::ExamSettings {
        title: &s.title,
        description: &s.description,
        instructions: &s.instructions,
        opens_at: s.opens_at,
        closes_at: s.closes_at,
        duration_minutes: s.duration_minutes,
        max_attempts: s.max_attempts,
        attempt_policy: s.attempt_policy.as_str(),
        passing_score: s.passing_score,
        proctoring: s.proctoring,
        sensitivity: s.sensitivity.as_str(),
        require_fullscreen: s.require_fullscreen,
        shuffle_questions: s.shuffle_questions,
        shuffle_options: s.shuffle_options,
        results: s.results.as_str(),
        results_when: s.results_when.as_str(),
        camera_policy: s.camera.as_str(),
    }
}

/// The stored exam's settings.
pub(crate) fn settings_of(e: &ExamRow) -> Result<Settings, AppError> {
    Ok(Settings {
        title: e.title.clone(),
        description: e.description.clone(),
        instructions: e.instructions.clone(),
        opens_at: e.opens_at,
        closes_at: e.closes_at,
        duration_minutes: e.duration_minutes,
        max_attempts: e.max_attempts,
        attempt_policy: parsed(&e.attempt_policy)?,
        passing_score: e.passing_score,
        proctoring: e.proctoring_enabled != 0,
        sensitivity: parsed(&e.sensitivity)?,
        require_fullscreen: e.require_fullscreen != 0,
        shuffle_questions: e.randomize_questions != 0,
        shuffle_options: e.randomize_options != 0,
        results: parsed(&e.show_results)?,
        results_when: parsed(&e.results_when)?,
        camera: parsed(&e.camera_policy)?,
    })
}

/// What the coordinator typed, read in the organisation's zone; field errors for bad times.
pub(crate) fn settings_from(input: &SettingsInput, zone_name: &str) -> Result<Settings, AppError> {
    let mut problems = Vec::new();
    let mut time = |field: &str, local: &str| match zone::to_utc_ms(local, zone_name) {
        Ok(ms) => ms,
        Err(message) => {
            problems.push(FieldError {
                field: field.into(),
                message,
            });
            0
        }
    };
    let opens_at = time("opens_at", &input.opens_local);
    let closes_at = time("closes_at", &input.closes_local);
    let settings = Settings {
        title: input.title.trim().to_string(),
        description: input.description.clone(),
        instructions: input.instructions.clone(),
        opens_at,
        closes_at,
        duration_minutes: input.duration_minutes,
        max_attempts: input.max_attempts,
        attempt_policy: input.attempt_policy,
        passing_score: input.passing_score,
        proctoring: input.proctoring,
        sensitivity: input.sensitivity,
        require_fullscreen: input.require_fullscreen,
        shuffle_questions: input.shuffle_questions,
        shuffle_options: input.shuffle_options,
        results: input.results,
        results_when: input.results_when,
        camera: input.camera,
    };
    if problems.is_empty() {
        problems = settings.problems();
    }
    refuse_problems(problems)?;
    Ok(settings)
}
