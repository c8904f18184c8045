//! `review_history`: every change of a session's review outcome or of a flag's status, with
//! who, when, from, to and the note. Append-only: a decision is never overwritten untraced.

use sqlx::{AnyExecutor, FromRow};

pub struct Change<'a> {
    pub session_id: &'a str,
    /// Set when the change is a flag's.
    pub flag_id: Option<&'a str>,
    pub actor_id: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub note: &'a str,
}

pub async fn record<'e>(db: impl AnyExecutor<'e>, c: Change<'_>, now: i64) -> sqlx::Result<()> {
    let note = Some(c.note).filter(|n| !n.trim().is_empty());
    sqlx::query(
        "INSERT INTO review_history (id, session_id, flag_id, actor_id, at, from_state, to_state, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(crate::server::new_id())
    .bind(c.session_id)
    .bind(c.flag_id)
    .bind(c.actor_id)
    .bind(now)
    .bind(c.from)
    .bind(c.to)
    .bind(note)
    .execute(db)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct HistoryRow {
    pub flag_id: Option<String>,
    pub actor_name: Option<String>,
    pub at: i64,
    pub from_state: String,
    pub to_state: String,
    pub note: Option<String>,
}

pub async fn for_session<'e>(db: impl AnyExecutor<'e>, session_id: &str) -> sqlx::Result<Vec<HistoryRow>> {
    sqlx::query_as(
        "SELECT h.flag_id, u.display_name AS actor_name, h.at, h.from_state, h.to_state, h.note \
         FROM review_history h LEFT JOIN users u ON u.id = h.actor_id WHERE h.session_id = $1 ORDER BY h.at, h.id",
    )
    .bind(session_id)
    .fetch_all(db)
    .await
}
