//! What the exam page shows about proctoring, shared by the server render and the browser
//! recorder (which updates it).

use leptos::prelude::*;

/// How the telemetry link to the server is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Connected,
    Offline,
}

#[derive(Clone, Copy)]
pub struct Status {
    pub link: RwSignal<Link>,
    /// Highest sequence number the server has acknowledged.
    pub acked: RwSignal<i64>,
    /// Events recorded but not yet acknowledged.
    pub queued: RwSignal<usize>,
    /// Whether the page is outside fullscreen (only tracked when the exam requires it).
    pub outside_fullscreen: RwSignal<bool>,
    /// The attempt is being submitted (by the candidate or at the deadline): the camera is
    /// switched off at once. Set back if the submission failed and the exam goes on.
    pub ending: RwSignal<bool>,
}

impl Status {
    pub fn new(acked: i64) -> Status {
        Status {
            link: RwSignal::new(Link::Connecting),
            acked: RwSignal::new(acked),
            queued: RwSignal::new(0),
            outside_fullscreen: RwSignal::new(false),
            ending: RwSignal::new(false),
        }
    }
}
