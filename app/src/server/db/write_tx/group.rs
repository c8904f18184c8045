//! Commit groups: on a SQLite file, writers whose turns follow each other share one commit.

use super::turn::{FileWriter, Turn};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Executor};
use std::sync::atomic::Ordering;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How long a commit group may stay open for writers queued behind it, by default
/// (milliseconds).
pub const SQLITE_COMMIT_WINDOW_MS: u64 = 40;

static COMMIT_WINDOW: OnceLock<Duration> = OnceLock::new();

/// Sets how long a commit group may stay open while writers queue for it (the server's
/// `VIGIL_SQLITE_COMMIT_WINDOW_MS`; zero: every write transaction commits on its own). Set
/// once, before the first write; later calls change nothing.
pub fn set_commit_window(window: Duration) {
    let _ = COMMIT_WINDOW.set(window);
}

fn commit_window() -> Duration {
    *COMMIT_WINDOW.get_or_init(|| Duration::from_millis(SQLITE_COMMIT_WINDOW_MS))
}

/// The statements that open, keep and undo one member's changes inside a group.
pub(super) const SAVEPOINT: &str = "SAVEPOINT member";
pub(super) const RELEASE: &str = "RELEASE member";
pub(super) const UNDO: &str = "ROLLBACK TO member; RELEASE member";

/// What a group's members are told once it ends: committed, or why not.
pub(super) type Outcome = Option<Result<(), String>>;

/// A commit group: on a SQLite file the writing connection keeps one transaction open across
/// several writers' turns, each writer's changes inside a savepoint of their own, and commits
/// them together. Every commit ends in an `fsync` of the log (10–13 ms on the disk measured),
/// and at an exam's busiest moment the telemetry writer, answer saves, hand-ins and sign-ins
/// took the lock forty times a second, most of each turn spent in its commit. A writer that
/// finishes while others queue for the lock releases its savepoint and hands the turn on,
/// leaving the transaction open; whoever finishes with nobody queued, or once the group has
/// been open for the commit window, commits it. No member is answered before the commit that
/// holds its changes has reached the disk, so nothing is acknowledged that a crash could undo.
/// A member that fails or is abandoned is rolled back to its savepoint, and the others keep
/// their changes; if the transaction itself fails, every member gets the error.
#[derive(Default)]
pub(super) struct Group {
    /// The writing connection, between members of an open group.
    conn: Option<PoolConnection<Any>>,
    /// When the open group began, and how its members learn how it ended.
    open: Option<OpenGroup>,
    /// A member ended without releasing its savepoint: roll it back before anything else.
    abandoned: bool,
}

struct OpenGroup {
    since: Instant,
    members: usize,
    outcome: watch::Sender<Outcome>,
}

/// One writer's part of a commit group.
pub(super) struct Member {
    /// Held from `begin_write` until the member ends; given back to the group then (`Option`
    /// only so that `Drop` can hand it back).
    conn: Option<PoolConnection<Any>>,
    turn: Option<Turn>,
    file: FileWriter,
}

impl Drop for Member {
    fn drop(&mut self) {
        // Ended without commit or rollback (an error returned early, a cancelled request): the
        // next holder of the turn rolls this member's savepoint back before it writes.
        if let Some(mut turn) = self.turn.take() {
            turn.guard.conn = self.conn.take();
            turn.guard.abandoned = true;
            settle_later(turn, self.file.clone());
        }
    }
}

/// Settles an abandoned member's savepoint (and commits the group if nobody else is coming)
/// on a task of its own, so that the group does not stay open waiting for the next writer.
fn settle_later(turn: Turn, file: FileWriter) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return; // The next writer, or a waiting member's fallback, settles it.
    };
    runtime.spawn(async move {
        let mut turn = turn;
        if settle(&mut turn.guard).await.is_ok() {
            finish(turn, &file).await;
        }
    });
}

/// Runs `work` to its end even if the caller stops waiting (a request its client gave up on):
/// a group's statements stopped halfway would leave the writing connection inside a
/// transaction that nothing tracks.
pub(super) async fn to_the_end<T: Send + 'static>(
    work: impl std::future::Future<Output = sqlx::Result<T>> + Send + 'static,
) -> sqlx::Result<T> {
    tokio::spawn(work).await.map_err(|_| lost())?
}

impl Member {
    /// The connection the member writes on (until it ends).
    pub(super) fn conn(&self) -> Option<&sqlx::AnyConnection> {
        self.conn.as_deref()
    }

    pub(super) fn conn_mut(&mut self) -> Option<&mut sqlx::AnyConnection> {
        self.conn.as_deref_mut()
    }

    /// Ends the member's savepoint with `sql`, then commits the group or hands the turn on;
    /// when `wait`, returns once the group's commit is known.
    pub(super) async fn end(self, sql: &'static str, wait: bool) -> sqlx::Result<()> {
        let file = self.file.clone();
        let outcome = to_the_end(self.end_turn(sql)).await?;
        if !wait {
            return Ok(());
        }
        await_outcome(outcome, &file).await
    }

    async fn end_turn(mut self, sql: &'static str) -> sqlx::Result<watch::Receiver<Outcome>> {
        let (Some(mut conn), Some(mut turn)) = (self.conn.take(), self.turn.take()) else {
            return Err(lost());
        };
        let ended = conn.execute(sql).await;
        turn.guard.conn = Some(conn);
        if let Err(e) = ended {
            // The savepoint is gone: SQLite rolled the whole transaction back (a full disk, an
            // I/O error), and every member's changes with it.
            fail(&mut turn.guard, &e).await;
            return Err(e);
        }
        let outcome = match &turn.guard.open {
            Some(open) => open.outcome.subscribe(),
            None => return Err(lost()),
        };
        finish(turn, &self.file).await;
        Ok(outcome)
    }
}

/// After a member: commits the group if nobody queues for the turn or the group has been open
/// for the window, else hands the turn on with the group open.
async fn finish(mut turn: Turn, file: &FileWriter) {
    let keep_open = turn.guard.open.as_ref().is_some_and(|open| {
        file.waiting.load(Ordering::Acquire) > 0 && open.since.elapsed() < commit_window()
    });
    if !keep_open {
        commit_group(&mut turn.guard).await;
    }
}

/// Waits for a group's commit. If none comes in time (the writer the turn was handed to gave
/// up before taking it), takes the turn and commits the group itself.
async fn await_outcome(mut outcome: watch::Receiver<Outcome>, file: &FileWriter) -> sqlx::Result<()> {
    let patience = commit_window().saturating_mul(2) + Duration::from_millis(20);
    loop {
        let told: Option<Outcome> =
            match tokio::time::timeout(patience, outcome.wait_for(Option::is_some)).await {
                Ok(Ok(told)) => Some(told.clone()),
                Ok(Err(_)) => return Err(lost()),
                Err(_) => None,
            };
        if let Some(told) = told {
            return told.unwrap_or(Err(String::new())).map_err(group_failed);
        }
        let (file, pending) = (file.clone(), outcome.clone());
        to_the_end(async move {
            let mut group = file.take_turn().await?;
            if pending.borrow().is_none() && settle(&mut group).await.is_ok() {
                commit_group(&mut group).await;
            }
            Ok(())
        })
        .await?;
    }
}

/// Rolls an abandoned member's savepoint back; if that fails, the group has failed.
pub(super) async fn settle(group: &mut Group) -> sqlx::Result<()> {
    if !group.abandoned {
        return Ok(());
    }
    group.abandoned = false;
    let Some(conn) = group.conn.as_mut() else {
        return Ok(());
    };
    if let Err(e) = conn.execute(UNDO).await {
        fail(group, &e).await;
        return Err(e);
    }
    Ok(())
}

/// Commits the open group, tells its members, and gives the connection back to its pool.
pub(super) async fn commit_group(group: &mut Group) {
    let Some(open) = group.open.take() else {
        return;
    };
    let Some(mut conn) = group.conn.take() else {
        let _ = open
            .outcome
            .send(Some(Err("the writing connection was lost".into())));
        return;
    };
    let started = Instant::now();
    let committed = conn.execute("COMMIT").await;
    tracing::debug!(
        members = open.members,
        open_us = open.since.elapsed().as_micros() as u64,
        commit_us = started.elapsed().as_micros() as u64,
        ok = committed.is_ok(),
        "commit group"
    );
    let told = match committed {
        Ok(_) => Ok(()),
        Err(e) => {
            // A failed COMMIT may leave the transaction open: the connection is closed, which
            // ends it, rather than handed back to the pool.
            discard(conn).await;
            Err(e.to_string())
        }
    };
    let _ = open.outcome.send(Some(told));
}

/// The open group's transaction has failed: ends what is left of it (closing the connection)
/// and tells every member.
async fn fail(group: &mut Group, error: &sqlx::Error) {
    if let Some(conn) = group.conn.take() {
        discard(conn).await;
    }
    group.abandoned = false;
    if let Some(open) = group.open.take() {
        let _ = open.outcome.send(Some(Err(error.to_string())));
    }
}

/// Closes a writing connection whose transaction state is unknown instead of handing it back.
async fn discard(conn: PoolConnection<Any>) {
    let _ = sqlx::Connection::close(conn.detach()).await;
}

fn group_failed(reason: String) -> sqlx::Error {
    sqlx::Error::Protocol(format!("the shared commit failed: {reason}"))
}

fn lost() -> sqlx::Error {
    sqlx::Error::Protocol("the write transaction ended without an outcome".into())
}

/// Joins the open commit group, or opens one, and starts the member's savepoint.
pub(super) async fn join_group(mut turn: Turn, writer: AnyPool, file: FileWriter) -> sqlx::Result<Member> {
    settle(&mut turn.guard).await?;
    if turn.guard.open.is_none() {
        let mut conn = writer.acquire().await?;
        conn.execute("BEGIN IMMEDIATE").await?;
        let (outcome, _) = watch::channel(None);
        turn.guard.conn = Some(conn);
        turn.guard.open = Some(OpenGroup {
            since: Instant::now(),
            members: 0,
            outcome,
        });
    }
    let Some(mut conn) = turn.guard.conn.take() else {
        return Err(lost());
    };
    if let Some(open) = turn.guard.open.as_mut() {
        open.members += 1;
    }
    if let Err(e) = conn.execute(SAVEPOINT).await {
        turn.guard.conn = Some(conn);
        fail(&mut turn.guard, &e).await;
        return Err(e);
    }
    Ok(Member {
        conn: Some(conn),
        turn: Some(turn),
        file,
    })
}
