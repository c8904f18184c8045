//! The router: Leptos pages and server functions, health, static files, request tracing.

use crate::config::Config;
use app::error::AppError;
use app::server::{db, metrics, AppState};
use app::{shell, App};
use axum::extract::DefaultBodyLimit;
use axum::extract::{FromRef, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use http::{header, HeaderValue, Request, StatusCode};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

#[derive(Clone)]
pub struct ServerState {
    pub leptos: LeptosOptions,
    pub app: AppState,
    /// What a scraper of `/metrics` must present (`VIGIL_METRICS_TOKEN`); `None`: no metrics.
    pub metrics_token: Option<std::sync::Arc<str>>,
    /// The wasm bundle, its script and the stylesheet, named by their version.
    pub assets: crate::static_files::Assets,
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(s: &ServerState) -> Self {
        s.leptos.clone()
    }
}

/// Pages name the bundle's files under `pkg/<version>` (see `static_files`).
pub fn leptos_options(config: &Config, assets: &crate::static_files::Assets) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("vigil")
        .site_root(config.site_root.as_str())
        .site_pkg_dir(format!("pkg/{}", assets.version))
        .site_addr(config.listen)
        .build()
}

pub fn router(config: &Config, app_state: AppState) -> Router {
    let assets = crate::static_files::Assets::load(&std::path::Path::new(&config.site_root).join("pkg"));
    let leptos = leptos_options(config, &assets);
    let routes = generate_route_list(App);
    let state = ServerState {
        leptos: leptos.clone(),
        app: app_state.clone(),
        metrics_token: config.metrics_token.as_deref().map(Into::into),
        assets,
    };
    let context_state = app_state.clone();
    let split_manifest = state.assets.split_manifest.clone();
    let fallback_state = app_state.clone();
    let request_id = http::HeaderName::from_static("x-request-id");
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/pkg/{version}/{file}", get(crate::static_files::serve))
        .route("/ws/telemetry/{session_id}", get(crate::telemetry_ws::upgrade))
        .route("/api/review/live", get(crate::review_live::stream))
        .route("/exports/exams/{exam_id}/sessions.csv", get(crate::exports::sessions_csv))
        .route("/exports/exams/{exam_id}/flags.csv", get(crate::exports::flags_csv))
        .route("/exports/exams/{exam_id}/items.csv", get(crate::exports::items_csv))
        .route("/exports/my-data.json", get(crate::exports::my_data))
        .route(
            "/api/banks/{bank_id}/import",
            post(crate::bank_files::import_preview).layer(DefaultBodyLimit::max(
                app::server::authoring::import::MAX_UPLOAD_BYTES,
            )),
        )
        .route(
            "/api/banks/{bank_id}/files",
            // A little above the largest image, so an image of 5 MB is told why, not cut off.
            post(crate::bank_files::upload).layer(DefaultBodyLimit::max(shared::media::MAX_IMAGE_BYTES + 64 * 1024)),
        )
        .route("/files/{file_id}", get(crate::bank_files::file))
        .route("/exports/banks/{bank_id}/{file}", get(crate::bank_files::export))
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(context_state.clone());
                provide_context(app::server::auth::RequestSession::default());
                if let Some(manifest) = &split_manifest {
                    provide_context(manifest.clone());
                }
            },
            {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .fallback(
            leptos_axum::file_and_error_handler_with_context::<ServerState, _>(
                move || provide_context(fallback_state.clone()),
                shell,
            ),
        )
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(app_state, crate::prefetch::exam_page))
        .layer(axum::middleware::from_fn_with_state(
            crate::security::Guard::new(config.trusted_proxies.clone(), config.public_url.as_deref()),
            crate::security::guard,
        ))
        .layer(axum::middleware::from_fn(count_response))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", request_id = %id, method = %req.method(), path = %loggable_path(req.uri().path()))
        }))
        // Headers every response carries unless its handler set its own (a question's image
        // keeps its sandboxing policy): no framing by other sites (clickjacking), no content
        // sniffing, no full address in the `Referer` sent elsewhere (it can hold a token).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // Pages set their own policy, with their script nonce (`app::server::page_policy`);
        // anything else (data, files) may load nothing and be framed by nobody.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        // Over HTTPS, browsers are told to come back only over HTTPS for a year.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            config.secure_cookies.then(|| HeaderValue::from_static("max-age=31536000")),
        ))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// The path as logged: an invitation or reset link's token is a credential, so it stays out of
/// the log.
fn loggable_path(path: &str) -> &str {
    const WITH_TOKENS: [(&str, &str); 4] = [
        ("/invitations/", "/invitations/…"),
        ("/join/", "/join/…"),
        ("/reset/", "/reset/…"),
        ("/verify-email/", "/verify-email/…"),
    ];
    WITH_TOKENS
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map_or(path, |(_, shown)| shown)
}

/// Counts every response, by status class and time taken.
async fn count_response(
    req: Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let started = std::time::Instant::now();
    let response = next.run(req).await;
    metrics::get().response(response.status().as_u16(), started.elapsed());
    response
}

/// `GET /metrics`: this node's figures for Prometheus, for a scraper that presents
/// `Authorization: Bearer <VIGIL_METRICS_TOKEN>`. Counts of candidates and flags are not
/// for the public, so without a configured token there are no metrics.
async fn metrics(State(state): State<ServerState>, headers: http::HeaderMap) -> axum::response::Response {
    let Some(expected) = state.metrics_token.as_deref() else {
        return AppError::NotFound("Metrics are off: set VIGIL_METRICS_TOKEN to turn them on.".into())
            .into_response();
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same_secret(presented.as_bytes(), expected.as_bytes()) {
        return AppError::Unauthenticated.into_response();
    }
    let body = metrics::get().render(state.app.node.id());
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Compares two secrets in time that depends on their lengths only.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn healthz(State(state): State<ServerState>) -> impl IntoResponse {
    let ok = db::ping(&state.app.pool).await;
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = serde_json::json!({
        "status": if ok { "ok" } else { "degraded" },
        "database": if ok { "ok" } else { "unreachable" },
    });
    (status, Json(body))
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn invitation_tokens_are_not_logged() {
        assert_eq!(loggable_path("/invitations/0123abcd"), "/invitations/…");
        assert_eq!(loggable_path("/reset/0123abcd"), "/reset/…");
        assert_eq!(loggable_path("/join/0123abcd"), "/join/…");
        assert_eq!(loggable_path("/exams/42"), "/exams/42");
    }
}
