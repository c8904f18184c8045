//! `question_banks`: an organisation's banks, their review state and counts of questions.

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct BankRow {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub description: String,
    pub department_id: Option<String>,
    pub tags_json: String,
    pub status: String,
    pub review_reason: Option<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, org_id, name, description, department_id, tags_json, status, review_reason, \
    created_by, created_at, updated_at";

pub async fn find<'e>(db: impl AnyExecutor<'e>, id: &str) -> sqlx::Result<Option<BankRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM question_banks WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

pub struct NewBank<'a> {
    pub id: &'a str,
    pub org_id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub department_id: Option<&'a str>,
    pub tags_json: &'a str,
    pub created_by: &'a str,
}

pub async fn insert<'e>(db: impl AnyExecutor<'e>, b: NewBank<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO question_banks (id, org_id, name, description, department_id, tags_json, status, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'DRAFT', $7, $8, $8)",
    )
    .bind(b.id)
    .bind(b.org_id)
    .bind(b.name)
    .bind(b.description)
    .bind(b.department_id)
    .bind(b.tags_json)
    .bind(b.created_by)
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}

/// Changes a bank's details, unless it is archived. Returns whether a row changed.
pub async fn update_details<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    name: &str,
    description: &str,
    department_id: Option<&str>,
    tags_json: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE question_banks SET name = $2, description = $3, department_id = $4, tags_json = $5, updated_at = $6 \
         WHERE id = $1 AND status <> 'ARCHIVED'",
    )
    .bind(id)
    .bind(name)
    .bind(description)
    .bind(department_id)
    .bind(tags_json)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves a bank from `from` to `to`; changes nothing (and returns false) if its state is no
/// longer `from`.
pub async fn set_status<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    from: &str,
    to: &str,
    reason: Option<&str>,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE question_banks SET status = $3, review_reason = $4, updated_at = $5 WHERE id = $1 AND status = $2",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(reason)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A bank in the list, with how many of its questions' latest versions stand in each state.
#[derive(Debug, Clone, FromRow)]
pub struct BankSummaryRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub status: String,
    pub updated_at: i64,
    pub drafts: i64,
    pub in_review: i64,
    pub approved: i64,
    pub rejected: i64,
}

/// An organisation's banks, newest change first; `search` matches the name or description.
pub async fn list<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    search: &str,
) -> sqlx::Result<Vec<BankSummaryRow>> {
    let pattern = format!("%{}%", search.to_lowercase().replace(['%', '_'], ""));
    sqlx::query_as(
        "SELECT b.id, b.name, b.description, b.status, b.updated_at, \
           COALESCE(SUM(CASE WHEN v.status = 'DRAFT' THEN 1 ELSE 0 END), 0) AS drafts, \
           COALESCE(SUM(CASE WHEN v.status = 'IN_REVIEW' THEN 1 ELSE 0 END), 0) AS in_review, \
           COALESCE(SUM(CASE WHEN v.status = 'APPROVED' THEN 1 ELSE 0 END), 0) AS approved, \
           COALESCE(SUM(CASE WHEN v.status = 'REJECTED' THEN 1 ELSE 0 END), 0) AS rejected \
         FROM question_banks b \
         LEFT JOIN questions q ON q.bank_id = b.id \
         LEFT JOIN question_versions v ON v.question_id = q.id \
           AND v.version_no = (SELECT MAX(v2.version_no) FROM question_versions v2 WHERE v2.question_id = q.id) \
         WHERE b.org_id = $1 AND (LOWER(b.name) LIKE $2 OR LOWER(b.description) LIKE $2) \
         GROUP BY b.id, b.name, b.description, b.status, b.updated_at \
         ORDER BY b.updated_at DESC, b.id",
    )
    .bind(org_id)
    .bind(pattern)
    .fetch_all(db)
    .await
}

/// The approved banks of an organisation by name: what coordinators build exams from.
pub async fn approved_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT id, name FROM question_banks WHERE org_id = $1 AND status = 'APPROVED' ORDER BY name, id",
    )
    .bind(org_id)
    .fetch_all(db)
    .await
}
