//! Counts the faces in one camera frame, in the candidate's browser.
//!
//! This is its own wasm file, fetched by the camera worker (`camera-worker.js`) only when a
//! camera-proctored exam starts; the main bundle never holds it. The detector is rustface
//! (SeetaFace's frontal cascade), whose model is embedded, so the one file is all the worker
//! needs. A frontal detector finds faces turned towards the camera: a face turned well away
//! counts as none, which is why Vigil claims no "looking away" flag.
//!
//! The interface is a plain C one, so no JavaScript glue is generated: the worker asks for a
//! buffer of a frame's size ([`frame_buffer`]), copies the RGBA pixels into it, and calls
//! [`count_faces`]. Nothing here keeps a frame after the call returns, and nothing leaves the
//! worker but the count.

use rustface::{Detector, ImageData};
use std::cell::RefCell;

/// What rustface is told is the smallest face. rustface 0.1.7 does not use it (its image
/// pyramid starts at the frame's own size): the smallest face it finds is set by its 40-pixel
/// window, about 30 pixels across at 320×240 with the window's tolerance (checked on scaled
/// copies of scikit-image's astronaut, 2026-12-06). A face at a laptop's distance is 60–120
/// pixels; two people side by side, scaled to 320 wide, about 35 each.
pub const MIN_FACE_PX: u32 = 24;
/// How much smaller each level of the image pyramid is than the one before. rustface's
/// default, 0.8, gives nine levels for a 320×240 frame; 0.7 gives six and takes a quarter to a
/// third less time (the same wasm in Node.js, faces 47–124 pixels across: 24–31 ms → 17–20 ms;
/// 0.75 saved half as much), so a face near the camera, the common case and the slowest, stays
/// well under 30 ms. On scaled copies of scikit-image's photos it found every face 30–150 pixels
/// across that 0.8 found, both faces of the mirrored pair, and no face in the 24 faceless
/// photos, none even at half the score threshold (checked 2026-12-06).
const PYRAMID_STEP: f32 = 0.7;
/// The cascade's score a window must reach to count as a face. rustface's example uses 2.0,
/// which missed one of two faces 35 pixels across; 1.5 found both, and found no face in any of
/// the 24 faceless photos shipped with scikit-image (checked by hand, 2026-12-06). It sits
/// between the two kinds of error: with the contrast cut to a quarter, the cameraman's face
/// (49 px) still scored 2.0 and a false window in the same picture 0.8.
const SCORE_THRESHOLD: f64 = 1.5;
/// Larger frames are refused: the page sends 320×240, and the limit bounds the memory a
/// caller can make the worker take.
pub const MAX_SIDE_PX: u32 = 1280;

static MODEL: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/seeta_fd_frontal.bin"));

/// What [`count_faces`] returns when the frame cannot be examined.
pub const BAD_FRAME: i32 = -1;
/// What [`count_faces`] returns when the embedded model cannot be read (a broken build).
pub const NO_MODEL: i32 = -2;

thread_local! {
    static DETECTOR: RefCell<Option<Box<dyn Detector>>> = const { RefCell::new(None) };
    static FRAME: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static GREY: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

fn new_detector() -> Option<Box<dyn Detector>> {
    let model = rustface::read_model(std::io::Cursor::new(MODEL)).ok()?;
    let mut detector = rustface::create_detector_with_model(model);
    detector.set_min_face_size(MIN_FACE_PX);
    detector.set_score_thresh(SCORE_THRESHOLD);
    detector.set_pyramid_scale_factor(PYRAMID_STEP);
    detector.set_slide_window_step(4, 4);
    Some(detector)
}

fn frame_len(width: u32, height: u32) -> Option<usize> {
    if width == 0 || height == 0 || width > MAX_SIDE_PX || height > MAX_SIDE_PX {
        return None;
    }
    (width as usize).checked_mul(height as usize)?.checked_mul(4)
}

/// A buffer for one RGBA frame of `width`×`height` (4 bytes a pixel), in this module's
/// memory; null for a size out of bounds. Valid until the next call.
#[no_mangle]
pub extern "C" fn frame_buffer(width: u32, height: u32) -> *mut u8 {
    let Some(len) = frame_len(width, height) else {
        return std::ptr::null_mut();
    };
    FRAME.with_borrow_mut(|frame| {
        frame.clear();
        frame.resize(len, 0);
        frame.as_mut_ptr()
    })
}

/// How many faces the frame last written to [`frame_buffer`] holds; [`BAD_FRAME`] when its
/// size does not match the buffer's.
#[no_mangle]
pub extern "C" fn count_faces(width: u32, height: u32) -> i32 {
    let Some(len) = frame_len(width, height) else {
        return BAD_FRAME;
    };
    FRAME.with_borrow(|frame| {
        if frame.len() != len {
            return BAD_FRAME;
        }
        GREY.with_borrow_mut(|grey| {
            to_grey(frame, grey);
            count_in_grey(grey, width, height)
        })
    })
}

/// ITU-R BT.601 luma, in integers: what the detector's model was trained on.
fn to_grey(rgba: &[u8], grey: &mut Vec<u8>) {
    grey.clear();
    grey.extend(rgba.chunks_exact(4).map(|p| {
        let y = 299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2]);
        // At most 255 × 1000 / 1000.
        (y / 1000) as u8
    }));
}

/// Faces in a greyscale frame (one byte a pixel).
pub fn count_in_grey(grey: &[u8], width: u32, height: u32) -> i32 {
    if width == 0 || height == 0 || grey.len() as u64 != u64::from(width) * u64::from(height) {
        return BAD_FRAME;
    }
    DETECTOR.with_borrow_mut(|slot| {
        if slot.is_none() {
            *slot = new_detector();
        }
        let Some(detector) = slot.as_mut() else {
            return NO_MODEL;
        };
        let faces = detector.detect(&ImageData::new(grey, width, height));
        i32::try_from(faces.len()).unwrap_or(i32::MAX)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_model_loads_and_an_empty_frame_has_no_face() {
        let grey = vec![128u8; 320 * 240];
        assert_eq!(count_in_grey(&grey, 320, 240), 0);
    }

    #[test]
    fn frames_of_the_wrong_size_are_refused_not_examined() {
        assert!(frame_buffer(0, 240).is_null());
        assert!(frame_buffer(MAX_SIDE_PX + 1, 10).is_null());
        assert!(!frame_buffer(320, 240).is_null());
        // The buffer holds a 320×240 frame; asking about another size is refused.
        assert_eq!(count_faces(640, 480), BAD_FRAME);
        assert_eq!(count_faces(320, 240), 0);
        assert_eq!(count_in_grey(&[0; 10], 4, 4), BAD_FRAME);
    }

    #[test]
    fn luma_weights_green_most() {
        let mut grey = Vec::new();
        to_grey(
            &[255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255],
            &mut grey,
        );
        assert_eq!(grey, vec![76, 149, 29, 255]);
    }
}
