//! The DOM signals the monitoring notice names, each recorded as an event: focus and
//! visibility, clipboard, shortcuts, fullscreen, the window's size, screens, and docked
//! devtools.

use super::link::Inner;
use gloo_events::{EventListener, EventListenerOptions};
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use shared::telemetry::{paste_fingerprint, EventKind, Shortcut};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::VisibilityState;

/// Docked devtools make the outer window this much larger than the page.
const DEVTOOLS_GAP_PX: i32 = 160;

/// Listens for every signal; dropping the listeners stops it.
pub(super) fn listen(inner: &Rc<Inner>) -> Vec<EventListener> {
    let doc = document();
    let win = window();
    let mut listeners = Vec::new();
    let on = |target: &web_sys::EventTarget, name: &'static str, f: Box<dyn Fn(&web_sys::Event)>| {
        EventListener::new_with_options(target, name, EventListenerOptions::default(), move |e| f(e))
    };
    let rc = |f: fn(&Rc<Inner>, &web_sys::Event)| {
        let me = Rc::clone(inner);
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
            if let Some(Shortcut::PrintScreen) = e.dyn_ref::<web_sys::KeyboardEvent>().and_then(shortcut) {
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
        let me = Rc::clone(inner);
        let pending_resize: Rc<RefCell<Option<Timeout>>> = Rc::default();
        listeners.push(EventListener::new(&win, "resize", move |_| {
            let me = Rc::clone(&me);
            // One event per resize gesture, not one per frame.
            *pending_resize.borrow_mut() = Some(Timeout::new(400, move || {
                let w = window();
                let px = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as u32;
                me.record(EventKind::Resize {
                    width: px(w.inner_width()),
                    height: px(w.inner_height()),
                });
                check_window(&me);
                if screen_extended() == Some(true) {
                    me.record(EventKind::Screens { extended: true });
                }
            }));
        }));
    }
    listeners.push(on(&win, "pagehide", rc(|me, _| me.beacon())));

    listeners
}

/// Records docked devtools once each time the window's size starts to look like them.
pub(super) fn check_window(me: &Rc<Inner>) {
    let w = window();
    let size = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as i32;
    let width_gap = size(w.outer_width()) - size(w.inner_width());
    let height_gap = size(w.outer_height()) - size(w.inner_height());
    let open = width_gap > DEVTOOLS_GAP_PX || height_gap > DEVTOOLS_GAP_PX;
    if open && !me.devtools_open.get() {
        me.record(EventKind::DevtoolsSuspected {
            width_gap: width_gap.max(0) as u32,
            height_gap: height_gap.max(0) as u32,
        });
    }
    me.devtools_open.set(open);
}

/// `screen.isExtended`, where the browser has it.
pub(super) fn screen_extended() -> Option<bool> {
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
