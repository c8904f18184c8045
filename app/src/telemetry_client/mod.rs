//! The browser side of proctoring telemetry. While an exam session is open it listens for the
//! DOM signals the monitoring notice names ([`signals`]), numbers each event, keeps unsent
//! events in localStorage (so a reload or crash loses none), streams them in batches over a
//! WebSocket, drops them once acknowledged, reconnects with back-off, and hands what is left to
//! a beacon when the page goes away ([`link`]). Dropping the [`Recorder`] removes every
//! listener and timer.

mod link;
mod signals;

use crate::monitoring::Status;
use gloo_events::EventListener;
use gloo_timers::callback::Interval;
use leptos::prelude::*;
use link::Inner;
use shared::telemetry::{EventKind, HEARTBEAT_MS};
use std::rc::Rc;
use web_sys::VisibilityState;

pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Records while alive.
pub struct Recorder {
    inner: Rc<Inner>,
    _listeners: Vec<EventListener>,
    _timers: Vec<Interval>,
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.inner.stop();
    }
}

impl Recorder {
    /// Records something the exam page itself did (a question shown, an answer saved).
    pub fn note(&self, kind: EventKind) {
        self.inner.record(kind);
    }

    /// Starts recording for `session_id`; `server_last_seq` is what the server already holds.
    pub fn start(
        session_id: String,
        server_last_seq: i64,
        require_fullscreen: bool,
        status: Status,
    ) -> Recorder {
        let inner = Inner::restore(session_id, server_last_seq, status);
        let listeners = signals::listen(&inner);

        let heartbeat = {
            let me = Rc::clone(&inner);
            Interval::new(HEARTBEAT_MS as u32, move || {
                me.record(EventKind::Heartbeat);
                signals::check_window(&me);
            })
        };

        if require_fullscreen {
            status
                .outside_fullscreen
                .set(document().fullscreen_element().is_none());
        }
        // A page that starts visible ends any absence the last page's unload began.
        if document().visibility_state() == VisibilityState::Visible {
            inner.record(EventKind::VisibilityVisible);
        }
        if let Some(extended) = signals::screen_extended() {
            inner.record(EventKind::Screens { extended });
        }
        signals::check_window(&inner);
        inner.connect();
        Recorder {
            inner,
            _listeners: listeners,
            _timers: vec![heartbeat],
        }
    }
}
