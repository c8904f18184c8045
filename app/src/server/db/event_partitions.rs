//! PostgreSQL only: `proctor_events` is partitioned by the day its session started (migration
//! 0013). Session ids are UUIDv7, so the sessions started on a day are a range of ids; one
//! partition per UTC day, named `proctor_events_YYYYMMDD`, holds that range. Nodes create the
//! coming days' partitions ahead of time; the retention job drops a day whose sessions are all
//! past their organisation's retention period.
//!
//! Partition names and bounds are built here from a day number, never from input, because DDL
//! takes no bound parameters.

use sqlx::AnyPool;

const DAY_MS: i64 = 24 * 3_600_000;
const PREFIX: &str = "proctor_events_";

/// One UTC day's partition: the sessions whose ids were made that day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    /// Days since 1970-01-01.
    pub number: i64,
}

impl Day {
    pub fn of_ms(ms: i64) -> Day {
        Day {
            number: ms.div_euclid(DAY_MS),
        }
    }

    pub fn start_ms(&self) -> i64 {
        self.number.saturating_mul(DAY_MS)
    }

    pub fn end_ms(&self) -> i64 {
        self.number.saturating_add(1).saturating_mul(DAY_MS)
    }

    /// The lowest session id made this day (inclusive bound).
    pub fn low(&self) -> String {
        id_bound(self.start_ms())
    }

    /// The lowest session id made the next day (exclusive bound).
    pub fn high(&self) -> String {
        id_bound(self.end_ms())
    }

    /// `proctor_events_YYYYMMDD` (`None` for a day jiff cannot represent).
    pub fn table(&self) -> Option<String> {
        let date = jiff::Timestamp::from_millisecond(self.start_ms())
            .ok()?
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date();
        Some(format!("{PREFIX}{}", date.strftime("%Y%m%d")))
    }

    /// The day a partition's table name stands for.
    pub fn of_table(name: &str) -> Option<Day> {
        let digits = name.strip_prefix(PREFIX)?;
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let date = jiff::civil::Date::strptime("%Y%m%d", digits).ok()?;
        let ts = date.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
        Some(Day::of_ms(ts.as_millisecond()))
    }
}

/// The UUIDv7 text every id made at `ms` or later sorts at or after: the 48-bit millisecond
/// time in hex, in the UUID's layout, with the rest zero.
fn id_bound(ms: i64) -> String {
    let ms = ms.clamp(0, (1_i64 << 48) - 1);
    format!("{:08x}-{:04x}-0000-0000-000000000000", ms >> 16, ms & 0xffff)
}

/// Creates the partitions of `days` that do not exist yet; returns how many it made. Nodes
/// starting together take turns (an advisory lock), so none fails on another's table. A day
/// that cannot be made (the default partition already holds rows of it) is logged and left to
/// the default partition.
pub async fn ensure(pool: &AnyPool, days: impl Iterator<Item = Day>) -> sqlx::Result<u32> {
    let mut made = 0;
    for day in days {
        let Some(table) = day.table() else { continue };
        let mut tx = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('vigil:proctor_events partitions'))")
            .execute(&mut *tx)
            .await?;
        let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
            .bind(&table)
            .fetch_one(&mut *tx)
            .await?;
        if exists {
            continue;
        }
        let ddl = format!(
            "CREATE TABLE {table} PARTITION OF proctor_events FOR VALUES FROM ('{}') TO ('{}')",
            day.low(),
            day.high()
        );
        match sqlx::query(&ddl).execute(&mut *tx).await {
            Ok(_) => {
                tx.commit().await?;
                made += 1;
            }
            Err(e) => {
                tracing::warn!(%table, error = %e, "could not create a telemetry partition; its events go to the default partition")
            }
        }
    }
    Ok(made)
}

/// The day partitions that exist, oldest first.
pub async fn days(pool: &AnyPool) -> sqlx::Result<Vec<Day>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
         WHERE i.inhparent = 'proctor_events'::regclass",
    )
    .fetch_all(pool)
    .await?;
    let mut days: Vec<Day> = names.iter().filter_map(|n| Day::of_table(n)).collect();
    days.sort_by_key(|d| d.number);
    Ok(days)
}

/// Sessions of the day that still keep its telemetry at `now`: not purged, and either not
/// ended before their organisation's retention period or holding a flag that waits for a
/// decision. A session with no end counts as ending now.
pub async fn keepers<'e>(db: impl sqlx::AnyExecutor<'e>, day: &Day, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM exam_sessions s JOIN exams e ON e.id = s.exam_id \
         JOIN organizations o ON o.id = e.org_id \
         WHERE s.id >= $1 AND s.id < $2 AND s.telemetry_purged_at IS NULL \
         AND (COALESCE(s.submitted_at, s.deadline_at, $3) >= $3 - GREATEST(o.telemetry_retention_days, 1) * $4 \
              OR EXISTS (SELECT 1 FROM flags f WHERE f.session_id = s.id AND f.status = 'OPEN'))",
    )
    .bind(day.low())
    .bind(day.high())
    .bind(now)
    .bind(DAY_MS)
    .fetch_one(db)
    .await
}

/// Per organisation: the day's sessions not yet purged and their stored events.
pub async fn contents<'e>(
    db: impl sqlx::AnyExecutor<'e>,
    day: &Day,
) -> sqlx::Result<Vec<(String, i64, i64)>> {
    sqlx::query_as(
        "SELECT e.org_id, COUNT(DISTINCT s.id), COUNT(p.seq) FROM exam_sessions s \
         JOIN exams e ON e.id = s.exam_id \
         LEFT JOIN proctor_events p ON p.session_id = s.id \
         WHERE s.id >= $1 AND s.id < $2 AND s.telemetry_purged_at IS NULL \
         GROUP BY e.org_id ORDER BY e.org_id",
    )
    .bind(day.low())
    .bind(day.high())
    .fetch_all(db)
    .await
}

/// Marks the day's sessions purged; returns the organisation of each one marked.
pub async fn mark_purged<'e>(
    db: impl sqlx::AnyExecutor<'e>,
    day: &Day,
    now: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "UPDATE exam_sessions s SET telemetry_purged_at = $3 FROM exams e \
         WHERE e.id = s.exam_id AND s.id >= $1 AND s.id < $2 AND s.telemetry_purged_at IS NULL \
         RETURNING e.org_id",
    )
    .bind(day.low())
    .bind(day.high())
    .bind(now)
    .fetch_all(db)
    .await
}

/// Empties the evidence of the day's sessions' flags; returns the organisation of each flag.
pub async fn clear_evidence<'e>(db: impl sqlx::AnyExecutor<'e>, day: &Day) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "UPDATE flags f SET evidence_json = '[]' FROM exam_sessions s JOIN exams e ON e.id = s.exam_id \
         WHERE s.id = f.session_id AND f.session_id >= $1 AND f.session_id < $2 \
         AND f.evidence_json <> '[]' RETURNING e.org_id",
    )
    .bind(day.low())
    .bind(day.high())
    .fetch_all(db)
    .await
}

/// Drops the day's partition with everything in it. Waits at most a few seconds for the
/// lock (writers to the table hold it briefly); on a timeout the next run tries again.
pub async fn drop_day(db: &mut sqlx::AnyConnection, day: &Day) -> sqlx::Result<()> {
    let Some(table) = day.table() else {
        return Ok(());
    };
    sqlx::query("SET LOCAL lock_timeout = '5s'")
        .execute(&mut *db)
        .await?;
    sqlx::query(&format!("DROP TABLE IF EXISTS {table}"))
        .execute(&mut *db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_the_range_of_ids_made_that_day() {
        let day = Day::of_ms(1_764_547_200_000 + 5); // 2025-12-01T00:00:00.005Z
        assert_eq!(day.table().as_deref(), Some("proctor_events_20251201"));
        assert_eq!(Day::of_table("proctor_events_20251201"), Some(day.clone()));
        let at = |ms: i64| {
            let secs = (ms / 1000) as u64;
            let nanos = ((ms % 1000) * 1_000_000) as u32;
            uuid::Uuid::new_v7(uuid::Timestamp::from_unix(uuid::NoContext, secs, nanos)).to_string()
        };
        assert!(day.low() <= at(day.start_ms()));
        assert!(
            at(day.start_ms() - 1) < day.low(),
            "the last id of the day before"
        );
        assert!(at(day.end_ms() - 1) < day.high(), "the last id of the day");
        assert!(day.high() <= at(day.end_ms()), "the first id of the next day");
        assert_eq!(Day::of_table("proctor_events_default"), None);
        assert_eq!(Day::of_table("proctor_events_2025120"), None);
    }
}
