//! The detector's settings against the fake camera's own videos (`end2end/camera-frames.sh`,
//! made by `scripts/setup.sh --test`): one face, none, two. The browser tests see the same
//! through Chromium; this finds a wrong setting in seconds, without a browser. Skipped, with a
//! note, where the videos have not been made.

use std::path::PathBuf;

/// The first frame's luma plane of a 4:2:0 y4m file: the greyscale picture the detector sees.
fn first_frame_luma(bytes: &[u8]) -> Option<(Vec<u8>, u32, u32)> {
    let header_end = bytes.iter().position(|&b| b == b'\n')?;
    let header = std::str::from_utf8(&bytes[..header_end]).ok()?;
    let field = |tag: char| {
        header
            .split(' ')
            .find_map(|f| f.strip_prefix(tag))
            .and_then(|v| v.parse::<u32>().ok())
    };
    let (width, height) = (field('W')?, field('H')?);
    let frame = &bytes[header_end + 1..];
    let data_start = frame.iter().position(|&b| b == b'\n')? + 1;
    let len = usize::try_from(width).ok()? * usize::try_from(height).ok()?;
    let luma = frame.get(data_start..data_start + len)?.to_vec();
    Some((luma, width, height))
}

fn faces_in(video: &str) -> Option<i32> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../end2end/.camera-frames")
        .join(video);
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!(
            "skipped: {} not made (scripts/setup.sh --test makes it)",
            path.display()
        );
        return None;
    };
    let (luma, width, height) = first_frame_luma(&bytes).expect("a 4:2:0 y4m video");
    Some(detector::count_in_grey(&luma, width, height))
}

#[test]
fn the_fake_cameras_faces_are_counted() {
    for (video, expected) in [("one.y4m", 1), ("none.y4m", 0), ("two.y4m", 2)] {
        if let Some(faces) = faces_in(video) {
            assert_eq!(faces, expected, "{video}");
        }
    }
}
