//! The browser's half of a passkey ceremony. The server's options arrive as WebAuthn's JSON
//! form; the browser parses them (`PublicKeyCredential.parse…OptionsFromJSON`), asks the
//! authenticator, and its answer goes back as `credential.toJSON()`. No base64 or byte handling
//! lives here, which keeps the bundle small.

use js_sys::{Function, Object, Promise, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const UNSUPPORTED: &str = "This browser cannot use passkeys. Sign in with your password instead.";

fn get(target: &JsValue, key: &str) -> Result<JsValue, String> {
    Reflect::get(target, &JsValue::from_str(key)).map_err(|_| UNSUPPORTED.to_string())
}

fn method(target: &JsValue, key: &str) -> Result<Function, String> {
    get(target, key)?
        .dyn_into::<Function>()
        .map_err(|_| UNSUPPORTED.to_string())
}

/// Whether this browser can take part (WebAuthn with its JSON helpers).
pub fn supported() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    get(&window, "PublicKeyCredential")
        .and_then(|pkc| method(&pkc, "parseRequestOptionsFromJSON"))
        .is_ok()
}

/// What went wrong, in words: the authenticator's refusals are named by the error's `name`.
fn explain(error: JsValue) -> String {
    let name = get(&error, "name")
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" => "The passkey request was cancelled or timed out.".into(),
        "InvalidStateError" => "This device already holds a passkey for your account.".into(),
        "SecurityError" => "Passkeys do not work at this address. Open Vigil at its usual address.".into(),
        _ => "Your device could not use a passkey just now.".into(),
    }
}

async fn ceremony(options_json: &str, parse: &str, call: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or(UNSUPPORTED)?;
    let pkc = get(&window, "PublicKeyCredential")?;
    let options = JSON::parse(options_json).map_err(|_| UNSUPPORTED.to_string())?;
    let public_key = method(&pkc, parse)?
        .call1(&pkc, &options)
        .map_err(|_| UNSUPPORTED.to_string())?;
    let arg = Object::new();
    Reflect::set(&arg, &JsValue::from_str("publicKey"), &public_key).map_err(|_| UNSUPPORTED.to_string())?;
    let credentials = get(&window.navigator(), "credentials")?;
    let promise: Promise = method(&credentials, call)?
        .call1(&credentials, &arg)
        .map_err(explain)?
        .dyn_into()
        .map_err(|_| UNSUPPORTED.to_string())?;
    let credential = JsFuture::from(promise).await.map_err(explain)?;
    if credential.is_null() {
        return Err("The passkey request was cancelled or timed out.".into());
    }
    let answer = method(&credential, "toJSON")?
        .call0(&credential)
        .map_err(|_| UNSUPPORTED.to_string())?;
    JSON::stringify(&answer)
        .map(String::from)
        .map_err(|_| UNSUPPORTED.to_string())
}

/// Makes a passkey with the server's creation options; the answer to send back.
pub async fn create(options_json: &str) -> Result<String, String> {
    ceremony(options_json, "parseCreationOptionsFromJSON", "create").await
}

/// Signs the server's challenge with a passkey; the answer to send back.
pub async fn sign(options_json: &str) -> Result<String, String> {
    ceremony(options_json, "parseRequestOptionsFromJSON", "get").await
}
