//! The live review stream (`/api/review/live`): new flags, claims and decisions, as they
//! happen. Pages refetch on each; the feed closes when the page leaves.

use leptos::prelude::*;

/// Opens the feed; `changed` runs on every notice, `live` says whether it is connected.
pub fn use_live_updates(changed: impl Fn() + Clone + 'static, live: RwSignal<bool>) {
    #[cfg(feature = "hydrate")]
    {
        let feed = open(changed, live);
        on_cleanup(move || drop(feed));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (changed, live);
}

#[cfg(feature = "hydrate")]
struct LiveFeed {
    source: web_sys::EventSource,
    _listeners: Vec<gloo_events::EventListener>,
}

#[cfg(feature = "hydrate")]
impl Drop for LiveFeed {
    fn drop(&mut self) {
        self.source.close();
    }
}

#[cfg(feature = "hydrate")]
fn open(
    changed: impl Fn() + Clone + 'static,
    live: RwSignal<bool>,
) -> send_wrapper::SendWrapper<Option<LiveFeed>> {
    let feed = web_sys::EventSource::new("/api/review/live").ok().map(|source| {
        let mut listeners = Vec::new();
        for kind in ["flag", "claim", "decision"] {
            let changed = changed.clone();
            listeners.push(gloo_events::EventListener::new(&source, kind, move |_| changed()));
        }
        listeners.push(gloo_events::EventListener::new(&source, "open", move |_| {
            live.set(true)
        }));
        listeners.push(gloo_events::EventListener::new(&source, "error", move |_| {
            live.set(false)
        }));
        LiveFeed {
            _listeners: listeners,
            source,
        }
    });
    send_wrapper::SendWrapper::new(feed)
}

/// "● Live" or "paused", in words.
#[component]
pub fn LiveStatus(live: RwSignal<bool>) -> impl IntoView {
    view! {
        <p class="muted" role="status" data-testid="live">
            {move || if live.get() { "● Live: changes appear on their own" } else { "Live updates paused" }}
        </p>
    }
}
