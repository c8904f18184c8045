//! The session cookie and what else is read from the request: other cookies, the client's
//! address and browser.

use super::super::AppState;
use http::header::{COOKIE, SET_COOKIE};
use http::request::Parts;
use http::HeaderValue;
use leptos::prelude::*;

pub const COOKIE_NAME: &str = "vigil_session";
/// The name with secure cookies: browsers keep a `__Host-` cookie only if it came over HTTPS,
/// for this host alone and every path, so a sibling subdomain cannot plant or replace it.
pub const SECURE_COOKIE_NAME: &str = "__Host-vigil_session";
/// The client's address as the server trusts it: the socket's peer, or — behind a configured
/// trusted proxy — the address that proxy saw. Put on each request by the server.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub std::net::IpAddr);

pub(super) fn request_parts() -> Option<Parts> {
    use_context::<Parts>()
}

pub fn cookie_name(state: &AppState) -> &'static str {
    if state.secure_cookies {
        SECURE_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}

/// The session token from the request's cookie header, if present.
pub fn token_from_parts(state: &AppState, parts: &Parts) -> Option<String> {
    token_from_headers(state, &parts.headers)
}

pub fn token_from_headers(state: &AppState, headers: &http::HeaderMap) -> Option<String> {
    cookie_in(headers, cookie_name(state))
}

/// The value of the cookie `wanted` in the request's headers.
fn cookie_in(headers: &http::HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_string())
}

/// The client's address: as the server placed it on the request, else as the socket saw it.
pub fn client_ip(parts: &Parts) -> Option<String> {
    if let Some(ClientAddr(ip)) = parts.extensions.get::<ClientAddr>() {
        return Some(ip.to_string());
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// The current request's client address.
pub fn request_ip() -> Option<String> {
    request_parts().as_ref().and_then(client_ip)
}

/// The browser's own description of itself, cut short, for "your sessions".
pub(super) fn user_agent(parts: &Parts) -> Option<String> {
    let ua = parts.headers.get(http::header::USER_AGENT)?.to_str().ok()?;
    Some(ua.chars().take(200).collect())
}

pub(super) fn set_cookie(value: &str) {
    if let (Some(opts), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        opts.append_header(SET_COOKIE, v);
    }
}

pub(super) fn session_cookie(state: &AppState, token: &str, max_age_s: i64) -> String {
    cookie_text(state, cookie_name(state), token, max_age_s, "Lax")
}

/// A cookie for the browser only (HttpOnly), Secure when the server says so.
fn cookie_text(state: &AppState, name: &str, value: &str, max_age_s: i64, same_site: &str) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={max_age_s}{secure}")
}

/// Sets a short-lived cookie of the sign-in itself (the second-factor challenge), strict.
pub(crate) fn set_strict_cookie(state: &AppState, name: &str, value: &str, max_age_s: i64) {
    set_cookie(&cookie_text(state, name, value, max_age_s, "Strict"));
}

/// The current request's headers' cookie `name`.
pub(crate) fn request_cookie(name: &str) -> Option<String> {
    request_parts().and_then(|p| cookie_in(&p.headers, name))
}

/// Tells the browser to drop its session cookie.
pub fn forget_cookie(state: &AppState) {
    set_cookie(&session_cookie(state, "", 0));
}
