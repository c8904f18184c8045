//! An exam's life: created as a draft from an approved bank, its settings saved, published
//! (through pre-flight, freezing each draw's pool of question versions), returned to draft
//! while nobody has started, cancelled.

use super::sections::pool_of;
use super::settings::{refuse_problems, settings_from, settings_of, stored};
use super::view::view;
use super::{audit, exam_for, parsed, zone};
use crate::error::AppError;
use crate::model::exams::{BankChoice, BuiltExam, ExamAction, SettingsInput};
use crate::server::db::{self, exams::ExamRow};
use crate::server::guard::{self, Caller};
use crate::server::{authoring, new_id, now_ms, AppState};
use shared::exam_plan::{AttemptPolicy, CameraPolicy, ResultsPolicy, ResultsWhen, Settings};
use shared::roles::COORDINATORS;

const HOUR_MS: i64 = 3_600_000;

/// Approved banks in every organisation where the caller coordinates exams.
pub async fn banks(state: &AppState) -> Result<Vec<BankChoice>, AppError> {
    let user = crate::server::auth::current_user(state).await?;
    let mut out = Vec::new();
    for org_id in db::orgs::orgs_with_role(&state.pool, &user.id, COORDINATORS).await? {
        let organization = db::orgs::name(&state.pool, &org_id).await?;
        for (bank_id, name) in db::banks::approved_in_org(&state.pool, &org_id).await? {
            out.push(BankChoice {
                bank_id,
                org_id: org_id.clone(),
                name,
                organization: organization.clone(),
            });
        }
    }
    Ok(out)
}

/// The exams of every organisation where the caller coordinates exams.
pub async fn list(state: &AppState) -> Result<Vec<BuiltExam>, AppError> {
    let user = crate::server::auth::current_user(state).await?;
    let now = now_ms();
    let mut out = Vec::new();
    for org_id in db::orgs::orgs_with_role(&state.pool, &user.id, COORDINATORS).await? {
        let zone_name = db::exams::org_time_zone(&state.pool, &org_id).await?;
        let local = |ms: i64| zone::to_local(ms, &zone_name).replace('T', " ");
        for e in db::exams::in_org(&state.pool, &org_id).await? {
            let stored: shared::ExamStatus = parsed(&e.status)?;
            out.push(BuiltExam {
                phase: shared::exam_plan::phase(stored, e.opens_at, e.closes_at, now),
                exam_id: e.id,
                title: e.title,
                organization: e.organization,
                window: format!("{} – {} ({zone_name})", local(e.opens_at), local(e.closes_at)),
            });
        }
    }
    Ok(out)
}

/// A new draft exam started from an approved bank, with a first, empty section of fixed
/// questions from it and sensible settings: tomorrow 09:00–17:00 in the organisation's zone,
/// an hour long, one attempt, 50% to pass, proctored at the organisation's default
/// sensitivity. Returns its id.
pub async fn create(state: &AppState, bank_id: &str, title: &str) -> Result<String, AppError> {
    let user = crate::server::auth::current_user(state).await?;
    let bank = db::banks::find(&state.pool, bank_id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such question bank.".into()))?;
    let caller = guard::check(state, user, &bank.org_id, COORDINATORS).await?;
    if bank.status != "APPROVED" {
        return Err(AppError::Conflict(
            "Exams are built from approved banks: this one is not approved yet.".into(),
        ));
    }
    let org = db::orgs::find(&state.pool, &bank.org_id)
        .await?
        .ok_or(AppError::Internal)?;
    let zone_name = org.time_zone;
    let now = now_ms();
    let tomorrow = zone::to_local(now + 24 * HOUR_MS, &zone_name);
    let day = tomorrow.get(..10).unwrap_or("2030-01-01");
    let opens_at = zone::to_utc_ms(&format!("{day}T09:00"), &zone_name).unwrap_or(now + 24 * HOUR_MS);
    let settings = Settings {
        title: title.trim().to_string(),
        description: String::new(),
        instructions: String::new(),
        opens_at,
        closes_at: opens_at + 8 * HOUR_MS,
        duration_minutes: 60,
        max_attempts: 1,
        attempt_policy: AttemptPolicy::Highest,
        passing_score: 50,
        proctoring: true,
        // The organisation's default, which its admin sets.
        sensitivity: org
            .default_sensitivity
            .parse()
            .unwrap_or(shared::Sensitivity::Medium),
        require_fullscreen: false,
        shuffle_questions: false,
        shuffle_options: false,
        results: ResultsPolicy::Score,
        results_when: ResultsWhen::OnSubmit,
        camera: CameraPolicy::Off,
    };
    refuse_problems(settings.problems())?;
    let id = new_id();
    let mut tx = db::begin_write(&state.pool).await?;
    db::exams::insert_draft(
        &mut *tx,
        &id,
        &bank.org_id,
        &bank.id,
        &caller.user.id,
        &stored(&settings),
        now,
    )
    .await?;
    db::exam_sections::insert(
        &mut *tx,
        db::exam_sections::NewSection {
            id: &new_id(),
            exam_id: &id,
            title: "Questions",
            bank_id: Some(&bank.id),
            draw_count: None,
            tags_json: "[]",
            difficulty: None,
        },
    )
    .await?;
    authoring::audit(
        &mut tx,
        "exam.created",
        &caller,
        &bank.org_id,
        &id,
        Some(&settings.title),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(exam_id = %id, "exam drafted");
    Ok(id)
}

/// Saves the settings. Once someone has started, a change that would alter their attempt is
/// refused with what it is; the write is conditional on the state it was checked against.
pub async fn save(state: &AppState, exam_id: &str, input: &SettingsInput) -> Result<(), AppError> {
    let (caller, exam) = exam_for(state, exam_id).await?;
    if exam.status == "CANCELLED" {
        return Err(AppError::Conflict(
            "This exam was cancelled: it cannot change.".into(),
        ));
    }
    let zone_name = db::exams::org_time_zone(&state.pool, &exam.org_id).await?;
    let next = settings_from(input, &zone_name)?;
    let current = settings_of(&exam)?;
    let locked = current.locked_changes(&next);
    let now = now_ms();
    let mut tx = db::begin_write(&state.pool).await?;
    let started = db::exams::attempt_count(&mut *tx, &exam.id).await?;
    if started > 0 && !locked.is_empty() {
        return Err(AppError::Conflict(format!(
            "{started} attempt(s) have started, so {} can no longer change.",
            locked.join(", ")
        )));
    }
    if !db::exams::update_settings(&mut *tx, &exam.id, &exam.status, &stored(&next), now).await? {
        return Err(AppError::Conflict(
            "The exam changed meanwhile: reload it and try again.".into(),
        ));
    }
    // A change racing the first start: the start's row is now visible or it will see the new
    // settings; on SQLite the write transaction serialises both.
    if !locked.is_empty() && db::exams::attempt_count(&mut *tx, &exam.id).await? > 0 {
        return Err(AppError::Conflict(
            "Someone started the exam meanwhile: reload it.".into(),
        ));
    }
    audit(&mut tx, "exam.settings_saved", &caller, &exam, None, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Publishes, returns to draft, or cancels.
pub async fn act(state: &AppState, exam_id: &str, action: ExamAction) -> Result<(), AppError> {
    let (caller, exam) = exam_for(state, exam_id).await?;
    let now = now_ms();
    match action {
        ExamAction::Publish => publish(state, &caller, &exam, now).await,
        ExamAction::Unpublish => {
            let mut tx = db::begin_write(&state.pool).await?;
            if !db::exams::unpublish(&mut *tx, &exam.id, now).await? {
                return Err(AppError::Conflict(
                    "Only a published exam that nobody has started can return to draft.".into(),
                ));
            }
            audit(&mut tx, "exam.unpublished", &caller, &exam, None, now).await?;
            tx.commit().await?;
            Ok(())
        }
        ExamAction::Cancel => {
            let mut tx = db::begin_write(&state.pool).await?;
            let from = exam.status.as_str();
            if !matches!(from, "DRAFT" | "SCHEDULED" | "ACTIVE")
                || !db::exams::set_status(&mut *tx, &exam.id, from, "CANCELLED", now).await?
            {
                return Err(AppError::Conflict("This exam cannot be cancelled now.".into()));
            }
            audit(&mut tx, "exam.cancelled", &caller, &exam, None, now).await?;
            tx.commit().await?;
            tracing::info!(exam_id = %exam.id, "exam cancelled");
            Ok(())
        }
    }
}

/// Runs pre-flight; if it passes, freezes each draw's pool and publishes, in one transaction
/// that first takes the exam's row as a draft (a second publish, or an edit, waits or fails).
async fn publish(state: &AppState, caller: &Caller, exam: &ExamRow, now: i64) -> Result<(), AppError> {
    let view = view(state, &exam.id).await?;
    if exam.status != "DRAFT" {
        return Err(AppError::Conflict("Only a draft can be published.".into()));
    }
    if !view.preflight.is_empty() {
        return Err(AppError::Conflict(format!(
            "The exam cannot be published yet: {}",
            view.preflight.join(" ")
        )));
    }
    let fixed_ids: Vec<String> = view
        .sections
        .iter()
        .filter(|s| s.draw_count.is_none())
        .flat_map(|s| s.items.iter().map(|i| i.question_id.clone()))
        .collect();
    let rows = db::exam_sections::for_exam(&state.pool, &exam.id).await?;
    let mut pools = Vec::new();
    for s in rows.iter().filter(|s| s.draw_count.is_some()) {
        pools.push((s.id.clone(), pool_of(state, s, &fixed_ids).await?));
    }
    let mut tx = db::begin_write(&state.pool).await?;
    if !db::exams::touch_draft(&mut *tx, &exam.id, now).await? {
        return Err(AppError::Conflict("Only a draft can be published.".into()));
    }
    for (section_id, pool) in &pools {
        db::exam_sections::clear_items(&mut *tx, section_id).await?;
        for item in pool {
            db::exam_sections::add_item(&mut *tx, section_id, &item.version_id).await?;
        }
    }
    if !db::exams::set_status(&mut *tx, &exam.id, "DRAFT", "SCHEDULED", now).await? {
        return Err(AppError::Conflict("Only a draft can be published.".into()));
    }
    audit(&mut tx, "exam.published", caller, exam, None, now).await?;
    tx.commit().await?;
    tracing::info!(exam_id = %exam.id, "exam published");
    Ok(())
}
