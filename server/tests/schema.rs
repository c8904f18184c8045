//! The SQLite and PostgreSQL migrations must produce the same tables, columns and unique
//! constraints, so code written against one runs on the other.

mod common;

use app::server::db;
use std::collections::BTreeSet;

type Shape = (BTreeSet<(String, String)>, BTreeSet<(String, String)>);

async fn sqlite_shape() -> Shape {
    let dir = common::scratch_dir("schema");
    let url = format!("sqlite://{}?mode=rwc", dir.join("s.db").display());
    let pool = db::connect_and_migrate(&url, 1).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        // The main file's tables and the telemetry file's (a file of its own, attached).
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' \
         UNION SELECT name FROM telemetry.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut columns = BTreeSet::new();
    let mut uniques = BTreeSet::new();
    for t in tables {
        let cols: Vec<String> = sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{t}')"))
            .fetch_all(&pool)
            .await
            .unwrap();
        for c in cols {
            columns.insert((t.clone(), c));
        }
        let indexes: Vec<(String, String)> = sqlx::query_as(&format!(
            "SELECT name, origin FROM pragma_index_list('{t}') WHERE \"unique\" = 1"
        ))
        .fetch_all(&pool)
        .await
        .unwrap();
        for (index, _origin) in indexes {
            let mut cols: Vec<String> =
                sqlx::query_scalar(&format!("SELECT name FROM pragma_index_info('{index}')"))
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            cols.sort();
            uniques.insert((t.clone(), cols.join(",")));
        }
    }
    (columns, uniques)
}

async fn postgres_shape(url: &str) -> Shape {
    let pool = db::connect_and_migrate(url, 1).await.unwrap();
    let cols: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text FROM information_schema.columns c \
         JOIN pg_class t ON t.relname = c.table_name JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = c.table_schema \
         WHERE c.table_schema = 'public' AND c.table_name NOT LIKE '\\_sqlx%' AND NOT t.relispartition",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let uniques: Vec<(String, String)> = sqlx::query_as(
        "SELECT t.relname::text, string_agg(a.attname::text, ',' ORDER BY a.attname::text) \
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey) \
         WHERE i.indisunique AND n.nspname = 'public' AND t.relname NOT LIKE '\\_sqlx%' AND NOT t.relispartition \
         GROUP BY i.indexrelid, t.relname",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    (cols.into_iter().collect(), uniques.into_iter().collect())
}

#[tokio::test]
async fn sqlite_and_postgres_migrations_agree() {
    sqlx::any::install_default_drivers();
    if sqlx::AnyPool::connect(&common::postgres_admin_url())
        .await
        .is_err()
    {
        assert!(
            std::env::var("VIGIL_REQUIRE_POSTGRES").is_err(),
            "VIGIL_REQUIRE_POSTGRES is set but PostgreSQL does not answer at {}",
            common::postgres_admin_url()
        );
        eprintln!(
            "SKIPPED: no PostgreSQL at {}; .ci/run runs this test for real",
            common::postgres_admin_url()
        );
        return;
    }
    std::env::set_var("VIGIL_TEST_DATABASE", "postgres");
    let (pg_url, pg_pool) = common::fresh_database("schema").await;
    pg_pool.close().await;
    let (sqlite_cols, sqlite_uniques) = sqlite_shape().await;
    let (pg_cols, pg_uniques) = postgres_shape(&pg_url).await;
    assert!(sqlite_cols.len() > 50, "the schema has its tables");
    let only_sqlite: Vec<_> = sqlite_cols.difference(&pg_cols).collect();
    let only_pg: Vec<_> = pg_cols.difference(&sqlite_cols).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "columns differ: sqlite only {only_sqlite:?}, postgres only {only_pg:?}"
    );
    // One difference on purpose: PostgreSQL partitions telemetry by session (migration 0013),
    // and a unique constraint there must hold the partition key, so an event's id (a UUIDv7
    // the server makes) is unique only by construction; (session, sequence) stays unique.
    let mut expected = sqlite_uniques.clone();
    assert!(expected.remove(&("proctor_events".to_string(), "id".to_string())));
    assert!(expected.contains(&("proctor_events".to_string(), "seq,session_id".to_string())));
    assert_eq!(expected, pg_uniques, "unique constraints differ");
}
