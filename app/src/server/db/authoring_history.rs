//! `authoring_history`: every change of a bank's or a question version's state, with who,
//! when, from, to and the reason. Append-only.

use sqlx::{AnyExecutor, FromRow};

pub struct Change<'a> {
    /// `BANK` or `QUESTION_VERSION`.
    pub subject_kind: &'a str,
    pub subject_id: &'a str,
    pub bank_id: &'a str,
    pub actor_id: &'a str,
    pub from: Option<&'a str>,
    pub to: &'a str,
    pub note: Option<&'a str>,
}

pub async fn record<'e>(db: impl AnyExecutor<'e>, c: Change<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO authoring_history (id, subject_kind, subject_id, bank_id, actor_id, at, from_state, to_state, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(crate::server::new_id())
    .bind(c.subject_kind)
    .bind(c.subject_id)
    .bind(c.bank_id)
    .bind(c.actor_id)
    .bind(now)
    .bind(c.from)
    .bind(c.to)
    .bind(c.note.filter(|n| !n.trim().is_empty()))
    .execute(db)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct HistoryRow {
    pub subject_id: String,
    pub actor_name: Option<String>,
    pub at: i64,
    pub from_state: Option<String>,
    pub to_state: String,
    pub note: Option<String>,
}

/// The changes of the given subjects (a question's versions), oldest first.
pub async fn for_question<'e>(db: impl AnyExecutor<'e>, question_id: &str) -> sqlx::Result<Vec<HistoryRow>> {
    sqlx::query_as(
        "SELECT h.subject_id, u.display_name AS actor_name, h.at, h.from_state, h.to_state, h.note \
         FROM authoring_history h LEFT JOIN users u ON u.id = h.actor_id \
         WHERE h.subject_kind = 'QUESTION_VERSION' AND h.subject_id IN (SELECT id FROM question_versions WHERE question_id = $1) \
         ORDER BY h.at, h.id",
    )
    .bind(question_id)
    .fetch_all(db)
    .await
}
