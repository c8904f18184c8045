//! Sends a chosen file to a plain route as the request's body (no form encoding doubles its
//! size): an import's preview, or an image for a question. Browser only.

use crate::error::AppError;
use crate::model::authoring::ImportPreview;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Posts `file` to `route?filename=…` and reads the JSON answer; `too_large` is what a 413 means.
async fn send<T: serde::de::DeserializeOwned>(
    route: &str,
    file: web_sys::File,
    too_large: &str,
) -> Result<T, AppError> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&file);
    let name: String = js_sys::encode_uri_component(&file.name()).into();
    let url = format!("{route}?filename={name}");
    let window = web_sys::window().ok_or(AppError::Internal)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|_| AppError::Unreachable)?
        .dyn_into()
        .map_err(|_| AppError::Internal)?;
    let text = JsFuture::from(response.text().map_err(|_| AppError::Internal)?)
        .await
        .map_err(|_| AppError::Unreachable)?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        serde_json::from_str(&text).map_err(|_| AppError::Internal)
    } else if response.status() == 413 {
        Err(AppError::Invalid(too_large.into()))
    } else {
        Err(serde_json::from_str::<AppError>(&text).unwrap_or(AppError::Internal))
    }
}

pub async fn preview(bank_id: &str, file: web_sys::File) -> Result<ImportPreview, AppError> {
    send(
        &format!("/api/banks/{bank_id}/import"),
        file,
        "The file is larger than 64 MB.",
    )
    .await
}

/// Stores an image in the bank; returns its address.
pub async fn image(bank_id: &str, file: web_sys::File) -> Result<String, AppError> {
    send(
        &format!("/api/banks/{bank_id}/files"),
        file,
        "The image is larger than 5 MB.",
    )
    .await
}
