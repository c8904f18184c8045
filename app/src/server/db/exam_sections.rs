//! `exam_sections`, `exam_section_items`: what an exam is made of.

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct SectionRow {
    pub id: String,
    pub exam_id: String,
    pub position: i64,
    pub title: String,
    pub bank_id: Option<String>,
    /// `None`: a fixed section.
    pub draw_count: Option<i64>,
    pub tags_json: String,
    pub difficulty: Option<String>,
}

pub async fn for_exam<'e>(db: impl AnyExecutor<'e>, exam_id: &str) -> sqlx::Result<Vec<SectionRow>> {
    sqlx::query_as(
        "SELECT id, exam_id, position, title, bank_id, draw_count, tags_json, difficulty \
         FROM exam_sections WHERE exam_id = $1 ORDER BY position, id",
    )
    .bind(exam_id)
    .fetch_all(db)
    .await
}

pub async fn find<'e>(db: impl AnyExecutor<'e>, section_id: &str) -> sqlx::Result<Option<SectionRow>> {
    sqlx::query_as(
        "SELECT id, exam_id, position, title, bank_id, draw_count, tags_json, difficulty \
         FROM exam_sections WHERE id = $1",
    )
    .bind(section_id)
    .fetch_optional(db)
    .await
}

pub struct NewSection<'a> {
    pub id: &'a str,
    pub exam_id: &'a str,
    pub title: &'a str,
    pub bank_id: Option<&'a str>,
    pub draw_count: Option<i64>,
    pub tags_json: &'a str,
    pub difficulty: Option<&'a str>,
}

/// Adds a section after the exam's last one.
pub async fn insert<'e>(db: impl AnyExecutor<'e>, s: NewSection<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO exam_sections (id, exam_id, position, title, bank_id, draw_count, tags_json, difficulty) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM exam_sections WHERE exam_id = $2), $3, $4, $5, $6, $7)",
    )
    .bind(s.id)
    .bind(s.exam_id)
    .bind(s.title)
    .bind(s.bank_id)
    .bind(s.draw_count)
    .bind(s.tags_json)
    .bind(s.difficulty)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn count<'e>(db: impl AnyExecutor<'e>, exam_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM exam_sections WHERE exam_id = $1")
        .bind(exam_id)
        .fetch_one(db)
        .await
}

pub async fn delete<'e>(db: impl AnyExecutor<'e>, section_id: &str) -> sqlx::Result<bool> {
    sqlx::query("DELETE FROM exam_sections WHERE id = $1")
        .bind(section_id)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// One question version of a section, with what the builder and the player need of it.
#[derive(Debug, Clone, FromRow)]
pub struct ItemRow {
    pub section_id: String,
    pub position: i64,
    pub version_id: String,
    pub question_id: String,
    pub version_no: i64,
    pub title: String,
    pub kind: String,
    pub difficulty: String,
    pub content_json: String,
}

/// Every item of every section of an exam, by section and position.
pub async fn items_of_exam<'e>(db: impl AnyExecutor<'e>, exam_id: &str) -> sqlx::Result<Vec<ItemRow>> {
    sqlx::query_as(
        "SELECT i.section_id, i.position, i.version_id, v.question_id, v.version_no, v.title, v.kind, \
         v.difficulty, v.content_json \
         FROM exam_section_items i JOIN exam_sections s ON s.id = i.section_id \
         JOIN question_versions v ON v.id = i.version_id \
         WHERE s.exam_id = $1 ORDER BY s.position, s.id, i.position",
    )
    .bind(exam_id)
    .fetch_all(db)
    .await
}

/// Appends a version to a section.
pub async fn add_item<'e>(db: impl AnyExecutor<'e>, section_id: &str, version_id: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO exam_section_items (section_id, position, version_id) \
         VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM exam_section_items WHERE section_id = $1), $2)",
    )
    .bind(section_id)
    .bind(version_id)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn remove_item<'e>(
    db: impl AnyExecutor<'e>,
    section_id: &str,
    version_id: &str,
) -> sqlx::Result<bool> {
    sqlx::query("DELETE FROM exam_section_items WHERE section_id = $1 AND version_id = $2")
        .bind(section_id)
        .bind(version_id)
        .execute(db)
        .await
        .map(|r| r.rows_affected() > 0)
}

/// Empties a section (a draw's pool is frozen afresh each time the exam is published).
pub async fn clear_items<'e>(db: impl AnyExecutor<'e>, section_id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM exam_section_items WHERE section_id = $1")
        .bind(section_id)
        .execute(db)
        .await
        .map(|_| ())
}
