//! SQL, one module per table (or close family of tables). Bound parameters only; `$n`
//! placeholders run unchanged on SQLite and PostgreSQL through sqlx's `Any` driver.

pub mod answers;
pub mod attempt_questions;
pub mod audit;
pub mod authoring_history;
pub mod bank_files;
pub mod banks;
pub mod departments;
pub mod emailed_links;
pub mod enrollments;
pub mod event_partitions;
pub mod events;
pub mod exam_sections;
pub mod exam_sessions;
pub mod exams;
pub mod flags;
pub mod imports;
pub mod invitations;
pub mod job_leases;
pub mod members;
pub mod orgs;
pub mod outbox;
pub mod passkeys;
pub mod personal_data;
pub mod platform_settings;
pub mod question_versions;
pub mod reports;
pub mod retention;
pub mod review_history;
pub mod second_factor;
pub mod sessions;
pub mod staff_invitations;
pub mod telemetry_buckets;
pub mod telemetry_file;
pub mod throttle;
pub mod users;
mod write_tx;

pub use write_tx::{
    begin_write, checkpoint_between_writes, passive_checkpoint, set_commit_window, WriteTx,
    SQLITE_COMMIT_WINDOW_MS,
};

/// A LIKE pattern (for `ESCAPE` backslash) matching `text` anywhere: `%`, `_` and a backslash
/// in a search typed by a person match themselves.
pub fn like_contains(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a pool talks to.
    pub fn of_pool(pool: &AnyPool) -> Backend {
        match pool.connect_options().database_url.scheme() {
            "sqlite" => Backend::Sqlite,
            _ => Backend::Postgres,
        }
    }

    pub fn of(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL must start with sqlite: or postgres:, got {0:?}")]
    UnknownScheme(String),
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error("cannot move telemetry into its own database file: {0}")]
    MoveTelemetry(#[source] sqlx::Error),
}

/// How much of a SQLite file is read through a memory map by default, in MiB (1 GiB of
/// address space: pages the database does not have are not mapped). Operators set it with
/// `VIGIL_SQLITE_MMAP_MB`; 0 reads through each connection's own page cache instead.
pub const SQLITE_MMAP_MB: u64 = 1024;

/// The log size (pages) at which a committing writer checkpoints by itself: a backstop, as
/// `wal_checkpoint` does it in the background.
const SQLITE_AUTOCHECKPOINT: &str = "PRAGMA wal_autocheckpoint = 16000";

/// How a node uses its memory for a SQLite database (PostgreSQL ignores it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteMemory {
    /// MiB of the main file each connection reads through a memory map (`VIGIL_SQLITE_MMAP_MB`).
    pub mmap_mb: u64,
    /// MiB of page cache the telemetry file's writer keeps (`VIGIL_SQLITE_TELEMETRY_CACHE_MB`).
    pub telemetry_cache_mb: u64,
}

impl Default for SqliteMemory {
    fn default() -> Self {
        SqliteMemory {
            mmap_mb: SQLITE_MMAP_MB,
            telemetry_cache_mb: telemetry_file::WRITER_CACHE_MB,
        }
    }
}

/// Opens a pool and brings the schema up to date.
pub async fn connect_and_migrate(url: &str, max_connections: u32) -> Result<AnyPool, DbError> {
    connect_with(url, max_connections, SqliteMemory::default()).await
}

/// Opens a pool whose SQLite connections use `memory` as it says, and brings the schema up to
/// date.
pub async fn connect_with(url: &str, max_connections: u32, memory: SqliteMemory) -> Result<AnyPool, DbError> {
    let mmap_bytes = memory.mmap_mb.saturating_mul(1024 * 1024);
    sqlx::any::install_default_drivers();
    let backend = Backend::of(url).ok_or_else(|| DbError::UnknownScheme(super::redact_url(url)))?;
    let mut options = AnyPoolOptions::new().max_connections(max_connections);
    let telemetry = match backend {
        Backend::Sqlite => telemetry_file::beside(url),
        Backend::Postgres => None,
    };
    let telemetry_pool = match &telemetry {
        Some(file) => Some(telemetry_file::open(file).await?),
        None => None,
    };
    if backend == Backend::Sqlite {
        // A SQLite connection is a file in this process: nothing between two uses can break it,
        // and the pool's check before each use is one more round trip to its thread.
        options = options.test_before_acquire(false);
        let attach = telemetry.as_ref().map(|file| file.path.clone());
        options = options.after_connect(move |conn, _| {
            let attach = attach.clone();
            Box::pin(async move {
                sqlite_pragmas(conn, mmap_bytes).await?;
                match attach {
                    Some(path) => telemetry_file::attach(conn, &path).await,
                    None => Ok(()),
                }
            })
        });
    }
    let pool = options.connect(url).await.map_err(DbError::Connect)?;
    let migrator = match backend {
        Backend::Sqlite => &SQLITE_MIGRATOR,
        Backend::Postgres => &POSTGRES_MIGRATOR,
    };
    migrator.run(&pool).await.map_err(DbError::Migrate)?;
    if let Some(telemetry_pool) = telemetry_pool {
        telemetry_file::move_from_main(&pool)
            .await
            .map_err(DbError::MoveTelemetry)?;
        telemetry_file::open_writer(&telemetry_pool, memory.telemetry_cache_mb);
        telemetry_file::register(&pool, telemetry_pool);
    }
    if backend == Backend::Sqlite {
        write_tx::open_writer(&pool, mmap_bytes, None);
    }
    Ok(pool)
}

/// Every SQLite connection's settings.
async fn sqlite_pragmas(conn: &mut sqlx::AnyConnection, mmap_bytes: u64) -> sqlx::Result<()> {
    // WAL lets readers proceed while the single writer commits.
    for pragma in [
        "PRAGMA journal_mode = WAL",
        "PRAGMA foreign_keys = ON",
        "PRAGMA busy_timeout = 5000",
        SQLITE_AUTOCHECKPOINT,
    ] {
        sqlx::query(pragma).execute(&mut *conn).await?;
    }
    // Reads through a memory map of the file (shared by every connection, held by the OS's
    // page cache) rather than a read() per page into each connection's 2 MB cache: a report
    // touches hundreds of thousands of pages, and as system calls they were most of its time.
    // A number, not user text: PRAGMA takes no bound parameters.
    sqlx::query(&format!("PRAGMA mmap_size = {mmap_bytes}"))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Writes a consistent copy of a SQLite database to `path` while nodes keep using it
/// (`VACUUM INTO`: one read transaction, so the copy is of one moment), and its telemetry
/// file's beside it (`telemetry_file::sibling`: `backup.db` → `backup-telemetry.db`), copied
/// the moment after. PostgreSQL has `pg_dump` for this; `scripts/backup.sh` uses whichever
/// fits.
pub async fn backup_sqlite(pool: &AnyPool, path: &str) -> Result<(), BackupError> {
    if Backend::of_pool(pool) != Backend::Sqlite {
        return Err(BackupError::NotSqlite);
    }
    let telemetry = telemetry_file::own_file(pool).map(|_| telemetry_file::sibling(path));
    for file in std::iter::once(path).chain(telemetry.as_deref()) {
        if std::path::Path::new(file).exists() {
            return Err(BackupError::Exists(file.to_string()));
        }
    }
    sqlx::query("VACUUM INTO $1")
        .bind(path)
        .execute(pool)
        .await
        .map_err(BackupError::Write)?;
    if let Some(telemetry) = &telemetry {
        telemetry_file::backup(pool, telemetry)
            .await
            .map_err(BackupError::Write)?;
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("this backs up a SQLite database; for PostgreSQL use pg_dump (scripts/backup.sh does)")]
    NotSqlite,
    #[error("{0} exists already; choose a new file, so no backup is overwritten")]
    Exists(String),
    #[error("cannot write the backup: {0}")]
    Write(sqlx::Error),
}

/// Closes the pool, and the telemetry file's where it has one, once their connections are
/// back (what they were writing is committed or rolled back).
pub async fn close(pool: &AnyPool) {
    pool.close().await;
    if let Some(telemetry) = telemetry_file::own_file(pool) {
        telemetry.close().await;
    }
}

/// Whether the database answers a trivial query.
pub async fn ping(pool: &AnyPool) -> bool {
    sqlx::query("SELECT 1").execute(pool).await.is_ok()
}
