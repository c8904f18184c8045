//! An exam's sections: fixed question versions chosen one by one, or a draw of N approved
//! questions from a bank filtered by tags and difficulty. Only a draft's sections change; each
//! change takes the exam's row first (conditional on it still being a draft), so a publish
//! racing an edit sees all of it or none.

use super::{audit, begin_draft_change, exam_for, require_draft};
use crate::error::AppError;
use crate::model::exams::{ItemView, SectionInput};
use crate::server::db::{self, exam_sections::SectionRow, question_versions::VersionRow};
use crate::server::{authoring, new_id, now_ms, AppState};
use shared::exam_plan::limits;
use shared::question::{Difficulty, QuestionContent};

const MAX_TITLE_CHARS: usize = 200;

/// An approved question version as the builder lists it, if the player can deliver it.
pub(crate) fn item_of(v: &VersionRow) -> Option<ItemView> {
    item_from(&v.question_id, &v.id, v.version_no, &v.title, &v.content_json)
}

/// [`item_of`] for a section's item.
pub(crate) fn held_item(i: &db::exam_sections::ItemRow) -> Option<ItemView> {
    item_from(
        &i.question_id,
        &i.version_id,
        i.version_no,
        &i.title,
        &i.content_json,
    )
}

fn item_from(
    question_id: &str,
    version_id: &str,
    version_no: i64,
    title: &str,
    content_json: &str,
) -> Option<ItemView> {
    let content: QuestionContent = serde_json::from_str(content_json).ok()?;
    content.deliverable()?;
    Some(ItemView {
        question_id: question_id.to_string(),
        version_id: version_id.to_string(),
        version_no,
        title: title.to_string(),
        kind: content.body.label().to_string(),
        difficulty: content.difficulty,
        points: content.points,
        tags: content.tags,
    })
}

/// The approved questions a draw section would draw from now: its bank's, matching its
/// difficulty and every one of its tags, leaving out questions fixed elsewhere in the exam.
pub(crate) async fn pool_of(
    state: &AppState,
    section: &SectionRow,
    fixed_elsewhere: &[String],
) -> Result<Vec<ItemView>, AppError> {
    let Some(bank_id) = &section.bank_id else {
        return Ok(Vec::new());
    };
    let tags: Vec<String> = serde_json::from_str(&section.tags_json).unwrap_or_default();
    let difficulty: Option<Difficulty> = section.difficulty.as_deref().and_then(|d| d.parse().ok());
    Ok(db::question_versions::approved_in_bank(&state.pool, bank_id)
        .await?
        .iter()
        .filter_map(item_of)
        .filter(|i| difficulty.is_none_or(|d| i.difficulty == d))
        .filter(|i| {
            tags.iter()
                .all(|t| i.tags.iter().any(|q| q.eq_ignore_ascii_case(t)))
        })
        .filter(|i| !fixed_elsewhere.contains(&i.question_id))
        .collect())
}

/// The bank a section may use: approved, in the exam's organisation.
async fn usable_bank(state: &AppState, org_id: &str, bank_id: &str) -> Result<db::banks::BankRow, AppError> {
    let bank = db::banks::find(&state.pool, bank_id)
        .await?
        .filter(|b| b.org_id == org_id)
        .ok_or_else(|| {
            AppError::NotFound("There is no such question bank in this exam's organisation.".into())
        })?;
    if bank.status != "APPROVED" {
        return Err(AppError::Conflict(format!(
            "The bank “{}” is not approved: exams take questions from approved banks only.",
            bank.name
        )));
    }
    Ok(bank)
}

pub async fn add(state: &AppState, exam_id: &str, input: SectionInput) -> Result<String, AppError> {
    let (caller, exam) = exam_for(state, exam_id).await?;
    require_draft(&exam)?;
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(AppError::Invalid(
            "Give the section a title of at most 200 characters.".into(),
        ));
    }
    if let Some(n) = input.draw_count {
        if !(1..=limits::DRAW_COUNT).contains(&n) {
            return Err(AppError::Invalid(format!(
                "A draw takes from 1 to {} questions.",
                limits::DRAW_COUNT
            )));
        }
    }
    if db::exam_sections::count(&state.pool, &exam.id).await? >= limits::SECTIONS as i64 {
        return Err(AppError::Conflict(format!(
            "An exam has at most {} sections.",
            limits::SECTIONS
        )));
    }
    let tags_json = serde_json::to_string(&authoring::tags_from(&input.tags.join(","))?)
        .map_err(|_| AppError::Internal)?;
    let bank = usable_bank(state, &exam.org_id, &input.bank_id).await?;
    let id = new_id();
    let now = now_ms();
    let mut tx = begin_draft_change(state, &exam.id, now).await?;
    db::exam_sections::insert(
        &mut *tx,
        db::exam_sections::NewSection {
            id: &id,
            exam_id: &exam.id,
            title,
            bank_id: Some(&bank.id),
            draw_count: input.draw_count,
            tags_json: &tags_json,
            difficulty: input.difficulty.map(Difficulty::as_str),
        },
    )
    .await?;
    audit(&mut tx, "exam.section_added", &caller, &exam, Some(title), now).await?;
    tx.commit().await?;
    Ok(id)
}

/// The section and its exam, checked to be the caller's to change.
async fn section_for(
    state: &AppState,
    section_id: &str,
) -> Result<(crate::server::guard::Caller, db::exams::ExamRow, SectionRow), AppError> {
    let section = db::exam_sections::find(&state.pool, section_id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such section.".into()))?;
    let (caller, exam) = exam_for(state, &section.exam_id).await?;
    require_draft(&exam)?;
    Ok((caller, exam, section))
}

pub async fn remove(state: &AppState, section_id: &str) -> Result<(), AppError> {
    let (caller, exam, section) = section_for(state, section_id).await?;
    let now = now_ms();
    let mut tx = begin_draft_change(state, &exam.id, now).await?;
    db::exam_sections::delete(&mut *tx, &section.id).await?;
    audit(
        &mut tx,
        "exam.section_removed",
        &caller,
        &exam,
        Some(&section.title),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds an approved question version to a fixed section.
pub async fn add_question(state: &AppState, section_id: &str, version_id: &str) -> Result<(), AppError> {
    let (caller, exam, section) = section_for(state, section_id).await?;
    if section.draw_count.is_some() {
        return Err(AppError::Conflict(
            "This section draws its questions: add questions to a section of fixed questions.".into(),
        ));
    }
    let version = db::question_versions::find(&state.pool, version_id)
        .await?
        .filter(|v| section.bank_id.as_deref() == Some(v.bank_id.as_str()))
        .ok_or_else(|| AppError::NotFound("That question is not in this section's bank.".into()))?;
    if version.status != "APPROVED" {
        return Err(AppError::Conflict(
            "Only approved questions go into exams.".into(),
        ));
    }
    usable_bank(state, &exam.org_id, &version.bank_id).await?;
    if item_of(&version).is_none() {
        return Err(AppError::Conflict(
            "The exam player cannot deliver this kind of question yet.".into(),
        ));
    }
    let items = db::exam_sections::items_of_exam(&state.pool, &exam.id).await?;
    if items.iter().any(|i| i.question_id == version.question_id) {
        return Err(AppError::Conflict("This question is already in the exam.".into()));
    }
    if items.iter().filter(|i| i.section_id == section.id).count() >= limits::QUESTIONS_PER_SECTION {
        return Err(AppError::Conflict(format!(
            "A section holds at most {} questions.",
            limits::QUESTIONS_PER_SECTION
        )));
    }
    let now = now_ms();
    let mut tx = begin_draft_change(state, &exam.id, now).await?;
    db::exam_sections::add_item(&mut *tx, &section.id, &version.id).await?;
    audit(
        &mut tx,
        "exam.question_added",
        &caller,
        &exam,
        Some(&version.id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove_question(state: &AppState, section_id: &str, version_id: &str) -> Result<(), AppError> {
    let (caller, exam, section) = section_for(state, section_id).await?;
    let now = now_ms();
    let mut tx = begin_draft_change(state, &exam.id, now).await?;
    if !db::exam_sections::remove_item(&mut *tx, &section.id, version_id).await? {
        return Err(AppError::NotFound("That question is not in this section.".into()));
    }
    audit(
        &mut tx,
        "exam.question_removed",
        &caller,
        &exam,
        Some(version_id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
