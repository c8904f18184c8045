//! Time left by the server's clock.

use super::*;

/// Time left by the server's clock, announced to screen readers every five minutes and at five
/// and one minute; at zero the attempt is submitted.
#[component]
pub(super) fn Countdown(session_id: String, deadline_at: i64, server_now: i64) -> impl IntoView {
    let remaining = RwSignal::new(deadline_at - server_now);
    let announcement = RwSignal::new(String::new());
    // Told when the time is up, so the camera goes off with the exam.
    #[cfg(feature = "hydrate")]
    let monitor = use_context::<Status>();
    #[cfg(feature = "hydrate")]
    {
        use crate::telemetry_client::now_ms;
        // The browser's clock may be off; the server's is the one that counts.
        let offset = server_now - now_ms();
        let last_minute = StoredValue::new(i64::MAX);
        let submitted = StoredValue::new(false);
        let tick = gloo_timers::callback::Interval::new(1_000, move || {
            let left = deadline_at - (now_ms() + offset);
            remaining.set(left);
            let minute = (left + 59_999) / 60_000;
            if minute < last_minute.get_value() {
                last_minute.set_value(minute);
                if minute == 1 || minute == 5 || (minute > 0 && minute % 5 == 0) {
                    announcement.set(format!(
                        "{minute} minute{} left.",
                        if minute == 1 { "" } else { "s" }
                    ));
                }
            }
            if left <= 0 && !submitted.get_value() {
                submitted.set_value(true);
                announcement.set("Time is up. Your answers are being submitted.".into());
                if let Some(status) = monitor {
                    status.ending.set(true);
                }
                let sid = session_id.clone();
                leptos::task::spawn_local(async move {
                    let _ = submit_exam(sid.clone()).await;
                    crate::go_to(&format!("/sessions/{sid}/result"));
                });
            }
        });
        let tick = send_wrapper::SendWrapper::new(tick);
        on_cleanup(move || drop(tick));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = session_id;
    let text = move || {
        let s = (remaining.get().max(0) + 999) / 1000;
        format!("{:02}:{:02}", s / 60, s % 60)
    };
    let warn = move || remaining.get() <= 5 * 60_000;
    view! {
        <p class="countdown" class:warn=warn data-testid="countdown">
            "Time left: " <strong aria-hidden="true">{text}</strong>
            {move || warn().then(|| view! { <span class="warn-text">" · under 5 minutes"</span> })}
        </p>
        <p class="sr-only" role="status" aria-live="polite">{move || announcement.get()}</p>
        {move || (warn() && remaining.get() > 0).then(|| view! {
            <p class="notice notice-error" role="alert">{move || if remaining.get() <= 60_000 { "Less than 1 minute left." } else { "Less than 5 minutes left." }}</p>
        })}
    }
}
