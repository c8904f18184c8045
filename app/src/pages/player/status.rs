//! The monitoring line and the fullscreen prompt.

use super::*;

#[component]
pub(super) fn MonitoringLine(monitor: Status) -> impl IntoView {
    let link = move || match monitor.link.get() {
        Link::Connecting => "connecting…",
        Link::Connected => "connected",
        Link::Offline => "offline: events are kept and sent when the connection returns",
    };
    view! {
        <p class="monitoring" data-testid="monitoring">
            <span class="dot" aria-hidden="true"></span>
            "Monitoring is on · "
            <span data-testid="link">{link}</span>
            " · waiting to send: "
            <span data-testid="queued">{move || monitor.queued.get()}</span>
            " · last delivered: #"
            <span data-testid="acked">{move || monitor.acked.get()}</span>
        </p>
    }
}

/// Asks the candidate back into fullscreen when the exam requires it.
#[component]
pub(super) fn FullscreenPrompt(monitor: Status) -> impl IntoView {
    let enter = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(root) = document().document_element() {
            let _ = root.request_fullscreen();
        }
    };
    view! {
        <Show when=move || monitor.outside_fullscreen.get()>
            <div class="notice notice-error" role="alert">
                <strong>"This exam must be taken in fullscreen. "</strong>
                "Leaving fullscreen is recorded. "
                <button class="btn btn-primary" on:click=enter>"Return to fullscreen"</button>
            </div>
        </Show>
    }
}
