//! On a SQLite file, telemetry lives in a database file of its own beside the main one
//! (`vigil.db` → `vigil-telemetry.db`): `proctor_events` and `telemetry_buckets`.
//!
//! SQLite lets one connection write to a file at a time. At 5,000 candidates the telemetry
//! writer held the main file's write lock most of every second, and answer saves, hand-ins and
//! sign-ins queued behind its flushes and the log's checkpoints (and it behind them). Each file
//! has its own lock, log and `fsync`, so the two kinds of writer no longer wait for each other.
//!
//! Reads see one schema: every connection of the main pool attaches the telemetry file as
//! `telemetry`, and SQLite finds a table named without a schema in the main file first, then in
//! the attached one, so `proctor_events` in a join reads the telemetry file. Writes do not
//! cross: `BEGIN IMMEDIATE` takes the write lock of every attached file, so the main file's
//! writing connection attaches nothing, and telemetry is written through the telemetry file's
//! own pool ([`own_file`]), whose writing connection sees only that file. What used to be one
//! transaction across both (a flush's events and its flags, retention's deletion and its mark)
//! is two, in an order a crash between them cannot turn into a loss (each caller says which).
//!
//! A database in memory, and PostgreSQL, keep telemetry with everything else.

use super::DbError;
use sqlx::any::AnyPoolOptions;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::AnyPool;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};

static TELEMETRY_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite-telemetry");

/// The schema name the main pool's connections give the telemetry file.
const SCHEMA: &str = "telemetry";

/// Where a SQLite database's telemetry lives.
#[derive(Debug, Clone)]
pub(super) struct TelemetryFile {
    /// The telemetry file's URL (the main URL's options, another file).
    pub url: String,
    /// Its path, as `ATTACH` takes it.
    pub path: String,
}

/// The telemetry file beside the SQLite file `url` names; `None` for a database in memory.
pub(super) fn beside(url: &str) -> Option<TelemetryFile> {
    if url.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    // The main URL's options, but the telemetry file is made when missing whatever `mode` the
    // main file is opened with: a database from before the split, named without `mode=rwc`,
    // has none yet.
    let mut options: Vec<&str> = query
        .split('&')
        .filter(|o| !o.is_empty() && !o.starts_with("mode="))
        .collect();
    options.push("mode=rwc");
    let url = format!("{}?{}", sibling(base), options.join("&"));
    let options = SqliteConnectOptions::from_str(&url).ok()?;
    let path = options.get_filename().to_str()?.to_string();
    Some(TelemetryFile { url, path })
}

/// The telemetry file's name beside a main file's (`vigil.db` → `vigil-telemetry.db`, any other
/// name gets `-telemetry`); backups follow it too (`scripts/backup.sh` names them alike).
pub fn sibling(main: &str) -> String {
    match main.strip_suffix(".db") {
        Some(stem) => format!("{stem}-telemetry.db"),
        None => format!("{main}-telemetry"),
    }
}

fn registry() -> std::sync::MutexGuard<'static, HashMap<String, AnyPool>> {
    static FILES: OnceLock<Mutex<HashMap<String, AnyPool>>> = OnceLock::new();
    FILES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The pool that writes telemetry for the database `pool` reaches, when telemetry has a file
/// of its own (a SQLite file); `None` when it is written through `pool` itself.
pub fn own_file(pool: &AnyPool) -> Option<AnyPool> {
    registry()
        .get(pool.connect_options().database_url.as_str())
        .cloned()
}

/// The pool telemetry is written through: its own file's, or `pool` itself.
pub fn writer_pool(pool: &AnyPool) -> AnyPool {
    own_file(pool).unwrap_or_else(|| pool.clone())
}

/// The telemetry writer's page cache by default, in MiB (`VIGIL_SQLITE_TELEMETRY_CACHE_MB`).
///
/// A flush changes one page of the `(session_id, seq)` index for each session in it: at 5,000
/// candidates about 5,000 pages, every flush, the same ones again and again as each session's
/// rows grow at the end of its stretch of the index. SQLite's default cache is 2 MiB (about 500
/// pages), so each flush read those pages afresh and, its cache full of changed pages, wrote
/// some to the log before its commit and changed them again. The writer is the file's only
/// writing connection, so SQLite keeps its cache from one transaction to the next: with room
/// for the pages a flush changes (4 KiB each, and the index's upper levels), they stay in it.
/// The acknowledgement's 99th percentile stayed under about 150 ms through a 5,000-candidate
/// exam where it had climbed past a second (README, *Telemetry's page cache*). Set it to about
/// 12 KiB per candidate connected to the node.
pub const WRITER_CACHE_MB: u64 = 64;

/// Opens the telemetry file's pool and brings its schema up to date (before the main pool,
/// whose connections attach the file). Nothing maps the telemetry file into memory: its writer
/// keeps the pages it changes in its own cache, and the rest is read now and then (a session's
/// last events, a reviewer's timeline). Mapped, every page the writer had touched counted in
/// the process's resident memory, a few hundred MiB by the end of a 5,000-candidate exam.
pub(super) async fn open(file: &TelemetryFile) -> Result<AnyPool, DbError> {
    let pool = AnyPoolOptions::new()
        .max_connections(2)
        .test_before_acquire(false)
        .after_connect(move |conn, _| Box::pin(super::sqlite_pragmas(conn, 0)))
        .connect(&file.url)
        .await
        .map_err(DbError::Connect)?;
    TELEMETRY_MIGRATOR.run(&pool).await.map_err(DbError::Migrate)?;
    Ok(pool)
}

/// Gives the telemetry file its writing connection: no memory map, `cache_mb` MiB of cache.
pub(super) fn open_writer(pool: &AnyPool, cache_mb: u64) {
    super::write_tx::open_writer(pool, 0, Some(cache_mb.saturating_mul(1024)));
}

/// Writes a consistent copy of the telemetry file (as of one moment, a moment after the main
/// file's copy) to `path`, through a connection of the main pool, which attaches it.
pub(super) async fn backup(main: &AnyPool, path: &str) -> sqlx::Result<()> {
    sqlx::query(&format!("VACUUM {SCHEMA} INTO $1"))
        .bind(path)
        .execute(main)
        .await?;
    Ok(())
}

/// Attaches the telemetry file to one of the main pool's connections (for reading). It is
/// read through the connection's own page cache, not a memory map: these connections read a
/// session's last events here and there, and each connection's map of a file that grows by
/// hundreds of megabytes an exam counted in the process's resident memory once per connection
/// (1.4 GB resident at 5,000 candidates, against 0.66 GB with telemetry in the main file).
/// The telemetry file's writer keeps its map.
pub(super) async fn attach(conn: &mut sqlx::AnyConnection, path: &str) -> sqlx::Result<()> {
    sqlx::query(&format!("ATTACH DATABASE $1 AS {SCHEMA}"))
        .bind(path)
        .execute(&mut *conn)
        .await?;
    sqlx::query(&format!("PRAGMA {SCHEMA}.mmap_size = 0"))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Remembers `telemetry` as where `main`'s telemetry is written.
pub(super) fn register(main: &AnyPool, telemetry: AnyPool) {
    registry().insert(
        main.connect_options().database_url.as_str().to_string(),
        telemetry,
    );
}

/// Moves telemetry a main file still holds (a database made before the split, or the main
/// schema's migrations just run on a new one) into the telemetry file. Copied first and
/// committed, then dropped from the main file: a crash between the two leaves both copies, and
/// the next start copies again (ids already there are skipped) and drops.
pub(super) async fn move_from_main(main: &AnyPool) -> sqlx::Result<()> {
    let left: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' \
         AND name IN ('proctor_events', 'telemetry_buckets') ORDER BY name",
    )
    .fetch_all(main)
    .await?;
    if left.is_empty() {
        return Ok(());
    }
    let mut tx = main.begin_with("BEGIN IMMEDIATE").await?;
    for table in &left {
        let copy = match table.as_str() {
            "proctor_events" => {
                "INSERT OR IGNORE INTO telemetry.proctor_events \
                 (id, session_id, seq, kind, client_ms, server_ms, payload_json) \
                 SELECT id, session_id, seq, kind, client_ms, server_ms, payload_json \
                 FROM main.proctor_events"
            }
            _ => {
                "INSERT OR IGNORE INTO telemetry.telemetry_buckets (session_id, tokens, refilled_at) \
                 SELECT session_id, tokens, refilled_at FROM main.telemetry_buckets"
            }
        };
        let copied = sqlx::query(copy).execute(&mut *tx).await?.rows_affected();
        tracing::info!(
            table = table.as_str(),
            rows = copied,
            "telemetry moved to its own file"
        );
    }
    // The copies are on disk before the originals go.
    tx.commit().await?;
    let mut tx = main.begin_with("BEGIN IMMEDIATE").await?;
    for table in &left {
        // Names from the fixed list above, never from input.
        sqlx::query(&format!("DROP TABLE main.{table}"))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::beside;

    #[test]
    fn the_telemetry_file_sits_beside_the_main_one_with_its_options() {
        let file = beside("sqlite://data/vigil.db?mode=rwc").expect("a file");
        assert_eq!(file.url, "sqlite://data/vigil-telemetry.db?mode=rwc");
        assert_eq!(file.path, "data/vigil-telemetry.db");
        let file = beside("sqlite:///tmp/x/exam").expect("a file");
        assert_eq!(file.path, "/tmp/x/exam-telemetry");
        // Made when missing, whatever the main file's mode.
        assert_eq!(file.url, "sqlite:///tmp/x/exam-telemetry?mode=rwc");
        let file = beside("sqlite://v.db?mode=rw&cache=private").expect("a file");
        assert_eq!(file.url, "sqlite://v-telemetry.db?cache=private&mode=rwc");
        assert!(beside("sqlite::memory:").is_none());
        assert!(beside("sqlite://shared?mode=memory&cache=shared").is_none());
    }
}
