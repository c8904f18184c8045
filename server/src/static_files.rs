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
    /// Which split-out files each lazily loaded page needs (`cargo leptos build --split`), so a
    /// page rendered on the server tells the browser to fetch them beside the main bundle
    /// instead of after it. Leptos looks for the manifest under the pages' `pkg/<version>`,
    /// which is only a URL here, so the node reads it from the real directory.
    pub split_manifest: Option<leptos::WasmSplitManifest>,
}

impl Assets {
    /// The files under `pkg_dir` (read once, as the node starts).
    pub fn load(pkg_dir: &std::path::Path) -> Assets {
        let version = version_of(pkg_dir);
        Assets {
            split_manifest: split_manifest(pkg_dir, &version),
            version: version.into(),
            dir: pkg_dir.to_path_buf(),
        }
    }
}

/// The name cargo-leptos gives the script that loads split-out files.
const SPLIT_LOADER: &str = "__wasm_split.______________________.js";

fn split_manifest(pkg_dir: &std::path::Path, version: &str) -> Option<leptos::WasmSplitManifest> {
    let text = std::fs::read_to_string(pkg_dir.join("__wasm_split_manifest.json")).ok()?;
    let preloads: std::collections::HashMap<String, Vec<String>> = match serde_json::from_str(&text) {
        Ok(preloads) => preloads,
        Err(e) => {
            tracing::warn!(error = %e, "the split manifest cannot be read: lazily loaded pages will fetch their files after the main bundle");
            return None;
        }
    };
    Some(leptos::WasmSplitManifest(leptos::prelude::ArcStoredValue::new((
        format!("/pkg/{version}"),
        preloads,
        SPLIT_LOADER.to_string(),
    ))))
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

/// The camera proctoring worker (`frontend/detector/camera-worker.js`).
const CAMERA_WORKER: &str = "camera-worker.js";

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
        // A worker runs under its script's own policy: the camera worker fetches the face
        // detector from this site and compiles it, and may do nothing else.
        if file == CAMERA_WORKER {
            response.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'",
                ),
            );
        }
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
