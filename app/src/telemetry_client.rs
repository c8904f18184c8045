//! The browser side of proctoring telemetry. While an exam session is open it listens for the
//! DOM signals the monitoring notice names, numbers each event, keeps unsent events in
//! localStorage (so a reload or crash loses none), streams them in batches over a WebSocket,
//! drops them once acknowledged, reconnects with back-off, and hands what is left to a beacon
//! when the page goes away. Dropping the [`Recorder`] removes every listener and timer.

use crate::monitoring::{Link, Status};
use gloo_events::{EventListener, EventListenerOptions};
use gloo_timers::callback::{Interval, Timeout};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::telemetry::{
    paste_fingerprint, ClientFrame, Envelope, EventKind, ServerFrame, Shortcut, ENVELOPE_VERSION,
    HEARTBEAT_MS, MAX_BATCH_EVENTS,
};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, VisibilityState, WebSocket};

/// Reconnect delays grow from this…
const BACKOFF_MIN_MS: u32 = 500;
/// …to at most this.
const BACKOFF_MAX_MS: u32 = 15_000;
/// Docked devtools make the outer window this much larger than the page.
const DEVTOOLS_GAP_PX: i32 = 160;

pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

#[derive(Serialize, Deserialize, Default)]
struct Saved {
    next_seq: i64,
    pending: Vec<Envelope>,
}

/// A socket callback kept alive as long as its socket.
type Handler = Closure<dyn FnMut(JsValue)>;

struct Inner {
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
    devtools_open: Cell<bool>,
    status: Status,
}

impl Inner {
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

    fn record(self: &Rc<Self>, kind: EventKind) {
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

    /// Sends the next batch when connected and nothing is awaiting its acknowledgement.
    fn send_pending(self: &Rc<Self>) {
        if self.sent_up_to.get() > self.acked.get() {
            return;
        }
        let socket = self.socket.borrow();
        let Some(ws) = socket.as_ref().filter(|ws| ws.ready_state() == WebSocket::OPEN) else {
            return;
        };
        let events: Vec<Envelope> = self
            .pending
            .borrow()
            .iter()
            .take(MAX_BATCH_EVENTS)
            .cloned()
            .collect();
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

    fn connect(self: &Rc<Self>) {
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
    fn beacon(&self) {
        let events: Vec<Envelope> = self
            .pending
            .borrow()
            .iter()
            .take(MAX_BATCH_EVENTS)
            .cloned()
            .collect();
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

    fn check_window(self: &Rc<Self>) {
        let w = window();
        let size = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as i32;
        let width_gap = size(w.outer_width()) - size(w.inner_width());
        let height_gap = size(w.outer_height()) - size(w.inner_height());
        let open = width_gap > DEVTOOLS_GAP_PX || height_gap > DEVTOOLS_GAP_PX;
        if open && !self.devtools_open.get() {
            self.record(EventKind::DevtoolsSuspected {
                width_gap: width_gap.max(0) as u32,
                height_gap: height_gap.max(0) as u32,
            });
        }
        self.devtools_open.set(open);
    }

    fn stop(&self) {
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

/// `screen.isExtended`, where the browser has it.
fn screen_extended() -> Option<bool> {
    let screen = window().screen().ok()?;
    js_sys::Reflect::get(&screen, &JsValue::from_str("isExtended"))
        .ok()?
        .as_bool()
}

fn shortcut(ev: &web_sys::KeyboardEvent) -> Option<Shortcut> {
    let key = ev.key().to_lowercase();
    let modifier = ev.ctrl_key() || ev.meta_key();
    match key.as_str() {
        "printscreen" => Some(Shortcut::PrintScreen),
        "f12" => Some(Shortcut::DevTools),
        "i" | "j" | "c" if modifier && ev.shift_key() => Some(Shortcut::DevTools),
        "c" if modifier => Some(Shortcut::Copy),
        "x" if modifier => Some(Shortcut::Cut),
        "v" if modifier => Some(Shortcut::Paste),
        "a" if modifier => Some(Shortcut::SelectAll),
        _ => None,
    }
}

fn selection_length() -> u32 {
    window()
        .get_selection()
        .ok()
        .flatten()
        .and_then(|s| s.to_string().as_string())
        .map(|s| s.chars().count() as u32)
        .unwrap_or(0)
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
        let key = format!("vigil.telemetry.{session_id}");
        let saved: Saved = Inner::storage()
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

        let doc = document();
        let win = window();
        let mut listeners = Vec::new();
        let on = |target: &web_sys::EventTarget, name: &'static str, f: Box<dyn Fn(&web_sys::Event)>| {
            EventListener::new_with_options(target, name, EventListenerOptions::default(), move |e| f(e))
        };
        let rc = |f: fn(&Rc<Inner>, &web_sys::Event)| {
            let me = Rc::clone(&inner);
            Box::new(move |e: &web_sys::Event| f(&me, e)) as Box<dyn Fn(&web_sys::Event)>
        };

        listeners.push(on(
            &doc,
            "visibilitychange",
            rc(|me, _| {
                me.record(if document().visibility_state() == VisibilityState::Hidden {
                    EventKind::VisibilityHidden
                } else {
                    EventKind::VisibilityVisible
                })
            }),
        ));
        listeners.push(on(&win, "blur", rc(|me, _| me.record(EventKind::WindowBlur))));
        listeners.push(on(&win, "focus", rc(|me, _| me.record(EventKind::WindowFocus))));
        listeners.push(on(&win, "online", rc(|me, _| me.record(EventKind::Online))));
        listeners.push(on(&win, "offline", rc(|me, _| me.record(EventKind::Offline))));
        listeners.push(on(
            &doc,
            "contextmenu",
            rc(|me, _| me.record(EventKind::ContextMenu)),
        ));
        listeners.push(on(
            &doc,
            "copy",
            rc(|me, _| {
                me.record(EventKind::Copy {
                    length: selection_length(),
                })
            }),
        ));
        listeners.push(on(
            &doc,
            "cut",
            rc(|me, _| {
                me.record(EventKind::Cut {
                    length: selection_length(),
                })
            }),
        ));
        listeners.push(on(
            &doc,
            "paste",
            rc(|me, e| {
                // The text itself never leaves this function: only its length and a fingerprint.
                let text = e
                    .dyn_ref::<web_sys::ClipboardEvent>()
                    .and_then(|c| c.clipboard_data())
                    .and_then(|d| d.get_data("text").ok())
                    .unwrap_or_default();
                me.record(EventKind::Paste {
                    length: text.chars().count() as u32,
                    hash: paste_fingerprint(&text),
                });
            }),
        ));
        listeners.push(on(
            &doc,
            "keydown",
            rc(|me, e| {
                if let Some(key) = e.dyn_ref::<web_sys::KeyboardEvent>().and_then(shortcut) {
                    // Print-screen is reported on keyup only by some systems.
                    if key != Shortcut::PrintScreen {
                        me.record(EventKind::Shortcut { key });
                    }
                }
            }),
        ));
        listeners.push(on(
            &doc,
            "keyup",
            rc(|me, e| {
                if let Some(Shortcut::PrintScreen) = e.dyn_ref::<web_sys::KeyboardEvent>().and_then(shortcut)
                {
                    me.record(EventKind::Shortcut {
                        key: Shortcut::PrintScreen,
                    });
                }
            }),
        ));
        listeners.push(on(
            &doc,
            "fullscreenchange",
            rc(|me, _| {
                let inside = document().fullscreen_element().is_some();
                me.status.outside_fullscreen.set(!inside);
                me.record(if inside {
                    EventKind::FullscreenEntered
                } else {
                    EventKind::FullscreenExited
                });
            }),
        ));
        {
            let me = Rc::clone(&inner);
            let pending_resize: Rc<RefCell<Option<Timeout>>> = Rc::default();
            listeners.push(EventListener::new(&win, "resize", move |_| {
                let me = Rc::clone(&me);
                // One event per resize gesture, not one per frame.
                *pending_resize.borrow_mut() = Some(Timeout::new(400, move || {
                    let w = window();
                    let px =
                        |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as u32;
                    me.record(EventKind::Resize {
                        width: px(w.inner_width()),
                        height: px(w.inner_height()),
                    });
                    me.check_window();
                    if screen_extended() == Some(true) {
                        me.record(EventKind::Screens { extended: true });
                    }
                }));
            }));
        }
        listeners.push(on(&win, "pagehide", rc(|me, _| me.beacon())));

        let heartbeat = {
            let me = Rc::clone(&inner);
            Interval::new(HEARTBEAT_MS as u32, move || {
                me.record(EventKind::Heartbeat);
                me.check_window();
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
        if let Some(extended) = screen_extended() {
            inner.record(EventKind::Screens { extended });
        }
        inner.check_window();
        inner.connect();
        Recorder {
            inner,
            _listeners: listeners,
            _timers: vec![heartbeat],
        }
    }
}
