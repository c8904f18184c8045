//! The camera during the attempt: it starts with the exam page, a small picture and the words
//! "Camera on" show for as long as it runs, and it stops when the page goes (the exam is
//! submitted or the time is up).

use super::{CameraSignals, CameraState};
use leptos::prelude::*;
use shared::exam_plan::CameraPolicy;
use shared::telemetry::EventKind;

#[component]
pub fn CameraMonitor(policy: CameraPolicy, report: Option<Callback<EventKind>>) -> impl IntoView {
    // Rendered on the server as starting, which is what the browser does first.
    let signals = CameraSignals::with_state(CameraState::Starting);
    let video = NodeRef::<leptos::html::Video>::new();
    #[cfg(feature = "hydrate")]
    let turn_on = {
        let slot = send_wrapper::SendWrapper::new(std::rc::Rc::new(super::Slot::default()));
        let closing = slot.clone();
        on_cleanup(move || {
            if closing.close() {
                if let Some(report) = report {
                    report.run(EventKind::CameraStopped);
                }
            }
        });
        let report: std::rc::Rc<dyn Fn(EventKind)> = std::rc::Rc::new(move |kind| {
            if let Some(report) = report {
                report.run(kind);
            }
        });
        let report = send_wrapper::SendWrapper::new(report);
        let turn_on = {
            let (slot, report) = (slot.clone(), report.clone());
            move || {
                if let Some(video) = video.get_untracked() {
                    super::switch_on(
                        video,
                        super::EXAM_PERIOD_MS,
                        signals,
                        (*slot).clone(),
                        (*report).clone(),
                    );
                }
            }
        };
        // When the attempt is being submitted the camera goes off at once, and its last event
        // goes out with the others; if the submission fails it comes back on.
        if let Some(ending) = use_context::<crate::monitoring::Status>().map(|s| s.ending) {
            let again = turn_on.clone();
            Effect::new(move |was: Option<bool>| {
                let now = ending.get();
                if now && was == Some(false) && slot.stop() {
                    report(EventKind::CameraStopped);
                    signals.state.set(CameraState::Off);
                    signals.faces.set(None);
                }
                if !now && was == Some(true) {
                    again();
                }
                now
            });
        }
        turn_on
    };
    #[cfg(not(feature = "hydrate"))]
    let turn_on = move || {
        let _ = (&report, video);
    };
    let turn_on = StoredValue::new(turn_on);
    #[cfg(feature = "hydrate")]
    Effect::new(move |started: Option<bool>| {
        if started == Some(true) {
            return true;
        }
        let mounted = video.get().is_some();
        if mounted {
            turn_on.with_value(|f| f());
        }
        mounted
    });
    let state = signals.state;
    let words = move || match state.get() {
        CameraState::On => "Camera on · faces are counted on this device; no picture is sent",
        CameraState::Starting => "Turning the camera on…",
        CameraState::Off => "Camera off: the exam is being submitted",
        _ => "Camera off",
    };
    let required = policy == CameraPolicy::Required;
    view! {
        <div class="camera-monitor" data-testid="camera-monitor" data-state=move || format!("{:?}", state.get()).to_lowercase()
            data-detect-ms=move || signals.detect_ms.get().map(|ms| format!("{ms:.1}"))>
            <video node_ref=video class="camera-thumb" class:camera-thumb-on=move || state.get() == CameraState::On
                autoplay muted playsinline aria-label="Your camera's picture, shown only to you"></video>
            <p class="camera-words">
                <span class="camera-dot" aria-hidden="true"></span>
                {words}
            </p>
            {move || state.get().problem().map(|p| view! {
                <div class="notice notice-error" role="alert">
                    <p>
                        {required.then_some("This exam requires your camera, and the time keeps running. ")}
                        {p}" The reviewer sees when the camera was unavailable."
                    </p>
                    <button type="button" class="btn" on:click=move |_| turn_on.with_value(|f| f())>"Try again"</button>
                </div>
            })}
        </div>
    }
}
