//! `/pkg/{version}/{file}`: the wasm bundle, its JavaScript and the stylesheet.
//!
//! Pages name these files under a version made from their content, so a browser keeps them
//! for a year without asking again (`immutable`) and a new build is fetched at once because its
//! names change. Where the build left compressed copies beside a file (`cargo leptos build
//! --release --precompress`: `.br`, `.gz`), the copy the browser accepts is sent as it is,
//! with no compressing per request.
//!
//! Every node of one release computes the same version. A version this node does not hold
//! (a page from a node running another build) is a 404 rather than another build's bundle,
//! which would not hydrate that page.

use crate::routes::ServerState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, Request, StatusCode};
use std::hash::{Hash, Hasher};
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// What the static files of this node are.
#[derive(Clone, Debug)]
pub struct Assets {
    /// Changes whenever any file's name or content does.
    pub version: std::sync::Arc<str>,
    dir: std::path::PathBuf,
}

impl Assets {
    /// The files under `pkg_dir` (read once, as the node starts).
    pub fn load(pkg_dir: &std::path::Path) -> Assets {
        Assets {
            version: version_of(pkg_dir).into(),
            dir: pkg_dir.to_path_buf(),
        }
    }
}

/// A hash of the names and contents of the files in `dir`, leaving out compressed copies
/// (they follow from the originals). `DefaultHasher::new()` has fixed keys, so every node of a
/// build agrees; it is no defence against anyone, and needs none.
fn version_of(dir: &std::path::Path) -> String {
    let mut files: Vec<std::path::PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .filter(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("br" | "gz")))
            .collect(),
        Err(e) => {
            tracing::warn!(dir = %dir.display(), error = %e, "no static files: pages will load without their script and style");
            Vec::new()
        }
    };
    files.sort();
    let mut hasher = std::hash::DefaultHasher::new();
    for path in &files {
        path.file_name().hash(&mut hasher);
        match std::fs::read(path) {
            Ok(bytes) => bytes.hash(&mut hasher),
            Err(e) => tracing::warn!(file = %path.display(), error = %e, "cannot read a static file"),
        }
    }
    format!("{:016x}", hasher.finish())
}

/// A file name as the build writes them: no directory, nothing hidden.
fn plain_name(file: &str) -> bool {
    !file.is_empty()
        && !file.starts_with('.')
        && file
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

pub async fn serve(
    State(state): State<ServerState>,
    Path((version, file)): Path<(String, String)>,
    request: Request<Body>,
) -> Response {
    let assets = &state.assets;
    if version != *assets.version || !plain_name(&file) {
        return (StatusCode::NOT_FOUND, "No such file in this version of Vigil.").into_response();
    }
    // The file's own path, keeping the request's headers (accepted encodings, revalidation).
    let (mut parts, body) = request.into_parts();
    parts.uri = match format!("/{file}").parse() {
        Ok(uri) => uri,
        Err(_) => return StatusCode::NOT_FOUND.into_response(),
    };
    let files = ServeDir::new(&assets.dir).precompressed_br().precompressed_gzip();
    let Ok(response) = files.oneshot(Request::from_parts(parts, body)).await;
    let mut response = response.map(Body::new);
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
        // Caches keep one copy per encoding.
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_file_names_are_served() {
        assert!(plain_name("vigil_bg.wasm"));
        assert!(plain_name("vigil.css"));
        for bad in ["", "..", ".env", "../Cargo.toml", "a/b", "a\\b", "%2e%2e"] {
            assert!(!plain_name(bad), "{bad}");
        }
    }
}
