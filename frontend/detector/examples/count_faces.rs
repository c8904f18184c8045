//! Counts the faces in raw greyscale frames and times the detector, natively:
//! `cargo run --release -p detector --example count_faces -- 320 240 frame.grey…`
//! (make a frame with `ffmpeg -i photo.png -vf scale=320:240 -pix_fmt gray -f rawvideo frame.grey`).

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(w), Some(h)) = (
        args.first().and_then(|a| a.parse().ok()),
        args.get(1).and_then(|a| a.parse().ok()),
    ) else {
        eprintln!("usage: count_faces WIDTH HEIGHT FRAME.grey…");
        std::process::exit(2);
    };
    for path in &args[2..] {
        let grey = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let start = std::time::Instant::now();
        let faces = detector::count_in_grey(&grey, w, h);
        println!(
            "{path}: {faces} face(s) in {:.1} ms",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
}
