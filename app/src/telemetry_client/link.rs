//! The link to the server: events numbered and kept in localStorage until acknowledged, sent
//! in batches over a WebSocket (one batch in flight), reconnected with back-off, and handed to
//! a beacon when the page goes away.

use super::now_ms;
use crate::monitoring::{Link, Status};
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::telemetry::{ClientFrame, Envelope, EventKind, ServerFrame, ENVELOPE_VERSION, MAX_BATCH_EVENTS};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, WebSocket};

/// Reconnect delays grow from this…
const BACKOFF_MIN_MS: u32 = 500;
/// …to at most this.
const BACKOFF_MAX_MS: u32 = 15_000;

#[derive(Serialize, Deserialize, Default)]
struct Saved {
    next_seq: i64,
    pending: Vec<Envelope>,
}

/// A socket callback kept alive as long as its socket.
type Handler = Closure<dyn FnMut(JsValue)>;

pub(super) struct Inner {
    session_id: String,
    key: String,
    next_seq: Cell<i64>,
    acked: Cell<i64>,
    pending: RefCell<Vec<Envelope>>,
    socket: RefCell<Option<WebSocket>>,
    socket_handlers: RefCell<Vec<Handler>>,
    sent_up_to: Cell<i64>,
    backoff_ms: Cell<u32>,
    retry: RefCell<Option<Timeout>>,
    stopped: Cell<bool>,
    /// Whether the window's size last looked like docked devtools ([`super::signals`]).
    pub(super) devtools_open: Cell<bool>,
    pub(super) status: Status,
}

impl Inner {
    /// The session's link, with what this browser kept of it (events the server, which holds
    /// everything up to `server_last_seq`, has not acknowledged).
    pub(super) fn restore(session_id: String, server_last_seq: i64, status: Status) -> Rc<Inner> {
        let key = format!("vigil.telemetry.{session_id}");
        let saved: Saved = Self::storage()
            .and_then(|s| s.get_item(&key).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        let pending: Vec<Envelope> = saved
            .pending
            .into_iter()
            .filter(|e| e.seq > server_last_seq)
            .collect();
        let inner = Rc::new(Inner {
            next_seq: Cell::new(saved.next_seq.max(server_last_seq + 1)),
            acked: Cell::new(server_last_seq),
            pending: RefCell::new(pending),
            socket: RefCell::new(None),
            socket_handlers: RefCell::new(Vec::new()),
            sent_up_to: Cell::new(server_last_seq),
            backoff_ms: Cell::new(BACKOFF_MIN_MS),
            retry: RefCell::new(None),
            stopped: Cell::new(false),
            devtools_open: Cell::new(false),
            session_id,
            key,
            status,
        });
        status.acked.set(server_last_seq);
        inner.persist();
        inner
    }

    fn storage() -> Option<web_sys::Storage> {
        window().local_storage().ok().flatten()
    }

    fn persist(&self) {
        let saved = Saved {
            next_seq: self.next_seq.get(),
            pending: self.pending.borrow().clone(),
        };
        if let (Some(storage), Ok(json)) = (Self::storage(), serde_json::to_string(&saved)) {
            if storage.set_item(&self.key, &json).is_err() {
                leptos::logging::warn!("telemetry: browser storage is full; events are kept in memory only");
            }
        }
        self.status.queued.set(self.pending.borrow().len());
    }

    pub(super) fn record(self: &Rc<Self>, kind: EventKind) {
        if self.stopped.get() {
            return;
        }
        let seq = self.next_seq.get();
        self.next_seq.set(seq + 1);
        self.pending.borrow_mut().push(Envelope {
            v: ENVELOPE_VERSION,
            session_id: self.session_id.clone(),
            seq,
            client_ms: now_ms(),
            kind,
        });
        self.persist();
        self.send_pending();
    }

    /// Everything up to `seq` is stored on the server.
    fn acknowledge(&self, seq: i64) {
        if seq > self.acked.get() {
            self.acked.set(seq);
            self.status.acked.set(seq);
        }
        self.pending.borrow_mut().retain(|e| e.seq > seq);
        self.persist();
    }

    /// The oldest unacknowledged events, as many as one batch may hold.
    fn next_batch(&self) -> Vec<Envelope> {
        self.pending
            .borrow()
            .iter()
            .take(MAX_BATCH_EVENTS)
            .cloned()
            .collect()
    }

    /// Sends the next batch when connected and nothing is awaiting its acknowledgement.
    fn send_pending(self: &Rc<Self>) {
        if self.sent_up_to.get() > self.acked.get() {
            return;
        }
        let socket = self.socket.borrow();
        let Some(ws) = socket.as_ref().filter(|ws| ws.ready_state() == WebSocket::OPEN) else {
            return;
        };
        let events = self.next_batch();
        let Some(last) = events.last().map(|e| e.seq) else {
            return;
        };
        let frame = ClientFrame::Batch { events };
        if let Ok(json) = serde_json::to_string(&frame) {
            if ws.send_with_str(&json).is_ok() {
                self.sent_up_to.set(last);
            }
        }
    }

    fn on_frame(self: &Rc<Self>, frame: ServerFrame) {
        match frame {
            ServerFrame::Hello { last_seq } => {
                self.backoff_ms.set(BACKOFF_MIN_MS);
                self.status.link.set(Link::Connected);
                self.acknowledge(last_seq);
                // Events numbered past what the server holds must follow on from it.
                if self.next_seq.get() <= last_seq {
                    self.next_seq.set(last_seq + 1);
                    self.persist();
                }
                self.sent_up_to.set(last_seq);
            }
            ServerFrame::Ack { seq } => self.acknowledge(seq),
            ServerFrame::Error { reason } => {
                leptos::logging::warn!("telemetry refused: {reason}");
                // Nothing was stored: try again later rather than in a tight loop.
                self.sent_up_to.set(self.acked.get());
                self.schedule(|me| me.send_pending());
                return;
            }
        }
        self.send_pending();
    }

    fn schedule(self: &Rc<Self>, then: fn(&Rc<Self>)) {
        let delay = self.backoff_ms.get();
        self.backoff_ms.set((delay * 2).min(BACKOFF_MAX_MS));
        let me = Rc::clone(self);
        *self.retry.borrow_mut() = Some(Timeout::new(delay, move || then(&me)));
    }

    pub(super) fn connect(self: &Rc<Self>) {
        if self.stopped.get() || self.socket.borrow().is_some() {
            return;
        }
        let location = window().location();
        let (Ok(protocol), Ok(host)) = (location.protocol(), location.host()) else {
            return;
        };
        let scheme = if protocol == "https:" { "wss" } else { "ws" };
        let url = format!("{scheme}://{host}/ws/telemetry/{}", self.session_id);
        let ws = match WebSocket::new(&url) {
            Ok(ws) => ws,
            Err(_) => {
                self.schedule(|me| me.connect());
                return;
            }
        };
        self.status.link.set(Link::Connecting);
        let on_message = {
            let me = Rc::clone(self);
            Handler::new(move |ev: JsValue| {
                let text = ev
                    .dyn_into::<MessageEvent>()
                    .ok()
                    .and_then(|m| m.data().as_string());
                match text.as_deref().map(serde_json::from_str::<ServerFrame>) {
                    Some(Ok(frame)) => me.on_frame(frame),
                    _ => leptos::logging::warn!("telemetry: unreadable frame from the server"),
                }
            })
        };
        let on_close = {
            let me = Rc::clone(self);
            Handler::new(move |_| {
                me.socket.borrow_mut().take();
                me.socket_handlers.borrow_mut().clear();
                me.sent_up_to.set(me.acked.get());
                if !me.stopped.get() {
                    me.status.link.set(Link::Offline);
                    me.schedule(|me| me.connect());
                }
            })
        };
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        *self.socket_handlers.borrow_mut() = vec![on_message, on_close];
        *self.socket.borrow_mut() = Some(ws);
    }

    /// Hands unsent events to the browser to deliver after the page is gone.
    pub(super) fn beacon(&self) {
        let events = self.next_batch();
        if events.is_empty() {
            return;
        }
        let body = serde_json::json!({ "session_id": self.session_id, "events": events }).to_string();
        let parts = js_sys::Array::of1(&JsValue::from_str(&body));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("application/json");
        if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) {
            let _ = window()
                .navigator()
                .send_beacon_with_opt_blob("/api/telemetry", Some(&blob));
        }
    }

    pub(super) fn stop(&self) {
        self.stopped.set(true);
        self.retry.borrow_mut().take();
        if let Some(ws) = self.socket.borrow_mut().take() {
            ws.set_onclose(None);
            ws.set_onmessage(None);
            let _ = ws.close();
        }
        self.socket_handlers.borrow_mut().clear();
    }
}
