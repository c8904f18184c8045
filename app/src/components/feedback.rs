//! Loading and error states, the same everywhere.

use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn Loading(#[prop(into, default = "Loading…".to_string())] label: String) -> impl IntoView {
    view! {
        <p class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {label}
        </p>
    }
}

/// An error as a person should read it, with a way forward for the common cases.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let hint = match &error {
        AppError::Unauthenticated => Some(view! { <a href="/signin">"Sign in"</a> }.into_any()),
        AppError::Forbidden | AppError::NotAllowed(_) | AppError::NotFound(_) => {
            Some(view! { <a href="/">"Back to your dashboard"</a> }.into_any())
        }
        _ => None,
    };
    view! {
        <div class="notice notice-error" role="alert">
            <strong>"Error: "</strong>
            {error.to_string()}
            {hint.map(|h| view! { " " {h} })}
        </div>
    }
}
