//! What every request passes before it reaches a handler: the client's real address (believing
//! `X-Forwarded-For` only from configured proxies), and the cross-site check on anything that
//! changes state.
//!
//! The cross-site check follows what browsers send: `Sec-Fetch-Site` when present (every
//! current browser), else `Origin`. A request carrying neither comes from a program (a script,
//! the load generator), which has no cookies a page could borrow, and passes. The check covers
//! every method but GET/HEAD/OPTIONS, and those GETs that open a stream under the person's
//! cookie (the telemetry socket, the review stream), which a page elsewhere could otherwise
//! open in the person's name.

use app::error::AppError;
use app::server::auth::ClientAddr;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, Method};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// An address or a CIDR range (`10.0.0.0/8`, `::1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    base: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for IpRange {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let base: IpAddr = addr
            .parse()
            .map_err(|_| format!("{addr:?} is not an IP address"))?;
        let max = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("the prefix length must be 0 to {max}"))?,
        };
        Ok(IpRange { base, prefix })
    }
}

impl IpRange {
    pub fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4 client seen on an IPv6 socket arrives as ::ffff:a.b.c.d.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.base, ip) {
            (IpAddr::V4(base), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(base) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(base), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(base) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// What the request guard knows.
#[derive(Debug, Clone)]
pub struct Guard {
    pub trusted_proxies: Arc<Vec<IpRange>>,
    /// `scheme://host[:port]` of `VIGIL_PUBLIC_URL`, if set.
    pub public_origin: Option<String>,
}

impl Guard {
    pub fn new(trusted_proxies: Vec<IpRange>, public_url: Option<&str>) -> Guard {
        Guard {
            trusted_proxies: Arc::new(trusted_proxies),
            public_origin: public_url.map(origin_of),
        }
    }

    fn trusted(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|r| r.contains(ip))
    }

    /// The client's address: the peer, unless the peer is a trusted proxy; then the nearest
    /// address in `X-Forwarded-For` that is not itself a trusted proxy (addresses further left
    /// were written by the client and prove nothing).
    pub fn client_addr(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusted(peer) {
            return peer;
        }
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        forwarded
            .iter()
            .rev()
            .find(|ip| !self.trusted(**ip))
            .or(forwarded.first())
            .copied()
            .unwrap_or(peer)
    }

    /// Whether a request that changes state may come from where the browser says it comes.
    pub fn same_site(&self, headers: &HeaderMap) -> Result<(), &'static str> {
        if let Some(site) = headers.get("sec-fetch-site") {
            // `none`: the person typed the address or used a bookmark.
            return match site.as_bytes() {
                b"same-origin" | b"none" => Ok(()),
                _ => Err("This request came from another site, so it was refused."),
            };
        }
        let Some(origin) = headers.get(header::ORIGIN) else {
            return Ok(());
        };
        let origin = origin.to_str().unwrap_or("");
        let expected = match &self.public_origin {
            Some(public) => origin.eq_ignore_ascii_case(public),
            // Without a configured address, the page's origin must name the host it asked.
            None => headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .is_some_and(|host| {
                    origin
                        .split_once("://")
                        .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host))
                }),
        };
        if expected {
            Ok(())
        } else {
            Err("This request came from another site, so it was refused.")
        }
    }
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    format!("{scheme}://{host}").to_ascii_lowercase()
}

/// Paths whose GET opens a stream under the person's cookie.
fn opens_stream(path: &str) -> bool {
    path.starts_with("/ws/") || path == "/api/review/live"
}

pub async fn guard(State(guard): State<Guard>, mut req: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let client = guard.client_addr(peer.ip(), req.headers());
        req.extensions_mut().insert(ClientAddr(client));
    }
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe || opens_stream(req.uri().path()) {
        if let Err(reason) = guard.same_site(req.headers()) {
            tracing::info!(path = %req.uri().path(), "cross-site request refused");
            return AppError::NotAllowed(reason.into()).into_response();
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn ranges_hold_what_they_name() {
        let r: IpRange = "10.0.0.0/8".parse().unwrap();
        assert!(r.contains("10.200.1.1".parse().unwrap()));
        assert!(r.contains("::ffff:10.0.0.1".parse().unwrap()));
        assert!(!r.contains("11.0.0.1".parse().unwrap()));
        let all: IpRange = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("8.8.8.8".parse().unwrap()));
        let one: IpRange = "::1".parse().unwrap();
        assert!(one.contains("::1".parse().unwrap()));
        assert!(!one.contains("::2".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<IpRange>().is_err());
        assert!("proxy.example".parse::<IpRange>().is_err());
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let guard = Guard::new(vec!["10.0.0.0/8".parse().unwrap()], None);
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.0.0.7")]);
        // From the proxy: the nearest untrusted address, not what the client wrote first.
        assert_eq!(
            guard.client_addr("10.0.0.1".parse().unwrap(), &h),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        // From anyone else: the header is theirs to invent, so the peer counts.
        assert_eq!(
            guard.client_addr("198.51.100.4".parse().unwrap(), &h),
            "198.51.100.4".parse::<IpAddr>().unwrap()
        );
        let none = Guard::new(vec![], None);
        assert_eq!(
            none.client_addr("10.0.0.1".parse().unwrap(), &h),
            "10.0.0.1".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn cross_site_requests_are_told_apart() {
        let guard = Guard::new(vec![], None);
        assert!(guard
            .same_site(&headers(&[("sec-fetch-site", "same-origin")]))
            .is_ok());
        assert!(guard
            .same_site(&headers(&[("sec-fetch-site", "cross-site")]))
            .is_err());
        assert!(guard
            .same_site(&headers(&[("sec-fetch-site", "same-site")]))
            .is_err());
        assert!(guard
            .same_site(&headers(&[
                ("origin", "http://vigil.test:3000"),
                ("host", "vigil.test:3000")
            ]))
            .is_ok());
        assert!(guard
            .same_site(&headers(&[
                ("origin", "http://evil.example"),
                ("host", "vigil.test:3000")
            ]))
            .is_err());
        assert!(guard
            .same_site(&headers(&[("origin", "null"), ("host", "vigil.test")]))
            .is_err());
        assert!(guard.same_site(&headers(&[])).is_ok());
        let public = Guard::new(vec![], Some("https://Exams.Example.org/vigil/"));
        assert!(public
            .same_site(&headers(&[("origin", "https://exams.example.org")]))
            .is_ok());
        assert!(public
            .same_site(&headers(&[("origin", "http://exams.example.org")]))
            .is_err());
    }
}
