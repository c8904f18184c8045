//! `questions` (stable identities in a bank) and `question_versions` (their numbered,
//! immutable-once-reviewed content).

use sqlx::{AnyExecutor, FromRow};

pub struct NewQuestion<'a> {
    pub id: &'a str,
    pub bank_id: &'a str,
    /// What the player would call its kind; kept on the identity for the legacy columns.
    pub kind: &'a str,
    pub title: &'a str,
    pub source_id: Option<&'a str>,
    pub created_by: &'a str,
}

/// Adds a question identity at the end of its bank.
pub async fn insert_question<'e>(db: impl AnyExecutor<'e>, q: NewQuestion<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO questions (id, bank_id, kind, stem, position, created_at, source_id, created_by) \
         VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(position), 0) + 1 FROM questions WHERE bank_id = $2), $5, $6, $7)",
    )
    .bind(q.id)
    .bind(q.bank_id)
    .bind(q.kind)
    .bind(q.title)
    .bind(now)
    .bind(q.source_id)
    .bind(q.created_by)
    .execute(db)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct VersionRow {
    pub id: String,
    pub question_id: String,
    pub bank_id: String,
    pub version_no: i64,
    pub status: String,
    pub kind: String,
    pub title: String,
    pub difficulty: String,
    pub content_json: String,
    pub created_by: Option<String>,
    pub author_name: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<i64>,
    pub review_reason: Option<String>,
}

const COLUMNS: &str =
    "v.id, v.question_id, q.bank_id, v.version_no, v.status, v.kind, v.title, v.difficulty, \
    v.content_json, v.created_by, u.display_name AS author_name, v.created_at, v.updated_at, v.reviewed_by, \
    v.reviewed_at, v.review_reason";
const FROM: &str = "FROM question_versions v JOIN questions q ON q.id = v.question_id \
    LEFT JOIN users u ON u.id = v.created_by";

pub struct NewVersion<'a> {
    pub id: &'a str,
    pub question_id: &'a str,
    pub kind: &'a str,
    pub title: &'a str,
    pub difficulty: &'a str,
    pub content_json: &'a str,
    /// Who wrote it; none for questions that came with the demo data.
    pub created_by: Option<&'a str>,
}

/// Adds the next version of a question as a draft. Two writers racing for the same number
/// meet the unique (question, version) key: one of them fails instead of both succeeding.
pub async fn insert_version<'e>(db: impl AnyExecutor<'e>, v: NewVersion<'_>, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO question_versions (id, question_id, version_no, status, kind, title, difficulty, content_json, created_by, created_at, updated_at) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(version_no), 0) + 1 FROM question_versions WHERE question_id = $2), 'DRAFT', $3, $4, $5, $6, $7, $8, $8) \
         RETURNING version_no",
    )
    .bind(v.id)
    .bind(v.question_id)
    .bind(v.kind)
    .bind(v.title)
    .bind(v.difficulty)
    .bind(v.content_json)
    .bind(v.created_by)
    .bind(now)
    .fetch_one(db)
    .await
}

pub async fn find<'e>(db: impl AnyExecutor<'e>, version_id: &str) -> sqlx::Result<Option<VersionRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} {FROM} WHERE v.id = $1"))
        .bind(version_id)
        .fetch_optional(db)
        .await
}

/// The latest version of each question of a bank, in the bank's order.
pub async fn latest_in_bank<'e>(db: impl AnyExecutor<'e>, bank_id: &str) -> sqlx::Result<Vec<VersionRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM} WHERE q.bank_id = $1 \
         AND v.version_no = (SELECT MAX(v2.version_no) FROM question_versions v2 WHERE v2.question_id = q.id) \
         ORDER BY q.position, q.id"
    ))
    .bind(bank_id)
    .fetch_all(db)
    .await
}

/// Every version of one question, newest first.
pub async fn history<'e>(db: impl AnyExecutor<'e>, question_id: &str) -> sqlx::Result<Vec<VersionRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM} WHERE v.question_id = $1 ORDER BY v.version_no DESC"
    ))
    .bind(question_id)
    .fetch_all(db)
    .await
}

/// Rewrites a draft's content, only while it is still the editable state it was read in.
pub async fn update_draft<'e>(
    db: impl AnyExecutor<'e>,
    version_id: &str,
    from_status: &str,
    v: &NewVersion<'_>,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE question_versions SET status = 'DRAFT', kind = $3, title = $4, difficulty = $5, content_json = $6, updated_at = $7, \
           review_reason = NULL WHERE id = $1 AND status = $2",
    )
    .bind(version_id)
    .bind(from_status)
    .bind(v.kind)
    .bind(v.title)
    .bind(v.difficulty)
    .bind(v.content_json)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves a version from `from` to `to`, recording the reviewer when there is one; changes
/// nothing if its state is no longer `from`.
pub async fn set_status<'e>(
    db: impl AnyExecutor<'e>,
    version_id: &str,
    from: &str,
    to: &str,
    reviewer: Option<&str>,
    reason: Option<&str>,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE question_versions SET status = $3, reviewed_by = COALESCE($4, reviewed_by), \
           reviewed_at = CASE WHEN $4 IS NULL THEN reviewed_at ELSE $6 END, review_reason = $5, updated_at = $6 \
         WHERE id = $1 AND status = $2",
    )
    .bind(version_id)
    .bind(from)
    .bind(to)
    .bind(reviewer)
    .bind(reason)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The drafts (latest versions) of a bank: what submitting the bank submits.
pub async fn drafts_in_bank<'e>(
    db: impl AnyExecutor<'e>,
    bank_id: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT v.id, v.status FROM question_versions v JOIN questions q ON q.id = v.question_id \
         WHERE q.bank_id = $1 AND v.status IN ('DRAFT', 'REJECTED') \
         AND v.version_no = (SELECT MAX(v2.version_no) FROM question_versions v2 WHERE v2.question_id = q.id)",
    )
    .bind(bank_id)
    .fetch_all(db)
    .await
}

/// The source identifiers (or content fingerprints) of a bank's questions: what an import
/// compares with, so one file imported twice adds nothing the second time.
pub async fn source_ids<'e>(db: impl AnyExecutor<'e>, bank_id: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT source_id FROM questions WHERE bank_id = $1 AND source_id IS NOT NULL")
        .bind(bank_id)
        .fetch_all(db)
        .await
}

/// The newest approved version of each question of a bank (a question whose next version is
/// still a draft offers the one approved before it), in the bank's order.
pub async fn approved_in_bank<'e>(db: impl AnyExecutor<'e>, bank_id: &str) -> sqlx::Result<Vec<VersionRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM} WHERE q.bank_id = $1 AND v.status = 'APPROVED' \
         AND v.version_no = (SELECT MAX(v2.version_no) FROM question_versions v2 \
             WHERE v2.question_id = q.id AND v2.status = 'APPROVED') \
         ORDER BY q.position, q.id"
    ))
    .bind(bank_id)
    .fetch_all(db)
    .await
}

/// Moves questions (with all their versions) from one bank to another; returns how many moved.
/// A question the target bank already knows by its source id meets the unique key and the
/// whole move fails.
pub async fn move_questions(
    db: &mut sqlx::AnyConnection,
    question_ids: &[String],
    from_bank: &str,
    to_bank: &str,
) -> sqlx::Result<u64> {
    let mut moved = 0;
    for id in question_ids {
        moved += sqlx::query(
            "UPDATE questions SET bank_id = $1, \
             position = (SELECT COALESCE(MAX(position), 0) + 1 FROM questions WHERE bank_id = $1) \
             WHERE id = $2 AND bank_id = $3",
        )
        .bind(to_bank)
        .bind(id)
        .bind(from_bank)
        .execute(&mut *db)
        .await?
        .rows_affected();
    }
    Ok(moved)
}
