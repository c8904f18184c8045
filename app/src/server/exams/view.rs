//! The builder's whole view of an exam: settings in the organisation's zone, sections with
//! what they hold or could hold, and what pre-flight says now.

use super::sections::{held_item, item_of, pool_of};
use super::settings::settings_of;
use super::{exam_for, phase_of, zone};
use crate::error::AppError;
use crate::model::exams::{BankChoice, BuilderView, SectionView, SettingsInput};
use crate::server::{db, now_ms, AppState};
use shared::exam_plan::{preflight, SectionFacts};

/// The builder's whole view of an exam, with what pre-flight says now.
pub async fn view(state: &AppState, exam_id: &str) -> Result<BuilderView, AppError> {
    let (_, exam) = exam_for(state, exam_id).await?;
    let now = now_ms();
    let zone_name = db::exams::org_time_zone(&state.pool, &exam.org_id).await?;
    let settings = settings_of(&exam)?;
    let rows = db::exam_sections::for_exam(&state.pool, &exam.id).await?;
    let items = db::exam_sections::items_of_exam(&state.pool, &exam.id).await?;
    let draft = exam.status == "DRAFT";
    let fixed_ids: Vec<String> = rows
        .iter()
        .filter(|s| s.draw_count.is_none())
        .flat_map(|s| items.iter().filter(move |i| i.section_id == s.id))
        .map(|i| i.question_id.clone())
        .collect();
    let banks = db::banks::approved_in_org(&state.pool, &exam.org_id)
        .await?
        .into_iter()
        .map(|(bank_id, name)| BankChoice {
            bank_id,
            org_id: exam.org_id.clone(),
            name,
            organization: String::new(),
        })
        .collect::<Vec<_>>();
    let mut sections = Vec::new();
    let mut facts = Vec::new();
    for s in &rows {
        let held: Vec<_> = items
            .iter()
            .filter(|i| i.section_id == s.id)
            .filter_map(held_item)
            .collect();
        // Sections use approved banks of the organisation, listed once above; a bank archived
        // since is looked up on its own.
        let bank_name = match &s.bank_id {
            Some(id) => match banks.iter().find(|b| &b.bank_id == id) {
                Some(b) => b.name.clone(),
                None => db::banks::find(&state.pool, id)
                    .await?
                    .map(|b| b.name)
                    .unwrap_or_default(),
            },
            None => String::new(),
        };
        let (pool, available) = match s.draw_count {
            Some(_) if draft => (pool_of(state, s, &fixed_ids).await?, Vec::new()),
            Some(_) => (held.clone(), Vec::new()),
            None if draft => {
                let pool = match &s.bank_id {
                    Some(bank) => db::question_versions::approved_in_bank(&state.pool, bank).await?,
                    None => Vec::new(),
                };
                let available = pool
                    .iter()
                    .filter_map(item_of)
                    .filter(|i| !items.iter().any(|held| held.question_id == i.question_id))
                    .collect();
                (Vec::new(), available)
            }
            None => (Vec::new(), Vec::new()),
        };
        facts.push(SectionFacts {
            title: s.title.clone(),
            fixed_points: if s.draw_count.is_none() {
                held.iter().map(|i| i.points).collect()
            } else {
                Vec::new()
            },
            draw: s.draw_count.map(|n| (n, pool.iter().map(|i| i.points).collect())),
        });
        sections.push(SectionView {
            section_id: s.id.clone(),
            title: s.title.clone(),
            bank_id: s.bank_id.clone(),
            bank_name,
            draw_count: s.draw_count,
            tags: serde_json::from_str(&s.tags_json).unwrap_or_default(),
            difficulty: s.difficulty.as_deref().and_then(|d| d.parse().ok()),
            items: held,
            pool_size: pool.len(),
            available,
        });
    }
    let preflight = if draft {
        preflight(&settings, &facts, now)
    } else {
        Vec::new()
    };
    Ok(BuilderView {
        exam_id: exam.id.clone(),
        phase: phase_of(&exam, now)?,
        settings: SettingsInput {
            opens_local: zone::to_local(settings.opens_at, &zone_name),
            closes_local: zone::to_local(settings.closes_at, &zone_name),
            title: settings.title,
            description: settings.description,
            instructions: settings.instructions,
            duration_minutes: settings.duration_minutes,
            max_attempts: settings.max_attempts,
            attempt_policy: settings.attempt_policy,
            passing_score: settings.passing_score,
            proctoring: settings.proctoring,
            sensitivity: settings.sensitivity,
            require_fullscreen: settings.require_fullscreen,
            shuffle_questions: settings.shuffle_questions,
            shuffle_options: settings.shuffle_options,
            results: settings.results,
            results_when: settings.results_when,
            camera: settings.camera,
        },
        time_zone: zone_name,
        opens_at: exam.opens_at,
        closes_at: exam.closes_at,
        sections,
        attempts: db::exams::attempt_count(&state.pool, &exam.id).await?,
        preflight,
        banks,
    })
}
