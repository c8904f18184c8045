//! Where the candidate was: one question at a time by default, or all on one page, and which
//! question. Kept on this device, so a reload resumes at the same question.

use super::*;

/// Restores `current` and `show_all` from this device after hydration, and keeps them there
/// as they change.
pub(super) fn remember(session_id: &str, total: usize, current: RwSignal<usize>, show_all: RwSignal<bool>) {
    #[cfg(feature = "hydrate")]
    {
        let key = format!("vigil.view.{session_id}");
        let storage = window().local_storage().ok().flatten();
        let stored: Option<(usize, bool)> = storage
            .as_ref()
            .and_then(|s| s.get_item(&key).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok());
        if let Some((at, all)) = stored {
            // After hydration, so the first render matches the server's.
            request_animation_frame(move || {
                current.set(at.min(total.saturating_sub(1)));
                show_all.set(all);
            });
        }
        Effect::new(move |_| {
            let json = serde_json::to_string(&(current.get(), show_all.get())).unwrap_or_default();
            if let Some(s) = window().local_storage().ok().flatten() {
                let _ = s.set_item(&key, &json);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (session_id, total, current, show_all);
}
