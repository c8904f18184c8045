//! Configuration from the environment. Every setting has a default that works on a laptop.

use std::net::SocketAddr;
use std::path::PathBuf;

/// The largest memory map a SQLite connection may be given (64 GiB of address space).
const MAX_SQLITE_MMAP_MB: i64 = 65_536;
/// The largest page cache the SQLite telemetry writer may be given (16 GiB).
const MAX_SQLITE_TELEMETRY_CACHE_MB: i64 = 16_384;
/// The longest a SQLite commit group may stay open for writers queued behind it.
const MAX_SQLITE_COMMIT_WINDOW_MS: i64 = 1_000;

#[derive(Clone)]
pub struct Config {
    pub database_url: String,
    pub listen: SocketAddr,
    pub secure_cookies: bool,
    pub log_filter: String,
    /// Where cargo-leptos put the site (the wasm bundle, CSS).
    pub site_root: String,
    pub max_db_connections: u32,
    /// How much of a SQLite file each connection reads through a memory map, in MiB
    /// (`VIGIL_SQLITE_MMAP_MB`; 0: none).
    pub sqlite_mmap_mb: u64,
    /// The SQLite telemetry writer's page cache, in MiB (`VIGIL_SQLITE_TELEMETRY_CACHE_MB`).
    pub sqlite_telemetry_cache_mb: u64,
    /// How long writers queued behind each other on a SQLite file may share one commit, in
    /// milliseconds (`VIGIL_SQLITE_COMMIT_WINDOW_MS`; 0: each commits on its own).
    pub sqlite_commit_window_ms: u64,
    /// Where people reach Vigil, for links in messages; defaults to the listen address.
    pub public_url: Option<String>,
    /// `smtp://[user:password@]host[:port]`; unset keeps mail in the outbox and the log.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Most telemetry events stored for one attempt (`VIGIL_TELEMETRY_EVENT_CAP`).
    pub telemetry_event_cap: i64,
    /// What a scraper of `/metrics` presents as a bearer token (`VIGIL_METRICS_TOKEN`, at
    /// least 16 characters); unset: `/metrics` is off.
    pub metrics_token: Option<String>,
    /// `text` (default) or `json`, one object per line (`VIGIL_LOG_FORMAT`).
    pub log_json: bool,
    /// Telemetry events per second one attempt may send, sustained (`VIGIL_TELEMETRY_RATE`)…
    pub telemetry_rate: i64,
    /// …and in a burst (`VIGIL_TELEMETRY_BURST`), across every node.
    pub telemetry_burst: i64,
    /// Minutes without use after which a sign-in session ends (`VIGIL_IDLE_TIMEOUT_MINUTES`).
    pub idle_timeout_minutes: i64,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`VIGIL_TRUSTED_PROXIES`: addresses
    /// or CIDR ranges, comma-separated). Empty: the header is ignored.
    pub trusted_proxies: Vec<crate::security::IpRange>,
    /// This node's name among those sharing the database (`VIGIL_NODE_ID`): kept across
    /// restarts, it lets a restarted node take its job leases back at once. Unset: a fresh id.
    pub node_id: Option<String>,
}

/// Shown in logs and panics: the URLs' passwords are replaced.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &app::server::redact_url(&self.database_url))
            .field("listen", &self.listen)
            .field("secure_cookies", &self.secure_cookies)
            .field("public_url", &self.public_url)
            .field("smtp_url", &self.smtp_url.as_deref().map(app::server::redact_url))
            .field("trusted_proxies", &self.trusted_proxies)
            .field("node_id", &self.node_id)
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "***"))
            .field("idle_timeout_minutes", &self.idle_timeout_minutes)
            .field("sqlite_mmap_mb", &self.sqlite_mmap_mb)
            .field("sqlite_telemetry_cache_mb", &self.sqlite_telemetry_cache_mb)
            .field("sqlite_commit_window_ms", &self.sqlite_commit_window_ms)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {value:?} ({reason})")]
    Invalid {
        name: &'static str,
        value: String,
        reason: String,
    },
    #[error("cannot create the data directory {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
}

/// A whole number setting within `range`, `default` when unset.
fn number_in(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64, ConfigError> {
    let Some(raw) = get(name).filter(|v| !v.trim().is_empty()) else {
        return Ok(default);
    };
    raw.trim()
        .parse()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| ConfigError::Invalid {
            name,
            value: raw,
            reason: format!("use a whole number from {} to {}", range.start(), range.end()),
        })
}

impl Config {
    /// Reads `VIGIL_*` (and `DATABASE_URL`, `RUST_LOG`) from the environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let database_url = match get("DATABASE_URL").filter(|s| !s.is_empty()) {
            Some(url) => url,
            None => {
                let dir = PathBuf::from(get("VIGIL_DATA_DIR").unwrap_or_else(|| "data".into()));
                std::fs::create_dir_all(&dir).map_err(|e| ConfigError::DataDir(dir.clone(), e))?;
                format!("sqlite://{}?mode=rwc", dir.join("vigil.db").display())
            }
        };
        let listen_raw = get("VIGIL_LISTEN").unwrap_or_else(|| "127.0.0.1:3000".into());
        let listen = listen_raw
            .parse()
            .map_err(|e: std::net::AddrParseError| ConfigError::Invalid {
                name: "VIGIL_LISTEN",
                value: listen_raw.clone(),
                reason: e.to_string(),
            })?;
        let secure_raw = get("VIGIL_SECURE_COOKIES").unwrap_or_else(|| "false".into());
        let secure_cookies = match secure_raw.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => true,
            "0" | "false" | "no" | "off" | "" => false,
            _ => {
                return Err(ConfigError::Invalid {
                    name: "VIGIL_SECURE_COOKIES",
                    value: secure_raw,
                    reason: "use true or false".into(),
                })
            }
        };
        let pool_raw = get("VIGIL_DB_CONNECTIONS").unwrap_or_else(|| "10".into());
        let max_db_connections = pool_raw
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or(ConfigError::Invalid {
                name: "VIGIL_DB_CONNECTIONS",
                value: pool_raw,
                reason: "use a positive number".into(),
            })?;
        let default_mmap = app::server::db::SQLITE_MMAP_MB as i64;
        // Within 0..=MAX, so the conversion back cannot fail.
        let sqlite_mmap_mb =
            number_in(&get, "VIGIL_SQLITE_MMAP_MB", default_mmap, 0..=MAX_SQLITE_MMAP_MB)?.unsigned_abs();
        let default_cache = app::server::db::telemetry_file::WRITER_CACHE_MB as i64;
        let sqlite_telemetry_cache_mb = number_in(
            &get,
            "VIGIL_SQLITE_TELEMETRY_CACHE_MB",
            default_cache,
            1..=MAX_SQLITE_TELEMETRY_CACHE_MB,
        )?
        .unsigned_abs();
        let default_window = app::server::db::SQLITE_COMMIT_WINDOW_MS as i64;
        let sqlite_commit_window_ms = number_in(
            &get,
            "VIGIL_SQLITE_COMMIT_WINDOW_MS",
            default_window,
            0..=MAX_SQLITE_COMMIT_WINDOW_MS,
        )?
        .unsigned_abs();
        let public_url = get("VIGIL_PUBLIC_URL").filter(|s| !s.trim().is_empty());
        if let Some(url) = &public_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ConfigError::Invalid {
                    name: "VIGIL_PUBLIC_URL",
                    value: url.clone(),
                    reason: "use an address starting with http:// or https://".into(),
                });
            }
        }
        let metrics_token = get("VIGIL_METRICS_TOKEN").filter(|t| !t.is_empty());
        if let Some(token) = &metrics_token {
            if token.chars().count() < 16 || token.chars().any(char::is_whitespace) {
                return Err(ConfigError::Invalid {
                    name: "VIGIL_METRICS_TOKEN",
                    // A secret stays out of the message.
                    value: "…".into(),
                    reason: "use at least 16 characters without spaces".into(),
                });
            }
        }
        let format_raw = get("VIGIL_LOG_FORMAT").unwrap_or_default();
        let log_json = match format_raw.trim().to_ascii_lowercase().as_str() {
            "" | "text" => false,
            "json" => true,
            _ => {
                return Err(ConfigError::Invalid {
                    name: "VIGIL_LOG_FORMAT",
                    value: format_raw,
                    reason: "use text or json".into(),
                })
            }
        };
        let telemetry_rate = number_in(&get, "VIGIL_TELEMETRY_RATE", 50, 1..=10_000)?;
        let telemetry_burst = number_in(&get, "VIGIL_TELEMETRY_BURST", 2_000, 1..=1_000_000)?;
        let cap_raw = get("VIGIL_TELEMETRY_EVENT_CAP").unwrap_or_else(|| "100000".into());
        let telemetry_event_cap =
            cap_raw
                .parse()
                .ok()
                .filter(|n: &i64| *n > 0)
                .ok_or(ConfigError::Invalid {
                    name: "VIGIL_TELEMETRY_EVENT_CAP",
                    value: cap_raw,
                    reason: "use a positive number".into(),
                })?;
        let idle_raw = get("VIGIL_IDLE_TIMEOUT_MINUTES").unwrap_or_else(|| "30".into());
        let idle_timeout_minutes = idle_raw
            .trim()
            .parse()
            .ok()
            .filter(|n: &i64| (1..=7 * 24 * 60).contains(n))
            .ok_or(ConfigError::Invalid {
                name: "VIGIL_IDLE_TIMEOUT_MINUTES",
                value: idle_raw,
                reason: "use a number of minutes from 1 to 10080 (a week)".into(),
            })?;
        let proxies_raw = get("VIGIL_TRUSTED_PROXIES").unwrap_or_default();
        let trusted_proxies = proxies_raw
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse().map_err(|reason| ConfigError::Invalid {
                    name: "VIGIL_TRUSTED_PROXIES",
                    value: s.to_string(),
                    reason,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let node_id = get("VIGIL_NODE_ID")
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty());
        if let Some(id) = &node_id {
            let fine = id.len() <= 64
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if !fine {
                return Err(ConfigError::Invalid {
                    name: "VIGIL_NODE_ID",
                    value: id.clone(),
                    reason: "use up to 64 letters, digits, '-', '_' or '.'".into(),
                });
            }
        }
        Ok(Config {
            metrics_token,
            log_json,
            telemetry_rate,
            telemetry_burst,
            node_id,
            idle_timeout_minutes,
            trusted_proxies,
            telemetry_event_cap,
            database_url,
            listen,
            secure_cookies,
            log_filter: get("RUST_LOG")
                .or_else(|| get("VIGIL_LOG"))
                .unwrap_or_else(|| "info,sqlx=warn".into()),
            site_root: get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            max_db_connections,
            sqlite_mmap_mb,
            sqlite_telemetry_cache_mb,
            sqlite_commit_window_ms,
            public_url,
            smtp_url: get("VIGIL_SMTP_URL").filter(|s| !s.trim().is_empty()),
            mail_from: get("VIGIL_MAIL_FROM")
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| "Vigil <vigil@localhost>".into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_work_with_nothing_set() {
        let dir = std::env::temp_dir().join(format!("vigil-config-{}", std::process::id()));
        let dir_s = dir.display().to_string();
        let c = Config::from_lookup(|k| (k == "VIGIL_DATA_DIR").then(|| dir_s.clone())).unwrap();
        assert!(c.database_url.starts_with("sqlite://"));
        assert_eq!(c.listen.to_string(), "127.0.0.1:3000");
        assert!(!c.secure_cookies);
        assert_eq!((c.telemetry_rate, c.telemetry_burst), (50, 2_000));
        assert!(dir.is_dir());
        assert_eq!(c.sqlite_mmap_mb, 1024);
        assert_eq!(c.sqlite_telemetry_cache_mb, 64);
        assert_eq!(c.sqlite_commit_window_ms, 40);
    }

    #[test]
    fn bad_values_are_named() {
        let err = Config::from_lookup(|k| match k {
            "DATABASE_URL" => Some("sqlite::memory:".into()),
            "VIGIL_LISTEN" => Some("nowhere".into()),
            _ => None,
        })
        .unwrap_err();
        assert!(err.to_string().contains("VIGIL_LISTEN"));
        let err = Config::from_lookup(|k| match k {
            "DATABASE_URL" => Some("sqlite::memory:".into()),
            "VIGIL_SECURE_COOKIES" => Some("maybe".into()),
            _ => None,
        })
        .unwrap_err();
        assert!(err.to_string().contains("VIGIL_SECURE_COOKIES"));
        let err = Config::from_lookup(|k| match k {
            "DATABASE_URL" => Some("sqlite::memory:".into()),
            "VIGIL_PUBLIC_URL" => Some("vigil.example.org".into()),
            _ => None,
        })
        .unwrap_err();
        assert!(err.to_string().contains("VIGIL_PUBLIC_URL"));
        for (name, value) in [
            ("VIGIL_TRUSTED_PROXIES", "10.0.0.1, proxy.example"),
            ("VIGIL_TRUSTED_PROXIES", "10.0.0.0/33"),
            ("VIGIL_IDLE_TIMEOUT_MINUTES", "0"),
            ("VIGIL_IDLE_TIMEOUT_MINUTES", "9223372036854775807"),
            ("VIGIL_NODE_ID", "node one"),
            ("VIGIL_TELEMETRY_RATE", "0"),
            ("VIGIL_METRICS_TOKEN", "short"),
            ("VIGIL_LOG_FORMAT", "xml"),
            ("VIGIL_TELEMETRY_RATE", "-5"),
            ("VIGIL_TELEMETRY_BURST", "9223372036854775807"),
            ("VIGIL_TELEMETRY_BURST", "lots"),
            ("VIGIL_SQLITE_MMAP_MB", "-1"),
            ("VIGIL_SQLITE_MMAP_MB", "65537"),
            ("VIGIL_SQLITE_TELEMETRY_CACHE_MB", "0"),
            ("VIGIL_SQLITE_TELEMETRY_CACHE_MB", "16385"),
            ("VIGIL_SQLITE_COMMIT_WINDOW_MS", "-1"),
            ("VIGIL_SQLITE_COMMIT_WINDOW_MS", "1001"),
        ] {
            let err = Config::from_lookup(|k| match k {
                "DATABASE_URL" => Some("sqlite::memory:".into()),
                k if k == name => Some(value.into()),
                _ => None,
            })
            .unwrap_err();
            assert!(err.to_string().contains(name), "{name}={value}: {err}");
        }
    }

    #[test]
    fn proxies_and_idle_timeout_are_read() {
        let c = Config::from_lookup(|k| match k {
            "DATABASE_URL" => Some("sqlite::memory:".into()),
            "VIGIL_TRUSTED_PROXIES" => Some("10.0.0.0/8, ::1".into()),
            "VIGIL_IDLE_TIMEOUT_MINUTES" => Some("45".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
        assert_eq!(c.idle_timeout_minutes, 45);
    }

    #[test]
    fn debug_output_hides_passwords_in_urls() {
        let c = Config::from_lookup(|k| match k {
            "DATABASE_URL" => Some("postgres://vigil:hunter2@db.example/vigil".into()),
            "VIGIL_SMTP_URL" => Some("smtp://mailer:s3cret@smtp.example:587".into()),
            _ => None,
        })
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("s3cret"), "{shown}");
        assert!(
            shown.contains("db.example") && shown.contains("smtp.example"),
            "{shown}"
        );
    }
}
