//! `proctor_events`: append-only, unique on (session, sequence).

use shared::rules::StoredEvent;
use shared::telemetry::{Envelope, EventKind};

use super::Backend;
use sqlx::{AnyExecutor, FromRow};

/// Most rows one INSERT carries: 7 parameters each stays far below SQLite's and
/// PostgreSQL's limits on bound parameters.
pub const INSERT_CHUNK: usize = 1_000;
/// Row counts of the INSERT statements used (the last equals [`INSERT_CHUNK`]).
const STATEMENT_SIZES: [usize; 5] = [8, 32, 128, 512, INSERT_CHUNK];

/// An event ready to store, with the id the server gave it.
pub struct NewEvent<'a> {
    pub id: String,
    pub envelope: &'a Envelope,
    pub payload_json: String,
}

/// Inserts events in one statement, skipping (session, seq) pairs already stored.
/// Returns how many rows were new. (No RETURNING: streaming thousands of rows back costs
/// more than the insert; [`present`] finds the new ones in the rare case of a partial re-send.)
pub async fn insert_many<'e>(
    db: impl AnyExecutor<'e>,
    backend: Backend,
    rows: &[NewEvent<'_>],
    server_ms: i64,
) -> sqlx::Result<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    // Pad to one of a few sizes, so the database prepares a handful of statements once instead
    // of a new one for every batch size; the repeated rows are skipped as conflicts.
    let padded = STATEMENT_SIZES
        .iter()
        .copied()
        .find(|n| *n >= rows.len())
        .unwrap_or(rows.len());
    let mut sql = String::with_capacity(120 + padded * 40);
    sql.push_str(
        "INSERT INTO proctor_events (id, session_id, seq, kind, client_ms, server_ms, payload_json) VALUES ",
    );
    for i in 0..padded {
        if i > 0 {
            sql.push(',');
        }
        match backend {
            // SQLite treats `$n` as a named parameter and looks names up linearly: with
            // thousands in one statement that costs more than the insert. `?` is positional.
            Backend::Sqlite => sql.push_str("(?,?,?,?,?,?,?)"),
            Backend::Postgres => {
                let b = i * 7;
                let p: Vec<String> = (b + 1..=b + 7).map(|n| format!("${n}")).collect();
                sql.push('(');
                sql.push_str(&p.join(","));
                sql.push(')');
            }
        }
    }
    sql.push_str(" ON CONFLICT DO NOTHING");
    let mut q = sqlx::query(&sql);
    let last = &rows[rows.len() - 1];
    for r in rows.iter().chain(std::iter::repeat_n(last, padded - rows.len())) {
        q = q
            .bind(&r.id)
            .bind(&r.envelope.session_id)
            .bind(r.envelope.seq)
            .bind(r.envelope.kind.name())
            .bind(r.envelope.client_ms)
            .bind(server_ms)
            .bind(&r.payload_json);
    }
    Ok(q.execute(db).await?.rows_affected())
}

/// Which of these event ids are stored.
pub async fn present<'e>(db: impl AnyExecutor<'e>, ids: &[&str]) -> sqlx::Result<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT id FROM proctor_events WHERE id IN ({})",
        placeholders.join(",")
    );
    let mut q = sqlx::query_scalar(&sql);
    for id in ids {
        q = q.bind(*id);
    }
    q.fetch_all(db).await
}

/// Highest sequence number stored for the session (0 when none).
pub async fn max_seq<'e>(db: impl AnyExecutor<'e>, session_id: &str) -> sqlx::Result<i64> {
    let max: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM proctor_events WHERE session_id = $1")
        .bind(session_id)
        .fetch_one(db)
        .await?;
    Ok(max.unwrap_or(0))
}

/// The session's events with sequence numbers in `from..=to`, in order.
pub async fn range<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<EventRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM proctor_events WHERE session_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq"
    ))
    .bind(session_id)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct EventRow {
    pub id: String,
    pub seq: i64,
    pub kind: String,
    pub client_ms: i64,
    pub server_ms: i64,
    pub payload_json: String,
}

impl EventRow {
    pub fn kind(&self) -> Option<EventKind> {
        serde_json::from_str(&self.payload_json).ok()
    }

    pub fn to_stored(&self) -> Option<StoredEvent> {
        Some(StoredEvent {
            id: self.id.clone(),
            seq: self.seq,
            client_ms: self.client_ms,
            kind: self.kind()?,
        })
    }
}

const COLUMNS: &str = "id, seq, kind, client_ms, server_ms, payload_json";

/// The session's events among `ids` (a flag's evidence), in order.
pub async fn by_ids<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    ids: &[String],
) -> sqlx::Result<Vec<EventRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (2..ids.len() + 2).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM proctor_events WHERE session_id = $1 AND id IN ({}) ORDER BY seq",
        placeholders.join(",")
    );
    let mut q = sqlx::query_as(&sql).bind(session_id);
    for id in ids {
        q = q.bind(id);
    }
    q.fetch_all(db).await
}

/// One page of the session's events after sequence number `after`.
pub async fn page<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    after: i64,
    limit: i64,
) -> sqlx::Result<Vec<EventRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM proctor_events WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
    ))
    .bind(session_id)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The session's events of the given kinds (what the timeline strip draws), at most `limit`.
pub async fn of_kinds<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    kinds: &[&str],
    limit: i64,
) -> sqlx::Result<Vec<EventRow>> {
    let placeholders: Vec<String> = (2..kinds.len() + 2).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM proctor_events WHERE session_id = $1 AND kind IN ({}) ORDER BY seq LIMIT ${}",
        placeholders.join(","),
        kinds.len() + 2
    );
    let mut q = sqlx::query_as(&sql).bind(session_id);
    for k in kinds {
        q = q.bind(*k);
    }
    q.bind(limit).fetch_all(db).await
}
