//! Configuration from the environment. Every setting has a default that works on a laptop.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub listen: SocketAddr,
    pub secure_cookies: bool,
    pub log_filter: String,
    /// Where cargo-leptos put the site (the wasm bundle, CSS).
    pub site_root: String,
    pub max_db_connections: u32,
    /// Where people reach Vigil, for links in messages; defaults to the listen address.
    pub public_url: Option<String>,
    /// `smtp://[user:password@]host[:port]`; unset keeps mail in the outbox and the log.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Most telemetry events stored for one attempt (`VIGIL_TELEMETRY_EVENT_CAP`).
    pub telemetry_event_cap: i64,
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
        Ok(Config {
            telemetry_event_cap,
            database_url,
            listen,
            secure_cookies,
            log_filter: get("RUST_LOG")
                .or_else(|| get("VIGIL_LOG"))
                .unwrap_or_else(|| "info,sqlx=warn".into()),
            site_root: get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            max_db_connections,
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
        assert!(dir.is_dir());
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
    }
}
