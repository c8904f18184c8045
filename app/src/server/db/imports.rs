//! `import_uploads`: a file kept between its preview and its commit.

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct UploadRow {
    pub id: String,
    pub bank_id: String,
    pub user_id: String,
    pub format: String,
    pub filename: String,
    pub content: Vec<u8>,
    pub committed_at: Option<i64>,
}

pub struct NewUpload<'a> {
    pub id: &'a str,
    pub bank_id: &'a str,
    pub user_id: &'a str,
    pub format: &'a str,
    pub filename: &'a str,
    pub content: &'a [u8],
}

pub async fn insert<'e>(db: impl AnyExecutor<'e>, u: NewUpload<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO import_uploads (id, bank_id, user_id, format, filename, content, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(u.id)
    .bind(u.bank_id)
    .bind(u.user_id)
    .bind(u.format)
    .bind(u.filename)
    .bind(u.content)
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn find<'e>(db: impl AnyExecutor<'e>, id: &str) -> sqlx::Result<Option<UploadRow>> {
    sqlx::query_as(
        "SELECT id, bank_id, user_id, format, filename, content, committed_at FROM import_uploads WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Marks an upload committed, once: a second commit (a double click, a replay) changes nothing
/// and returns false. The file's bytes are dropped: what they held is in the bank now.
pub async fn mark_committed<'e>(db: impl AnyExecutor<'e>, id: &str, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE import_uploads SET committed_at = $2, content = $3 WHERE id = $1 AND committed_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .bind(Vec::<u8>::new())
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Forgets a person's previews that were never committed and are older than `before`.
pub async fn forget_stale<'e>(db: impl AnyExecutor<'e>, user_id: &str, before: i64) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "DELETE FROM import_uploads WHERE user_id = $1 AND committed_at IS NULL AND created_at < $2",
    )
    .bind(user_id)
    .bind(before)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// Uploads a person made recently, to bound how many previews one person keeps.
pub async fn count_recent<'e>(db: impl AnyExecutor<'e>, user_id: &str, since: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM import_uploads WHERE user_id = $1 AND created_at >= $2")
        .bind(user_id)
        .bind(since)
        .fetch_one(db)
        .await
}
