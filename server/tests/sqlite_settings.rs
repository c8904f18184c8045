//! The operator's SQLite settings reach the server's connections.

mod common;

use common::{fresh_database, use_postgres, TestApp};
use std::time::{Duration, Instant};

/// Whether the server process has the database file itself (not its `-wal` or `-shm`) mapped
/// into memory, from `/proc/<pid>/maps` (Linux).
fn file_mapped(pid: u32, file: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/maps"))
        .unwrap_or_default()
        .lines()
        .any(|line| line.ends_with(file))
}

/// `VIGIL_SQLITE_MMAP_MB` was once validated and then not passed to the pool, so an operator's
/// 0 changed nothing: with the default the server maps the file, with 0 it does not.
#[tokio::test]
async fn vigil_sqlite_mmap_mb_decides_whether_the_database_file_is_mapped() {
    if use_postgres() {
        eprintln!("SQLite only: PostgreSQL has no memory map setting here");
        return;
    }
    for (setting, mapped) in [(None, true), (Some("0"), false)] {
        let (db_url, pool) = fresh_database("mmap").await;
        let file = db_url
            .trim_start_matches("sqlite://")
            .split('?')
            .next()
            .unwrap_or_default()
            .to_string();
        // The schema into the file itself: pages still in the log are read from there, not
        // through the map.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&pool)
            .await
            .expect("checkpoint");
        let env: Vec<(&str, &str)> = setting
            .map(|mb| ("VIGIL_SQLITE_MMAP_MB", mb))
            .into_iter()
            .collect();
        let app = TestApp::spawn_with(db_url, pool, &env).await;
        let client = app.client();
        // Sign-ins read the accounts table, and the server's own jobs read and write beside
        // them; a connection maps the file at its first read of a page from it, and drops the
        // map when another connection has written. So the map is looked for over a few
        // seconds of use (it appeared within about one with the default).
        let until = Instant::now() + Duration::from_secs(5);
        let seen = loop {
            let (status, _) = app
                .call(
                    &client,
                    "sign_in",
                    &[("email", "nobody@example.test"), ("password", "wrong password")],
                )
                .await;
            assert!(
                (400..500).contains(&status),
                "sign-in of an unknown account: {status}"
            );
            let seen = file_mapped(app.pid(), &file);
            if seen || Instant::now() > until {
                break seen;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert_eq!(seen, mapped, "VIGIL_SQLITE_MMAP_MB={setting:?}: {file} mapped");
    }
}
