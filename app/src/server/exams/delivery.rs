//! The questions of one attempt: assembled once from the exam's sections (draws made from the
//! session's own seed), stored, and read back from then on, so every page of the attempt, its
//! grading and its result see the same question versions in the same order.

use crate::error::AppError;
use crate::server::db::{self, exams::ExamRow};
use shared::exam_plan::{assemble, SectionPick};
use shared::question::QuestionContent;
use sqlx::AnyPool;

/// One question of an attempt, as its author's version holds it.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub question_id: String,
    pub version_id: String,
    pub content: QuestionContent,
}

impl Delivered {
    /// The points the question is worth, whole (how pages and grading sheets show them).
    pub fn points(&self) -> i64 {
        whole_points(&self.content)
    }
}

/// The points a question is worth, whole (how pages and grading sheets show them).
pub fn whole_points(content: &QuestionContent) -> i64 {
    content.points.round() as i64
}

/// The attempt's questions in its order, assembling them on first use.
pub async fn questions_of(
    pool: &AnyPool,
    session_id: &str,
    exam: &ExamRow,
) -> Result<Vec<Delivered>, AppError> {
    let mut rows = db::attempt_questions::for_session(pool, session_id).await?;
    if rows.is_empty() {
        record(pool, session_id, exam).await?;
        rows = db::attempt_questions::for_session(pool, session_id).await?;
    }
    rows.into_iter()
        .map(|r| {
            let content: QuestionContent = serde_json::from_str(&r.content_json).map_err(|e| {
                tracing::error!(error = %e, version_id = %r.version_id, "unreadable question version");
                AppError::Internal
            })?;
            Ok(Delivered {
                question_id: r.question_id,
                version_id: r.version_id,
                content,
            })
        })
        .collect()
}

/// A question and the version of it a section offers.
type QuestionVersion = (String, String);

/// Picks the attempt's questions and stores them. Two pages assembling at once pick the same
/// (the draw is deterministic) and the second writer's rows change nothing.
async fn record(pool: &AnyPool, session_id: &str, exam: &ExamRow) -> Result<(), AppError> {
    let mut sections: Vec<(Vec<QuestionVersion>, Option<usize>)> = Vec::new();
    let rows = db::exam_sections::for_exam(pool, &exam.id).await?;
    if rows.is_empty() {
        // Exams from before the builder: every approved question of their bank.
        let approved = db::question_versions::approved_in_bank(pool, &exam.bank_id).await?;
        sections.push((
            approved.into_iter().map(|v| (v.question_id, v.id)).collect(),
            None,
        ));
    } else {
        let items = db::exam_sections::items_of_exam(pool, &exam.id).await?;
        for s in &rows {
            let of_section = items
                .iter()
                .filter(|i| i.section_id == s.id)
                .map(|i| (i.question_id.clone(), i.version_id.clone()))
                .collect();
            let draw = s.draw_count.map(|n| usize::try_from(n).unwrap_or(0));
            sections.push((of_section, draw));
        }
    }
    let picks: Vec<SectionPick> = sections
        .iter()
        .map(|(items, draw)| SectionPick {
            items: items.len(),
            draw: *draw,
        })
        .collect();
    let order = assemble(session_id, &picks, exam.randomize_questions != 0);
    let mut tx = db::begin_write(pool).await?;
    for (position, (s, i)) in order.into_iter().enumerate() {
        if let Some((question_id, version_id)) = sections.get(s).and_then(|(items, _)| items.get(i)) {
            db::attempt_questions::insert(&mut *tx, session_id, position as i64, question_id, version_id)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// How many questions each attempt gets: the fixed ones and every draw's size (for exams from
/// before the builder, their bank's approved questions).
pub async fn question_count(pool: &AnyPool, exam: &ExamRow) -> Result<i64, AppError> {
    let sections = db::exam_sections::for_exam(pool, &exam.id).await?;
    if sections.is_empty() {
        return Ok(db::question_versions::approved_in_bank(pool, &exam.bank_id)
            .await?
            .len() as i64);
    }
    let items = db::exam_sections::items_of_exam(pool, &exam.id).await?;
    Ok(sections
        .iter()
        .map(|s| match s.draw_count {
            Some(n) => n,
            None => items.iter().filter(|i| i.section_id == s.id).count() as i64,
        })
        .sum())
}
