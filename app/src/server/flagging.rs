//! Raising flags and keeping a session's risk score in step with them. Every path that raises
//! a flag (the rules, the silence watch, submission, the event cap, a reviewer) and every
//! decision on one goes through here, inside the caller's transaction.

use super::db::{self, flags::FlagInsert};
use shared::rules::NewFlag;
use shared::{FlagStatus, Severity};
use sqlx::AnyConnection;

/// Stores the flags and recomputes the session's risk score. Returns the ids of the flags
/// stored: a flag whose once-key is already there is not stored again.
pub async fn raise(
    conn: &mut AnyConnection,
    session_id: &str,
    flags: Vec<FlagInsert<'_>>,
    now: i64,
) -> sqlx::Result<Vec<String>> {
    let mut ids = Vec::with_capacity(flags.len());
    for f in flags {
        ids.extend(db::flags::insert(&mut *conn, session_id, f, now).await?);
    }
    if !ids.is_empty() {
        refresh_risk(conn, session_id).await?;
    }
    Ok(ids)
}

/// A flag the server raises at most once for `once_key`, with a note saying why (there are no
/// events to name). Returns whether it was raised now.
pub async fn raise_once(
    conn: &mut AnyConnection,
    session_id: &str,
    flag: &NewFlag,
    note: &str,
    once_key: String,
    now: i64,
) -> sqlx::Result<bool> {
    let insert = FlagInsert {
        flag,
        note: Some(note),
        raised_by: None,
        at_ms: None,
        once_key: Some(once_key),
    };
    Ok(!raise(conn, session_id, vec![insert], now).await?.is_empty())
}

/// The risk score from the flags that count (dismissed ones do not), and the flag count.
pub async fn refresh_risk(conn: &mut AnyConnection, session_id: &str) -> sqlx::Result<i64> {
    let rows = db::flags::risk_inputs(&mut *conn, session_id).await?;
    let counting = rows.iter().filter_map(|(severity, status)| {
        let status: FlagStatus = status.parse().ok()?;
        let severity: Severity = severity.parse().ok()?;
        status.counts_for_risk().then_some(severity)
    });
    let risk = shared::domain::risk_score(counting);
    db::exam_sessions::update_risk(&mut *conn, session_id, risk, rows.len() as i64).await?;
    Ok(risk)
}
