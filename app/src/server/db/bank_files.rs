//! `bank_files`: images that belong to a bank's questions.

use sqlx::{AnyExecutor, FromRow};

pub struct NewFile<'a> {
    pub id: &'a str,
    pub bank_id: &'a str,
    pub name: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub content: &'a [u8],
    pub created_by: &'a str,
}

/// Stores a file unless the bank holds the same bytes already; returns the id of the stored
/// copy either way.
pub async fn insert_or_find(db: &mut sqlx::AnyConnection, f: NewFile<'_>, now: i64) -> sqlx::Result<String> {
    sqlx::query(
        "INSERT INTO bank_files (id, bank_id, name, content_type, sha256, content, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (bank_id, sha256) DO NOTHING",
    )
    .bind(f.id)
    .bind(f.bank_id)
    .bind(f.name)
    .bind(f.content_type)
    .bind(f.sha256)
    .bind(f.content)
    .bind(f.created_by)
    .bind(now)
    .execute(&mut *db)
    .await?;
    sqlx::query_scalar("SELECT id FROM bank_files WHERE bank_id = $1 AND sha256 = $2")
        .bind(f.bank_id)
        .bind(f.sha256)
        .fetch_one(&mut *db)
        .await
}

#[derive(Debug, Clone, FromRow)]
pub struct FileRow {
    pub bank_id: String,
    pub name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

pub async fn find<'e>(db: impl AnyExecutor<'e>, id: &str) -> sqlx::Result<Option<FileRow>> {
    sqlx::query_as("SELECT bank_id, name, content_type, content FROM bank_files WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}
