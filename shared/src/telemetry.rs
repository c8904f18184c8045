//! The telemetry envelope and the frames that carry it: one definition for the browser that
//! records and the server that stores.

use serde::{Deserialize, Serialize};

/// Bumped when the envelope changes shape; the server refuses versions it does not know.
pub const ENVELOPE_VERSION: u16 = 1;
/// Most events one batch may carry.
pub const MAX_BATCH_EVENTS: usize = 500;
/// Largest WebSocket frame the server reads.
pub const MAX_FRAME_BYTES: usize = 256 * 1024;
/// Largest client/server clock difference accepted. Beyond it the client's clock is broken
/// (or forged) and its times would mislead a reviewer.
pub const MAX_CLOCK_SKEW_MS: i64 = 24 * 60 * 60 * 1000;
/// How often the browser sends a heartbeat.
pub const HEARTBEAT_MS: i64 = 5_000;
/// Longest hash of pasted text accepted (hex).
pub const MAX_HASH_LEN: usize = 64;
/// Most faces one camera sample may report (a detector finding more is broken or fed a crowd).
pub const MAX_FACES: u32 = 64;

/// A keyboard shortcut the exam page noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shortcut {
    PrintScreen,
    Copy,
    Cut,
    Paste,
    SelectAll,
    DevTools,
}

/// What happened, with the little the rules need to know about it. Never the text itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    VisibilityHidden,
    VisibilityVisible,
    WindowBlur,
    WindowFocus,
    /// Characters selected when copying.
    Copy {
        length: u32,
    },
    Cut {
        length: u32,
    },
    /// Characters pasted and a hash of the text, so identical pastes can be matched.
    Paste {
        length: u32,
        hash: String,
    },
    ContextMenu,
    Shortcut {
        key: Shortcut,
    },
    FullscreenEntered,
    FullscreenExited,
    Resize {
        width: u32,
        height: u32,
    },
    /// `screen.isExtended`, where the browser reports it.
    Screens {
        extended: bool,
    },
    /// The window's outer size exceeds its inner size by more than docked devtools leave.
    DevtoolsSuspected {
        width_gap: u32,
        height_gap: u32,
    },
    Online,
    Offline,
    Heartbeat,
    /// The exam page shows question `number` (1-based, in the candidate's order).
    QuestionShown {
        number: u32,
    },
    /// The server confirmed the answer to question `number` was saved.
    AnswerSaved {
        number: u32,
    },
    /// One camera sample, examined on the device: how many faces the detector found. The
    /// picture itself never leaves the browser.
    FacesCounted {
        faces: u32,
    },
    /// The camera started for camera proctoring.
    CameraStarted,
    /// The page switched the camera off (the exam ended).
    CameraStopped,
    /// The candidate (or the browser's settings) refused the camera.
    CameraDenied,
    /// The device has no camera.
    CameraMissing,
    /// The camera stopped on its own during the exam (unplugged, taken by another program).
    CameraTrackEnded,
}

/// Most questions an exam can have, as far as telemetry is concerned.
pub const MAX_QUESTION_NUMBER: u32 = 10_000;

impl EventKind {
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::VisibilityHidden => "visibility_hidden",
            EventKind::VisibilityVisible => "visibility_visible",
            EventKind::WindowBlur => "window_blur",
            EventKind::WindowFocus => "window_focus",
            EventKind::Copy { .. } => "copy",
            EventKind::Cut { .. } => "cut",
            EventKind::Paste { .. } => "paste",
            EventKind::ContextMenu => "context_menu",
            EventKind::Shortcut { .. } => "shortcut",
            EventKind::FullscreenEntered => "fullscreen_entered",
            EventKind::FullscreenExited => "fullscreen_exited",
            EventKind::Resize { .. } => "resize",
            EventKind::Screens { .. } => "screens",
            EventKind::DevtoolsSuspected { .. } => "devtools_suspected",
            EventKind::Online => "online",
            EventKind::Offline => "offline",
            EventKind::Heartbeat => "heartbeat",
            EventKind::QuestionShown { .. } => "question_shown",
            EventKind::AnswerSaved { .. } => "answer_saved",
            EventKind::FacesCounted { .. } => "faces_counted",
            EventKind::CameraStarted => "camera_started",
            EventKind::CameraStopped => "camera_stopped",
            EventKind::CameraDenied => "camera_denied",
            EventKind::CameraMissing => "camera_missing",
            EventKind::CameraTrackEnded => "camera_track_ended",
        }
    }

    /// Whether this comes from camera proctoring (taken only for exams that use the camera).
    pub fn is_camera(&self) -> bool {
        matches!(
            self,
            EventKind::FacesCounted { .. }
                | EventKind::CameraStarted
                | EventKind::CameraStopped
                | EventKind::CameraDenied
                | EventKind::CameraMissing
                | EventKind::CameraTrackEnded
        )
    }

    /// A phrase a reviewer reads in a session's timeline.
    pub fn describe(&self) -> String {
        match self {
            EventKind::VisibilityHidden => "Exam page hidden".into(),
            EventKind::VisibilityVisible => "Exam page visible again".into(),
            EventKind::WindowBlur => "Window lost focus".into(),
            EventKind::WindowFocus => "Window focused".into(),
            EventKind::Copy { length } => format!("Copied {length} characters"),
            EventKind::Cut { length } => format!("Cut {length} characters"),
            EventKind::Paste { length, .. } => format!("Pasted {length} characters"),
            EventKind::ContextMenu => "Opened the context menu".into(),
            EventKind::Shortcut { key } => format!("Pressed the {} shortcut", shortcut_label(*key)),
            EventKind::FullscreenEntered => "Entered fullscreen".into(),
            EventKind::FullscreenExited => "Left fullscreen".into(),
            EventKind::Resize { width, height } => format!("Window resized to {width}×{height}"),
            EventKind::Screens { extended: true } => "More than one screen attached".into(),
            EventKind::Screens { extended: false } => "One screen attached".into(),
            EventKind::DevtoolsSuspected { .. } => "Developer tools appear open".into(),
            EventKind::Online => "Back online".into(),
            EventKind::Offline => "Went offline".into(),
            EventKind::Heartbeat => "Heartbeat".into(),
            EventKind::QuestionShown { number } => format!("Question {number} shown"),
            EventKind::AnswerSaved { number } => format!("Answer to question {number} saved"),
            EventKind::FacesCounted { faces: 0 } => "Camera sample: no face".into(),
            EventKind::FacesCounted { faces: 1 } => "Camera sample: one face".into(),
            EventKind::FacesCounted { faces } => format!("Camera sample: {faces} faces"),
            EventKind::CameraStarted => "Camera started".into(),
            EventKind::CameraStopped => "Camera switched off".into(),
            EventKind::CameraDenied => "Camera refused".into(),
            EventKind::CameraMissing => "No camera on this device".into(),
            EventKind::CameraTrackEnded => "Camera stopped during the exam".into(),
        }
    }

    fn check(&self) -> Result<(), String> {
        match self {
            EventKind::Paste { hash, .. }
                if hash.len() > MAX_HASH_LEN || !hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                Err(format!("a paste hash is at most {MAX_HASH_LEN} hex digits"))
            }
            EventKind::Resize { width, height } if *width > 100_000 || *height > 100_000 => {
                Err("window size is out of range".into())
            }
            EventKind::QuestionShown { number } | EventKind::AnswerSaved { number }
                if *number == 0 || *number > MAX_QUESTION_NUMBER =>
            {
                Err(format!("a question number is from 1 to {MAX_QUESTION_NUMBER}"))
            }
            EventKind::FacesCounted { faces } if *faces > MAX_FACES => {
                Err(format!("a camera sample reports at most {MAX_FACES} faces"))
            }
            _ => Ok(()),
        }
    }
}

fn shortcut_label(key: Shortcut) -> &'static str {
    match key {
        Shortcut::PrintScreen => "print-screen",
        Shortcut::Copy => "copy",
        Shortcut::Cut => "cut",
        Shortcut::Paste => "paste",
        Shortcut::SelectAll => "select-all",
        Shortcut::DevTools => "developer-tools",
    }
}

/// One recorded event. `seq` starts at 1 and grows by one per event within a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub v: u16,
    pub session_id: String,
    pub seq: i64,
    /// Browser clock, epoch milliseconds. Recorded for the timeline, never trusted for deadlines.
    pub client_ms: i64,
    pub kind: EventKind,
}

/// Browser → server over the telemetry WebSocket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    Batch { events: Vec<Envelope> },
}

/// Server → browser over the telemetry WebSocket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// Sent on connect: everything up to `last_seq` is stored; send what follows.
    Hello { last_seq: i64 },
    /// Everything up to `seq` is stored.
    Ack { seq: i64 },
    /// The frame was refused and nothing of it was stored.
    Error { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum BatchError {
    #[error("the batch is empty")]
    Empty,
    #[error("a batch may hold at most {MAX_BATCH_EVENTS} events, this one has {0}")]
    TooLarge(usize),
    #[error("envelope version {0} is not supported (expected {ENVELOPE_VERSION})")]
    Version(u16),
    #[error("event {seq} belongs to another session")]
    ForeignSession { seq: i64 },
    #[error("sequence numbers must start at 1 and increase by one; got {got} after {after}")]
    Sequence { after: i64, got: i64 },
    #[error("event {seq}: client clock is {skew_ms} ms away from the server's")]
    ClockSkew { seq: i64, skew_ms: i64 },
    #[error("event {seq}: {reason}")]
    Payload { seq: i64, reason: String },
}

/// Checks a batch for `session_id` against the server's clock. Events may repeat ones already
/// stored (a re-send after a lost acknowledgement); the caller stores them idempotently.
pub fn validate_batch(session_id: &str, batch: &[Envelope], server_now_ms: i64) -> Result<(), BatchError> {
    if batch.is_empty() {
        return Err(BatchError::Empty);
    }
    if batch.len() > MAX_BATCH_EVENTS {
        return Err(BatchError::TooLarge(batch.len()));
    }
    let mut prev: Option<i64> = None;
    for e in batch {
        if e.v != ENVELOPE_VERSION {
            return Err(BatchError::Version(e.v));
        }
        if e.session_id != session_id {
            return Err(BatchError::ForeignSession { seq: e.seq });
        }
        // Checked: a sequence number of i64::MAX must get an error, not an overflow.
        let in_order = match prev {
            Some(p) => p.checked_add(1) == Some(e.seq),
            None => e.seq >= 1,
        };
        if !in_order {
            return Err(BatchError::Sequence {
                after: prev.unwrap_or(0),
                got: e.seq,
            });
        }
        let skew_ms = e.client_ms.saturating_sub(server_now_ms);
        if skew_ms.unsigned_abs() > MAX_CLOCK_SKEW_MS.unsigned_abs() {
            return Err(BatchError::ClockSkew { seq: e.seq, skew_ms });
        }
        e.kind
            .check()
            .map_err(|reason| BatchError::Payload { seq: e.seq, reason })?;
        prev = Some(e.seq);
    }
    Ok(())
}

/// FNV-1a, 64 bits, as hex: a fingerprint of pasted text that lets a reviewer see two pastes
/// were the same without Vigil ever holding the text.
pub fn paste_fingerprint(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(seq: i64) -> Envelope {
        Envelope {
            v: ENVELOPE_VERSION,
            session_id: "s1".into(),
            seq,
            client_ms: 1_000,
            kind: EventKind::VisibilityHidden,
        }
    }

    #[test]
    fn accepts_a_contiguous_batch() {
        assert_eq!(validate_batch("s1", &[ev(3), ev(4), ev(5)], 1_000), Ok(()));
    }

    #[test]
    fn refuses_gaps_zero_and_other_sessions() {
        assert_eq!(
            validate_batch("s1", &[ev(1), ev(3)], 1_000),
            Err(BatchError::Sequence { after: 1, got: 3 })
        );
        assert!(validate_batch("s1", &[ev(0)], 1_000).is_err());
        assert_eq!(
            validate_batch("s2", &[ev(1)], 1_000),
            Err(BatchError::ForeignSession { seq: 1 })
        );
        assert_eq!(validate_batch("s1", &[], 1_000), Err(BatchError::Empty));
        let big: Vec<_> = (1..=(MAX_BATCH_EVENTS as i64 + 1)).map(ev).collect();
        assert_eq!(
            validate_batch("s1", &big, 1_000),
            Err(BatchError::TooLarge(MAX_BATCH_EVENTS + 1))
        );
    }

    #[test]
    fn refuses_wild_clocks_unknown_versions_and_bad_payloads() {
        let mut e = ev(1);
        e.client_ms = 1_000 + MAX_CLOCK_SKEW_MS + 1;
        assert!(matches!(
            validate_batch("s1", &[e], 1_000),
            Err(BatchError::ClockSkew { .. })
        ));
        let mut e = ev(1);
        e.v = 99;
        assert_eq!(validate_batch("s1", &[e], 1_000), Err(BatchError::Version(99)));
        let mut e = ev(1);
        e.kind = EventKind::Paste {
            length: 3,
            hash: "not hex at all".into(),
        };
        assert!(matches!(
            validate_batch("s1", &[e], 1_000),
            Err(BatchError::Payload { .. })
        ));
        for number in [0, MAX_QUESTION_NUMBER + 1] {
            let mut e = ev(1);
            e.kind = EventKind::QuestionShown { number };
            assert!(matches!(
                validate_batch("s1", &[e], 1_000),
                Err(BatchError::Payload { .. })
            ));
        }
        let mut e = ev(1);
        e.kind = EventKind::AnswerSaved { number: 3 };
        assert_eq!(validate_batch("s1", &[e], 1_000), Ok(()));
    }

    #[test]
    fn a_camera_sample_is_a_count_within_bounds_and_nothing_else() {
        let mut e = ev(1);
        e.kind = EventKind::FacesCounted { faces: MAX_FACES + 1 };
        assert!(matches!(
            validate_batch("s1", &[e.clone()], 1_000),
            Err(BatchError::Payload { .. })
        ));
        e.kind = EventKind::FacesCounted { faces: 2 };
        assert_eq!(validate_batch("s1", &[e], 1_000), Ok(()));
        // The wire form: a tag and a number. A picture smuggled beside it is not part of the
        // event: it is dropped when parsed, so it can never be stored.
        let parsed: EventKind = serde_json::from_str(
            r#"{"type":"faces_counted","faces":1,"image":"data:image/png;base64,AAAA"}"#,
        )
        .expect("unknown fields are ignored");
        assert_eq!(parsed, EventKind::FacesCounted { faces: 1 });
        assert_eq!(
            serde_json::to_string(&parsed).expect("serialises"),
            r#"{"type":"faces_counted","faces":1}"#
        );
        assert!(serde_json::from_str::<EventKind>(r#"{"type":"faces_counted","faces":-1}"#).is_err());
    }

    fn extreme() -> impl proptest::strategy::Strategy<Value = i64> {
        use proptest::prelude::*;
        prop_oneof![
            Just(i64::MIN),
            Just(i64::MIN + 1),
            Just(-1),
            Just(0),
            Just(1),
            Just(i64::MAX - 1),
            Just(i64::MAX),
            any::<i64>(),
        ]
    }

    proptest::proptest! {
        /// Sequence numbers and client times at the ends of i64 get an error, never an
        /// overflow (which would panic in a debug build and wrap in a release one).
        #[test]
        fn extreme_sequence_numbers_and_clocks_are_refused_not_overflowed(
            seqs in proptest::collection::vec(extreme(), 1..4),
            clocks in proptest::collection::vec(extreme(), 1..4),
            now in extreme(),
        ) {
            let batch: Vec<Envelope> = seqs
                .iter()
                .zip(clocks.iter().cycle())
                .map(|(seq, ms)| Envelope { seq: *seq, client_ms: *ms, ..ev(1) })
                .collect();
            let result = validate_batch("s1", &batch, now);
            let contiguous = batch.windows(2).all(|w| w[0].seq.checked_add(1) == Some(w[1].seq))
                && batch[0].seq >= 1;
            let in_skew = batch.iter().all(|e| {
                (i128::from(e.client_ms) - i128::from(now)).abs() <= i128::from(MAX_CLOCK_SKEW_MS)
            });
            proptest::prop_assert_eq!(result.is_ok(), contiguous && in_skew, "{:?}", result);
        }
    }

    #[test]
    fn json_shapes_are_stable() {
        let json = serde_json::to_string(&ev(1)).unwrap();
        assert_eq!(
            json,
            r#"{"v":1,"session_id":"s1","seq":1,"client_ms":1000,"kind":{"type":"visibility_hidden"}}"#
        );
        let frame: ClientFrame = serde_json::from_str(
            r#"{"type":"batch","events":[{"v":1,"session_id":"s","seq":1,"client_ms":5,"kind":{"type":"paste","length":4,"hash":"ab"}}]}"#,
        )
        .unwrap();
        let ClientFrame::Batch { events } = frame;
        assert_eq!(events[0].kind.name(), "paste");
        assert_eq!(
            serde_json::to_string(&ServerFrame::Ack { seq: 7 }).unwrap(),
            r#"{"type":"ack","seq":7}"#
        );
    }

    #[test]
    fn fingerprints_match_for_equal_text_only() {
        assert_eq!(paste_fingerprint("hello"), paste_fingerprint("hello"));
        assert_ne!(paste_fingerprint("hello"), paste_fingerprint("hellp"));
        assert_eq!(paste_fingerprint("").len(), 16);
    }
}
