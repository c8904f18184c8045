//! What one node tells every node sharing the database: reviewers' live notices, that a
//! person's sign-in sessions ended, that an attempt ended. Open streams listen here, whichever
//! node the change happened on: reviewers' streams to a broadcast of the notices, and each
//! candidate's telemetry socket to a bell of its own ([`doorbells`]), rung only for its own
//! attempt and its own sign-in.
//!
//! On SQLite there is one node, and the bus is an in-process broadcast. On PostgreSQL each
//! announcement goes out with `NOTIFY` and comes back to every node (this one included)
//! through one `LISTEN` connection per node, so there is one path whichever node a stream is
//! on. Notifications are not stored: when the listening connection is lost (a database
//! restart, a network cut) the node reconnects and announces [`Announcement::Resync`], and
//! streams re-read what they show from the database rather than trust they heard everything.

use super::db::Backend;
use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::AnyPool;
use std::str::FromStr;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

pub mod doorbells;
pub use doorbells::{Check, Doorbells, Watch};

/// The PostgreSQL channel the nodes talk on.
const CHANNEL: &str = "vigil_bus";
/// How a node's listening connection names itself in `pg_stat_activity`, so an operator sees
/// which nodes listen (and a test can cut one).
pub fn listener_application(node_id: &str) -> String {
    // PostgreSQL keeps the first 63 bytes; node ids are ASCII.
    format!("vigil-bus {node_id}").chars().take(63).collect()
}
/// Announcements waiting to be sent; past this they are dropped (and logged): a live notice is
/// a hint to refetch, never the only copy of anything.
const OUTGOING_DEPTH: usize = 8_192;
/// `NOTIFY` payloads must stay under 8,000 bytes; announcements are batched up to this size.
const MAX_PAYLOAD: usize = 7_000;

/// Told to reviewers, live, when something in the queue changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewNotice {
    pub org_id: String,
    pub session_id: String,
    pub what: NoticeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoticeKind {
    /// New flags were raised.
    Flag,
    /// A session was claimed or released.
    Claim,
    /// A flag or a session was decided.
    Decision,
}

impl NoticeKind {
    /// The Server-Sent Events type.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Flag => "flag",
            NoticeKind::Claim => "claim",
            NoticeKind::Decision => "decision",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Announcement {
    Review(ReviewNotice),
    /// Some of this user's sign-in sessions ended (sign-out, password change, removal).
    SessionsEnded {
        user_id: String,
    },
    /// This exam session's attempt ended (submitted by the candidate or at the deadline).
    AttemptEnded {
        session_id: String,
    },
    /// This node may have missed announcements: re-check everything shown.
    Resync,
}

/// Where this node's streams hear announcements.
#[derive(Debug, Clone)]
struct Local {
    /// Reviewers' streams: review notices and resyncs.
    review: broadcast::Sender<Announcement>,
    /// Candidates' sockets: attempts and sign-ins that ended, and resyncs.
    doorbells: Doorbells,
}

impl Local {
    fn deliver(&self, announcement: Announcement) {
        // Nobody listening is fine.
        match announcement {
            Announcement::Review(_) => {
                let _ = self.review.send(announcement);
            }
            Announcement::SessionsEnded { user_id } => self.doorbells.sign_in_ended(&user_id),
            Announcement::AttemptEnded { session_id } => self.doorbells.attempt_ended(&session_id),
            Announcement::Resync => {
                self.doorbells.ring_all();
                let _ = self.review.send(Announcement::Resync);
            }
        }
    }
}

/// Sends and receives announcements. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Bus {
    local: Local,
    /// `Some` on PostgreSQL: announcements go out through the database.
    outgoing: Option<mpsc::Sender<Announcement>>,
}

impl Bus {
    /// A bus within this process only (one node on SQLite; tests).
    pub fn local() -> Bus {
        Bus {
            local: Local {
                review: broadcast::channel(1_024).0,
                doorbells: Doorbells::default(),
            },
            outgoing: None,
        }
    }

    /// The bus for the nodes sharing `pool`'s database. On PostgreSQL it returns once this
    /// node listens, so nothing announced after its start is missed.
    pub async fn start(pool: &AnyPool, node_id: &str) -> Result<Bus, sqlx::Error> {
        if Backend::of_pool(pool) == Backend::Sqlite {
            return Ok(Bus::local());
        }
        let url = pool.connect_options().database_url.to_string();
        let options = PgConnectOptions::from_str(&url)?.application_name(&listener_application(node_id));
        let listener_pool = PgPoolOptions::new().max_connections(1).connect_lazy_with(options);
        let listener = listen(&listener_pool).await?;
        let bus = Bus::local();
        let (tx, rx) = mpsc::channel(OUTGOING_DEPTH);
        tokio::spawn(receive(listener_pool, listener, bus.local.clone()));
        tokio::spawn(send(pool.clone(), rx, node_id.to_string()));
        Ok(Bus {
            outgoing: Some(tx),
            ..bus
        })
    }

    /// Tells every node; nobody listening is fine.
    pub fn announce(&self, announcement: Announcement) {
        match &self.outgoing {
            None => self.local.deliver(announcement),
            Some(tx) => {
                if tx.try_send(announcement).is_err() {
                    tracing::warn!("announcement dropped: the database is not keeping up");
                }
            }
        }
    }

    pub fn review(&self, org_id: &str, session_id: &str, what: NoticeKind) {
        self.announce(Announcement::Review(ReviewNotice {
            org_id: org_id.to_string(),
            session_id: session_id.to_string(),
            what,
        }));
    }

    /// Review notices (and resyncs), for a reviewer's live stream.
    pub fn subscribe_review(&self) -> broadcast::Receiver<Announcement> {
        self.local.review.subscribe()
    }

    /// A bell for a candidate's telemetry socket, rung when its attempt or its person's
    /// sign-in sessions end.
    pub fn watch(&self, session_id: &str, user_id: &str) -> Watch {
        self.local.doorbells.watch(session_id, user_id)
    }
}

async fn listen(pool: &sqlx::PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Hands what arrives on the channel to this node's streams. After a lost connection it
/// reconnects (at once, or waiting longer after each failure, up to 5 s) and announces a
/// resync.
async fn receive(pool: sqlx::PgPool, mut listener: PgListener, local: Local) {
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => {
                match serde_json::from_str::<Vec<Announcement>>(notification.payload()) {
                    Ok(batch) => {
                        for a in batch {
                            local.deliver(a);
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "unreadable announcement ignored"),
                }
                continue;
            }
            // The connection was lost and the listener has already made a new one.
            Ok(None) => tracing::warn!("lost the database connection that hears other nodes; reconnected"),
            Err(e) => {
                tracing::warn!(error = %e, "lost the database connection that hears other nodes; reconnecting");
                // Its connection goes back to the pool (of one) before a new listener takes one.
                drop(listener);
                let mut wait = Duration::from_millis(100);
                listener = loop {
                    tokio::time::sleep(wait).await;
                    match listen(&pool).await {
                        Ok(l) => break l,
                        Err(e) => {
                            tracing::warn!(error = %e, "cannot listen yet");
                            wait = (wait * 2).min(Duration::from_secs(5));
                        }
                    }
                };
                tracing::info!("listening to other nodes again");
            }
        }
        local.deliver(Announcement::Resync);
    }
}

/// Sends announcements with `pg_notify`, as many per notification as fit.
async fn send(pool: AnyPool, mut rx: mpsc::Receiver<Announcement>, node_id: String) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < 256 {
            match rx.try_recv() {
                Ok(a) => batch.push(a),
                Err(_) => break,
            }
        }
        batch.dedup();
        for payload in payloads(&batch) {
            let sent = sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(&payload)
                .execute(&pool)
                .await;
            if let Err(e) = sent {
                tracing::warn!(error = %e, node = %node_id, "could not announce to other nodes");
            }
        }
    }
}

/// JSON arrays of announcements, each under the payload limit.
fn payloads(batch: &[Announcement]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut size = 2;
    for a in batch {
        let Ok(json) = serde_json::to_string(a) else {
            continue;
        };
        if !current.is_empty() && size + json.len() + 1 > MAX_PAYLOAD {
            out.push(format!("[{}]", current.join(",")));
            current.clear();
            size = 2;
        }
        size += json.len() + 1;
        current.push(json);
    }
    if !current.is_empty() {
        out.push(format!("[{}]", current.join(",")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_stay_under_the_limit_and_keep_every_announcement() {
        let batch: Vec<Announcement> = (0..500)
            .map(|n| Announcement::AttemptEnded {
                session_id: format!("0193c0de-0000-7000-8000-{n:012}"),
            })
            .collect();
        let out = payloads(&batch);
        assert!(out.len() > 1);
        assert!(out.iter().all(|p| p.len() < MAX_PAYLOAD));
        let back: Vec<Announcement> = out
            .iter()
            .flat_map(|p| serde_json::from_str::<Vec<Announcement>>(p).unwrap())
            .collect();
        assert_eq!(back, batch);
    }
}
