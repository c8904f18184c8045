//! The candidate's camera during a camera-proctored exam. Frames never leave the device: a
//! still frame is drawn to a canvas every few seconds and handed to a Web Worker, which counts
//! the faces in it with the detector in its own wasm file (`frontend/detector`), fetched only
//! here; the page keeps the count and sends it as telemetry, and the frame is gone.
//!
//! [`check`] is the preview on the start page, [`monitor`] the camera during the attempt;
//! [`device`] opens and closes the camera and [`faces`] runs the worker (browser only). Pages
//! show them through [`CameraView`], which is lazily loaded: built with `--split`, their code
//! is a file of its own that only camera exams fetch, and the main bundle does not carry it.

pub mod check;
#[cfg(feature = "hydrate")]
mod device;
#[cfg(feature = "hydrate")]
mod faces;
pub mod monitor;

#[cfg(feature = "hydrate")]
pub use device::{Camera, CameraEvent};

use leptos::prelude::*;
use shared::exam_plan::CameraPolicy;
use shared::telemetry::EventKind;

/// One of the camera's views, as a page asks for it.
pub enum CameraPart {
    /// The camera check before the start ([`check::CameraCheck`]).
    Check {
        policy: CameraPolicy,
        signals: CameraSignals,
    },
    /// The camera during the attempt ([`monitor::CameraMonitor`]); `report` records telemetry.
    Monitor {
        policy: CameraPolicy,
        report: Option<Callback<EventKind>>,
    },
}

/// The split point: one lazily loaded function for both views, so they make one file.
#[leptos::lazy]
fn camera_part(part: CameraPart) -> AnyView {
    match part {
        CameraPart::Check { policy, signals } => view! { <check::CameraCheck policy signals /> }.into_any(),
        CameraPart::Monitor { policy, report } => {
            view! { <monitor::CameraMonitor policy report /> }.into_any()
        }
    }
}

/// A camera view, shown once its code has arrived (at once on the server).
#[component]
pub fn CameraView(part: CameraPart) -> impl IntoView {
    let part = std::sync::Mutex::new(Some(part));
    view! {
        <Suspense fallback=|| view! { <p class="hint">"Loading the camera…"</p> }>
            {move || {
                let part = part.lock().ok().and_then(|mut p| p.take());
                Suspend::new(async move {
                    let Some(part) = part else {
                        return ().into_any();
                    };
                    // The lazily loaded module's future is not `Send` in the browser, whose
                    // page has one thread.
                    #[cfg(feature = "hydrate")]
                    let view = send_wrapper::SendWrapper::new(camera_part(part)).await;
                    #[cfg(not(feature = "hydrate"))]
                    let view = camera_part(part).await;
                    view
                })
            }}
        </Suspense>
    }
}

/// How often a frame is examined during the attempt: counts every 2 s are enough for rules
/// that look at tens of seconds, and keep the page's CPU use low.
pub const EXAM_PERIOD_MS: u32 = 2_000;
/// How often during the preview, so the "face found" sign follows the candidate promptly.
pub const PREVIEW_PERIOD_MS: u32 = 1_000;
/// The width frames are scaled to before they are examined (the height keeps the aspect).
pub const FRAME_WIDTH: u32 = 320;

/// Where the camera stands, as the candidate is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CameraState {
    Off,
    Starting,
    On,
    /// The candidate or the browser refused access.
    Denied,
    /// There is no camera, or none that can give a picture.
    Missing,
    /// The camera stopped during use (unplugged, or access withdrawn).
    Ended,
    /// The camera works but faces cannot be counted (the detector did not load).
    Failed,
}

impl CameraState {
    /// Whether a new try makes sense (offered as a button).
    pub fn can_retry(self) -> bool {
        matches!(
            self,
            CameraState::Denied | CameraState::Missing | CameraState::Ended | CameraState::Failed
        )
    }

    /// Plain advice for a state the candidate must act on.
    pub fn problem(self) -> Option<&'static str> {
        match self {
            CameraState::Denied => Some(
                "Camera access was refused. Allow it from the camera sign in the address bar (or this site's settings in your browser), then press \"Try again\".",
            ),
            CameraState::Missing => Some("No camera was found. Connect one, close other programs that may be using it, and press \"Try again\"."),
            CameraState::Ended => Some("The camera stopped. Check that it is connected, then press \"Try again\"."),
            CameraState::Failed => Some("Faces cannot be counted in this browser (the detector did not load). Reload the page to try again."),
            CameraState::Off | CameraState::Starting | CameraState::On => None,
        }
    }
}

/// What the "face found" sign says about the latest count. A symbol and words, never colour
/// alone.
pub fn faces_text(faces: Option<u32>) -> (&'static str, String) {
    match faces {
        None => ("…", "Looking for your face…".to_string()),
        Some(0) => (
            "✗",
            "No face found: face the camera, with light in front of you".to_string(),
        ),
        Some(1) => ("✓", "Face found".to_string()),
        Some(n) => ("!", format!("{n} faces found: only you should be in view")),
    }
}

/// The camera's state and the latest count, for the view.
#[derive(Clone, Copy)]
pub struct CameraSignals {
    pub state: RwSignal<CameraState>,
    pub faces: RwSignal<Option<u32>>,
    /// How long the latest count took in the worker, in ms (shown to a benchmark, not a person).
    pub detect_ms: RwSignal<Option<f64>>,
}

impl CameraSignals {
    pub fn new() -> CameraSignals {
        CameraSignals::with_state(CameraState::Off)
    }

    pub fn with_state(state: CameraState) -> CameraSignals {
        CameraSignals {
            state: RwSignal::new(state),
            faces: RwSignal::new(None),
            detect_ms: RwSignal::new(None),
        }
    }
}

impl Default for CameraSignals {
    fn default() -> Self {
        CameraSignals::new()
    }
}

/// The camera a component opened, if any. Once `closed` (the component went away), a camera
/// that finishes opening is stopped at once instead of kept.
#[cfg(feature = "hydrate")]
#[derive(Default)]
pub struct Slot {
    camera: std::cell::RefCell<Option<Camera>>,
    closed: std::cell::Cell<bool>,
}

#[cfg(feature = "hydrate")]
impl Slot {
    /// Stops the camera for good (the component went away); true if it was on.
    pub fn close(&self) -> bool {
        self.closed.set(true);
        self.stop()
    }

    /// Stops the camera; true if it was on. It may be switched on again.
    pub fn stop(&self) -> bool {
        self.camera.borrow_mut().take().is_some()
    }
}

/// Opens the camera into `video` and keeps `signals` current; `report` hears what the
/// telemetry should (nothing on the start page, the recorder during the attempt).
#[cfg(feature = "hydrate")]
pub fn switch_on(
    video: web_sys::HtmlVideoElement,
    period_ms: u32,
    signals: CameraSignals,
    slot: std::rc::Rc<Slot>,
    report: std::rc::Rc<dyn Fn(shared::telemetry::EventKind)>,
) {
    use shared::telemetry::{EventKind, MAX_FACES};
    // A camera already open (a retry after it stopped) is let go first.
    drop(slot.camera.borrow_mut().take());
    signals.state.set(CameraState::Starting);
    signals.faces.set(None);
    leptos::task::spawn_local(async move {
        let on_event: std::rc::Rc<dyn Fn(CameraEvent)> = {
            let (report, slot) = (report.clone(), slot.clone());
            std::rc::Rc::new(move |event| match event {
                CameraEvent::Faces(faces, ms) => {
                    signals.faces.set(Some(faces));
                    signals.detect_ms.set(Some(ms));
                    report(EventKind::FacesCounted {
                        faces: faces.min(MAX_FACES),
                    });
                }
                CameraEvent::Ended => {
                    signals.state.set(CameraState::Ended);
                    signals.faces.set(None);
                    report(EventKind::CameraTrackEnded);
                }
                CameraEvent::DetectorFailed(why) => {
                    leptos::logging::warn!("camera: {why}");
                    // Without counts the camera proves nothing: for the reviewer it is as if
                    // there were none, and it is switched off.
                    if slot.camera.borrow_mut().take().is_some() {
                        report(EventKind::CameraMissing);
                    }
                    signals.state.set(CameraState::Failed);
                    signals.faces.set(None);
                }
            })
        };
        match Camera::open(video, period_ms, on_event).await {
            Ok(camera) if slot.closed.get() => drop(camera),
            Ok(camera) => {
                *slot.camera.borrow_mut() = Some(camera);
                signals.state.set(CameraState::On);
                report(EventKind::CameraStarted);
            }
            Err(state) => {
                signals.state.set(state);
                report(match state {
                    CameraState::Denied => EventKind::CameraDenied,
                    _ => EventKind::CameraMissing,
                });
            }
        }
    });
}
