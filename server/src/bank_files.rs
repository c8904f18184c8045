//! Plain routes for question banks' files: an import's upload (the file as the request body,
//! answered with its preview) and the images of questions, served only to people who may read
//! the bank.

use crate::routes::ServerState;
use app::api::check_id;
use app::error::AppError;
use app::server::{auth, authoring};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct UploadQuery {
    filename: Option<String>,
}

/// The signed-in caller of a route about `id` (a bank or a file), once the id is one a row could have.
async fn caller(
    app: &app::server::AppState,
    headers: &HeaderMap,
    id: &str,
) -> Result<app::server::db::users::UserRow, AppError> {
    check_id(id)?;
    auth::user_for_token(app, auth::token_from_headers(app, headers)).await
}

/// `POST /api/banks/{bank_id}/import?filename=…`: the preview of an import.
pub async fn import_preview(
    State(state): State<ServerState>,
    Path(bank_id): Path<String>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let app = state.app;
    let result = async {
        let user = caller(&app, &headers, &bank_id).await?;
        let filename = query.filename.unwrap_or_else(|| "upload".into());
        authoring::import::preview(&app, user, &bank_id, &filename, &body).await
    }
    .await;
    match result {
        Ok(preview) => Json(preview).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `POST /api/banks/{bank_id}/files?filename=…`: an image for the bank's questions, answered
/// with its address (JSON string).
pub async fn upload(
    State(state): State<ServerState>,
    Path(bank_id): Path<String>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let app = state.app;
    let result = async {
        let user = caller(&app, &headers, &bank_id).await?;
        let filename = query.filename.unwrap_or_else(|| "image".into());
        authoring::files::upload(&app, user, &bank_id, &filename, &body).await
    }
    .await;
    match result {
        Ok(address) => Json(address).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /files/{file_id}`: an image of a bank's question, for people who may read the bank
/// and candidates whose attempt shows it.
pub async fn file(
    State(state): State<ServerState>,
    Path(file_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let app = state.app;
    let result = async {
        let user = caller(&app, &headers, &file_id).await?;
        authoring::files::readable(&app, user, &file_id).await
    }
    .await;
    match result {
        Ok(file) => (
            [
                (header::CONTENT_TYPE, file.content_type),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; sandbox".into(),
                ),
                (header::CACHE_CONTROL, "private, max-age=3600".into()),
            ],
            file.content,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /exports/banks/{bank_id}/moodle.xml` and `…/qti.zip`: the bank for another system.
pub async fn export(
    State(state): State<ServerState>,
    Path((bank_id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    use authoring::export::ExportFormat;
    let app = state.app;
    let result = async {
        check_id(&bank_id)?;
        let format = match file.as_str() {
            "moodle.xml" => ExportFormat::MoodleXml,
            "qti.zip" => ExportFormat::QtiPackage,
            _ => {
                return Err(AppError::NotFound(
                    "Banks export as moodle.xml or qti.zip.".into(),
                ))
            }
        };
        let user = auth::user_for_token(&app, auth::token_from_headers(&app, &headers)).await?;
        authoring::export::bank(&app, user, &bank_id, format).await
    }
    .await;
    match result {
        Ok(done) => (
            [
                (header::CONTENT_TYPE, done.content_type.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", done.filename),
                ),
                (
                    header::HeaderName::from_static("x-vigil-export-losses"),
                    done.losses.to_string(),
                ),
            ],
            done.bytes,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}
