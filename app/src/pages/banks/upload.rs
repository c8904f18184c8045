//! Sends a chosen file to the import preview route (a plain route: the file is the request's
//! body, so no form encoding doubles its size). Browser only.

use crate::error::AppError;
use crate::model::authoring::ImportPreview;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

pub async fn preview(bank_id: &str, file: web_sys::File) -> Result<ImportPreview, AppError> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&file);
    let name: String = js_sys::encode_uri_component(&file.name()).into();
    let url = format!("/api/banks/{bank_id}/import?filename={name}");
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
        Err(AppError::Invalid("The file is larger than 64 MB.".into()))
    } else {
        Err(serde_json::from_str::<AppError>(&text).unwrap_or(AppError::Internal))
    }
}
