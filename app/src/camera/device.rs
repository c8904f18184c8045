//! Opening the camera at low resolution, watching its track, and closing it.

use super::faces::Sampler;
use super::CameraState;
use gloo_events::EventListener;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlVideoElement, MediaStream, MediaStreamConstraints, MediaStreamTrack};

/// What the open camera reports to its owner.
pub enum CameraEvent {
    /// Faces counted in one frame, and how long the count took (ms).
    Faces(u32, f64),
    /// The camera stopped by itself (unplugged, access withdrawn).
    Ended,
    /// The detector cannot be used: the camera is on but nothing is counted.
    DetectorFailed(String),
}

/// An open camera showing in `video`, its frames counted every `period_ms`. Dropping it
/// stops the camera (the browser's camera sign goes out) and the worker.
pub struct Camera {
    stream: MediaStream,
    video: HtmlVideoElement,
    _sampler: Sampler,
    _ended: Vec<EventListener>,
}

impl Drop for Camera {
    fn drop(&mut self) {
        stop_tracks(&self.stream);
        self.video.set_src_object(None);
    }
}

impl Camera {
    /// Asks for the camera (the browser may ask the candidate) and starts counting faces.
    /// The error is the state to show: refused, missing or failed.
    pub async fn open(
        video: HtmlVideoElement,
        period_ms: u32,
        on_event: Rc<dyn Fn(CameraEvent)>,
    ) -> Result<Camera, CameraState> {
        let stream = request_stream().await?;
        video.set_muted(true);
        video.set_src_object(Some(&stream));
        if let Ok(playing) = video.play() {
            // Autoplay of a muted video is allowed; a refusal leaves the preview still, and
            // frames are then skipped until it plays.
            let _ = wasm_bindgen_futures::JsFuture::from(playing).await;
        }
        let ended = stream
            .get_video_tracks()
            .iter()
            .filter_map(|t| t.dyn_into::<MediaStreamTrack>().ok())
            .map(|track| {
                let on_event = on_event.clone();
                EventListener::once(&track, "ended", move |_| on_event(CameraEvent::Ended))
            })
            .collect();
        let sampler = match Sampler::start(video.clone(), period_ms, on_event) {
            Ok(sampler) => sampler,
            Err(e) => {
                leptos::logging::warn!("camera: the face detector cannot start: {e}");
                stop_tracks(&stream);
                return Err(CameraState::Failed);
            }
        };
        Ok(Camera {
            stream,
            video,
            _sampler: sampler,
            _ended: ended,
        })
    }
}

fn stop_tracks(stream: &MediaStream) {
    for track in stream.get_tracks() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// Video only, as small and slow as the camera allows: nothing finer is needed to count faces.
async fn request_stream() -> Result<MediaStream, CameraState> {
    let devices = leptos::prelude::window()
        .navigator()
        .media_devices()
        .map_err(|_| CameraState::Missing)?;
    let video = js_sys::Object::new();
    let set = |target: &js_sys::Object, key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), &value);
    };
    let ideal = |n: f64| {
        let o = js_sys::Object::new();
        set(&o, "ideal", JsValue::from_f64(n));
        JsValue::from(o)
    };
    set(&video, "width", ideal(320.0));
    set(&video, "height", ideal(240.0));
    set(&video, "frameRate", ideal(5.0));
    set(&video, "facingMode", JsValue::from_str("user"));
    let constraints = MediaStreamConstraints::new();
    constraints.set_video(&video);
    constraints.set_audio(&JsValue::FALSE);
    let request = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|e| refusal(&e))?;
    match wasm_bindgen_futures::JsFuture::from(request).await {
        Ok(stream) => stream.dyn_into::<MediaStream>().map_err(|_| CameraState::Failed),
        Err(e) => Err(refusal(&e)),
    }
}

/// The state a `getUserMedia` error means, by its DOMException name.
fn refusal(error: &JsValue) -> CameraState {
    let name = js_sys::Reflect::get(error, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" | "SecurityError" => CameraState::Denied,
        // No camera, or one that is busy or cannot give a picture this small.
        "NotFoundError" | "NotReadableError" | "OverconstrainedError" | "AbortError" => CameraState::Missing,
        _ => {
            leptos::logging::warn!("camera: {name}");
            CameraState::Failed
        }
    }
}
