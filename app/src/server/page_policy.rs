//! The Content-Security-Policy of a rendered page. Scripts run only from this site and with
//! this response's nonce (Leptos puts it on its hydration script), so a script that slipped
//! into a page — through a question's text, say — does not run. WebAssembly compiles
//! (`'wasm-unsafe-eval'`); no other `eval` does. Styles may be inline (the stylesheet is ours;
//! style attributes carry layout only).

use leptos::prelude::*;

/// The policy for a page whose inline scripts carry `nonce`.
pub fn policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Sets the page's policy on the response being rendered.
pub fn set_for_this_page() {
    let (Some(opts), Some(nonce)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        leptos::nonce::use_nonce(),
    ) else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&policy(&nonce.to_string())) {
        opts.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn scripts_need_the_nonce() {
        let p = super::policy("abc");
        let scripts = p.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
        assert!(scripts.contains("'nonce-abc'"));
        assert!(!scripts.contains("unsafe-inline"));
        assert!(p.contains("frame-ancestors 'none'"));
    }
}
