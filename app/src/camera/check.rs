//! The camera check on the start page: the candidate's own picture, plain advice, and a live
//! "face found" sign, before they start. Nothing is recorded here.

use super::{faces_text, CameraSignals, CameraState};
use leptos::prelude::*;
use shared::exam_plan::CameraPolicy;

#[component]
pub fn CameraCheck(policy: CameraPolicy, signals: CameraSignals) -> impl IntoView {
    let video = NodeRef::<leptos::html::Video>::new();
    #[cfg(feature = "hydrate")]
    let slot = send_wrapper::SendWrapper::new(std::rc::Rc::new(super::Slot::default()));
    #[cfg(feature = "hydrate")]
    {
        let slot = slot.clone();
        on_cleanup(move || {
            slot.close();
        });
    }
    let turn_on = move || {
        #[cfg(feature = "hydrate")]
        if let Some(video) = video.get_untracked() {
            let video: web_sys::HtmlVideoElement = video;
            super::switch_on(
                video,
                super::PREVIEW_PERIOD_MS,
                signals,
                (*slot).clone(),
                std::rc::Rc::new(|_| ()),
            );
        }
    };
    let turn_on = StoredValue::new(turn_on);
    let state = signals.state;
    let on = move || state.get() == CameraState::On;
    let (symbol, words) = (
        move || faces_text(signals.faces.get()).0,
        move || faces_text(signals.faces.get()).1,
    );
    let rule = match policy {
        CameraPolicy::Required => "This exam uses your camera, and it cannot be started without one.",
        _ => "This exam uses your camera. You may start without one; the reviewer will see that it was not available.",
    };
    view! {
        <section class="camera-check" aria-labelledby="camera-check-title" data-testid="camera-check">
            <h2 id="camera-check-title">"Camera check"</h2>
            <p>{rule}</p>
            <div class="camera-check-body">
                <div class="camera-preview" class:camera-preview-on=on>
                    <video node_ref=video autoplay muted playsinline aria-label="Your camera's picture, shown only to you"></video>
                    <Show when=move || !on()>
                        <p class="camera-preview-empty">"Your camera's picture appears here, only to you."</p>
                    </Show>
                </div>
                <div>
                    <ul class="camera-advice">
                        <li>"Sit facing a window or a lamp, not with the light behind you."</li>
                        <li>"Keep your whole face in the picture, about an arm's length from the screen."</li>
                        <li>"Only you should be in view."</li>
                    </ul>
                    <p class="face-indicator" data-testid="face-indicator" aria-live="polite"
                        data-faces=move || signals.faces.get().map(|n| n.to_string())>
                        <Show when=on fallback=move || match state.get() {
                            CameraState::Starting => "Turning the camera on…",
                            _ => "The camera is off.",
                        }>
                            <span class="face-symbol" aria-hidden="true">{symbol}</span>
                            " "{words}
                        </Show>
                    </p>
                    {move || state.get().problem().map(|p| view! { <p class="notice notice-error" role="alert">{p}</p> })}
                    <Show when=move || !on() && state.get() != CameraState::Starting>
                        <button type="button" class="btn" on:click=move |_| turn_on.with_value(|f| f())>
                            {move || if state.get().can_retry() { "Try again" } else { "Turn on camera" }}
                        </button>
                    </Show>
                </div>
            </div>
        </section>
    }
}
