//! The face-counting worker: a frame is drawn from the video to a canvas, its pixels are
//! handed (moved, not copied) to `camera-worker.js`, which runs the detector and answers with
//! a count. At most one frame is in the worker at a time; a tick while it is busy is skipped.

use super::{CameraEvent, FRAME_WIDTH};
use gloo_timers::callback::Interval;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MessageEvent, Worker};

/// `HAVE_CURRENT_DATA`: the video has a frame to draw.
const HAVE_CURRENT_DATA: u16 = 2;

pub struct Sampler {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(JsValue)>,
    _tick: Interval,
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

impl Sampler {
    pub fn start(
        video: HtmlVideoElement,
        period_ms: u32,
        on_event: Rc<dyn Fn(CameraEvent)>,
    ) -> Result<Sampler, String> {
        let worker = Worker::new(&worker_url()?).map_err(|e| format!("{e:?}"))?;
        let busy = Rc::new(Cell::new(false));
        let on_message = {
            let (busy, on_event) = (busy.clone(), on_event.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                busy.set(false);
                let data = message.data();
                let field = |name: &str| js_sys::Reflect::get(&data, &JsValue::from_str(name)).ok();
                if let Some(error) = field("error").and_then(|e| e.as_string()) {
                    on_event(CameraEvent::DetectorFailed(error));
                    return;
                }
                let faces = field("faces").and_then(|f| f.as_f64());
                let ms = field("ms").and_then(|f| f.as_f64()).unwrap_or(0.0);
                match faces {
                    // The worker answers 0..=i32::MAX; anything else is a broken worker.
                    Some(n) if (0.0..=f64::from(u32::MAX)).contains(&n) => {
                        on_event(CameraEvent::Faces(n as u32, ms))
                    }
                    _ => on_event(CameraEvent::DetectorFailed(
                        "the worker's answer could not be read".into(),
                    )),
                }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let on_error = {
            let on_event = on_event.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |_| {
                on_event(CameraEvent::DetectorFailed(
                    "the face detector could not be loaded".into(),
                ));
            })
        };
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));

        let canvas: HtmlCanvasElement = leptos::prelude::document()
            .create_element("canvas")
            .map_err(|e| format!("{e:?}"))?
            .unchecked_into();
        // Read back every time: kept in memory rather than on the GPU.
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"willReadFrequently".into(), &JsValue::TRUE);
        let context: CanvasRenderingContext2d = canvas
            .get_context_with_context_options("2d", &options)
            .map_err(|e| format!("{e:?}"))?
            .ok_or("no 2d canvas")?
            .unchecked_into();
        let tick = {
            let worker = worker.clone();
            Interval::new(period_ms, move || {
                if busy.get() {
                    return;
                }
                if let Some(frame) = grab(&video, &canvas, &context) {
                    if post(&worker, frame).is_ok() {
                        busy.set(true);
                    }
                }
            })
        };
        Ok(Sampler {
            worker,
            _on_message: on_message,
            _on_error: on_error,
            _tick: tick,
        })
    }
}

/// One frame's RGBA pixels at [`FRAME_WIDTH`] wide, with its size.
struct Frame {
    width: u32,
    height: u32,
    pixels: js_sys::ArrayBuffer,
}

fn grab(
    video: &HtmlVideoElement,
    canvas: &HtmlCanvasElement,
    context: &CanvasRenderingContext2d,
) -> Option<Frame> {
    if video.ready_state() < HAVE_CURRENT_DATA {
        return None;
    }
    let (vw, vh) = (video.video_width(), video.video_height());
    if vw == 0 || vh == 0 {
        return None;
    }
    let width = FRAME_WIDTH;
    // The camera's aspect kept; a portrait camera gives a taller frame, bounded.
    let height =
        (u64::from(FRAME_WIDTH) * u64::from(vh) / u64::from(vw)).clamp(1, 2 * u64::from(FRAME_WIDTH)) as u32;
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    context
        .draw_image_with_html_video_element_and_dw_and_dh(
            video,
            0.0,
            0.0,
            f64::from(width),
            f64::from(height),
        )
        .ok()?;
    let image = context
        .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
        .ok()?;
    let data: js_sys::Uint8ClampedArray = js_sys::Reflect::get(&image, &"data".into())
        .ok()?
        .dyn_into()
        .ok()?;
    Some(Frame {
        width,
        height,
        pixels: data.buffer(),
    })
}

fn post(worker: &Worker, frame: Frame) -> Result<(), JsValue> {
    let message = js_sys::Object::new();
    js_sys::Reflect::set(&message, &"width".into(), &frame.width.into())?;
    js_sys::Reflect::set(&message, &"height".into(), &frame.height.into())?;
    js_sys::Reflect::set(&message, &"pixels".into(), &frame.pixels)?;
    worker.post_message_with_transfer(&message, &js_sys::Array::of1(&frame.pixels))
}

/// `camera-worker.js` sits beside the stylesheet, under the build's versioned path (the
/// shell's `<link id="leptos" href="/pkg/<version>/vigil.css">`), and is cached with it.
fn worker_url() -> Result<String, String> {
    let href = leptos::prelude::document()
        .get_element_by_id("leptos")
        .and_then(|link| link.get_attribute("href"))
        .ok_or("the page names no stylesheet to find the worker beside")?;
    let (dir, _) = href
        .rsplit_once('/')
        .ok_or("the stylesheet's address has no directory")?;
    Ok(format!("{dir}/camera-worker.js"))
}
