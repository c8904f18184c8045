//! Rules: stored events in, flags out. Flags are evidence for a reviewer, never a verdict, so
//! each names the events that raised it. Rules look at durations and bursts rather than raw
//! counts, and the exam's sensitivity sets the thresholds, so a false positive stays rare and
//! cheap to dismiss.
//!
//! The engine is incremental: [`RulesState`] carries what it needs between batches. A server
//! that lost the state (a restart, another node) rebuilds it by replaying the session's stored
//! events; `server/tests/review_integrity.rs` restarts a real server in the middle of a
//! hidden-page interval and checks that exactly one flag comes of it.

mod camera;

use crate::domain::{FlagType, Sensitivity, Severity};
use crate::telemetry::{EventKind, Shortcut};

/// An event as stored, with the id the evidence refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub id: String,
    pub seq: i64,
    pub client_ms: i64,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFlag {
    pub flag_type: FlagType,
    pub severity: Severity,
    pub evidence: Vec<String>,
}

/// Where each rule draws its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// Page hidden at least this long.
    pub hidden_ms: i64,
    /// Out of fullscreen at least this long.
    pub fullscreen_ms: i64,
    /// Offline at least this long.
    pub offline_ms: i64,
    /// No event at all for this long (heartbeats come every few seconds).
    pub gap_ms: i64,
    /// This many focus losses…
    pub blur_count: usize,
    /// …within this window.
    pub blur_window_ms: i64,
    /// Pasted (or copied) at least this many characters.
    pub paste_chars: u32,
    /// Camera samples without a face spanning at least this long.
    pub no_face_ms: i64,
    /// This many camera samples with two or more faces…
    pub multi_face_samples: usize,
    /// …among this many of the latest samples (one stray detection is not a flag).
    pub multi_face_window: usize,
    /// Whether the camera rules run at all (an accommodation can turn them off).
    pub camera_rules: bool,
    /// Whether the exam uses the camera, so a camera that never reports is itself a sign
    /// (set from the exam's camera setting with [`Thresholds::expecting_camera`]).
    pub camera_expected: bool,
}

impl Thresholds {
    pub fn for_sensitivity(s: Sensitivity) -> Thresholds {
        match s {
            Sensitivity::Low => Thresholds {
                hidden_ms: 10_000,
                fullscreen_ms: 15_000,
                offline_ms: 60_000,
                gap_ms: 60_000,
                blur_count: 6,
                blur_window_ms: 60_000,
                paste_chars: 200,
                no_face_ms: 30_000,
                multi_face_samples: 4,
                multi_face_window: 5,
                camera_rules: true,
                camera_expected: false,
            },
            Sensitivity::Medium => Thresholds {
                hidden_ms: 2_000,
                fullscreen_ms: 5_000,
                offline_ms: 30_000,
                gap_ms: 30_000,
                blur_count: 4,
                blur_window_ms: 60_000,
                paste_chars: 50,
                no_face_ms: 15_000,
                multi_face_samples: 3,
                multi_face_window: 5,
                camera_rules: true,
                camera_expected: false,
            },
            Sensitivity::High => Thresholds {
                hidden_ms: 0,
                fullscreen_ms: 1_000,
                offline_ms: 10_000,
                gap_ms: 15_000,
                blur_count: 2,
                blur_window_ms: 60_000,
                paste_chars: 10,
                no_face_ms: 8_000,
                multi_face_samples: 2,
                multi_face_window: 5,
                camera_rules: true,
                camera_expected: false,
            },
        }
    }
}

/// Rules an enrollment manager relaxed for one candidate (an accommodation). Shown to the
/// reviewer beside the flags, so a reviewer knows why a long absence raised nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Relaxations {
    /// Breaks allowed: the page may be hidden this long without a flag.
    #[serde(default)]
    pub break_minutes: u32,
    /// Assistive technology moves focus: the focus-loss rule is off.
    #[serde(default)]
    pub focus_rule_off: bool,
    /// The camera rules are off (no camera can be used, or a face is often out of view).
    #[serde(default)]
    pub camera_rules_off: bool,
}

/// Longest break an accommodation may allow.
pub const MAX_BREAK_MINUTES: u32 = 240;

impl Relaxations {
    pub fn is_none(&self) -> bool {
        *self == Relaxations::default()
    }

    /// In words, for the reviewer and the roster.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.break_minutes > 0 {
            out.push(format!(
                "Breaks allowed: up to {} minute(s) away without a flag",
                self.break_minutes
            ));
        }
        if self.focus_rule_off {
            out.push("Assistive technology: the focus-loss rule is off".to_string());
        }
        if self.camera_rules_off {
            out.push("Camera rules are off for this candidate".to_string());
        }
        out
    }
}

impl Thresholds {
    /// These thresholds for an exam that does (or does not) use the camera.
    pub fn expecting_camera(mut self, on: bool) -> Thresholds {
        self.camera_expected = on;
        self
    }

    /// These thresholds with one candidate's accommodations applied.
    pub fn relaxed(mut self, r: &Relaxations) -> Thresholds {
        let break_ms = i64::from(r.break_minutes.min(MAX_BREAK_MINUTES)) * 60_000;
        self.hidden_ms = self.hidden_ms.max(break_ms);
        if r.focus_rule_off {
            self.blur_count = usize::MAX;
        }
        if r.camera_rules_off {
            self.camera_rules = false;
        }
        self
    }
}

/// A condition that started at one event and lasts until another (page hidden, fullscreen
/// left, offline). It is flagged once, when it has lasted long enough.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Episode {
    start_id: String,
    start_ms: i64,
    flagged: bool,
}

/// What the rules remember about one session between batches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RulesState {
    hidden: Option<Episode>,
    fullscreen_left: Option<Episode>,
    offline: Option<Episode>,
    blurs: Vec<(String, i64)>,
    last: Option<(String, i64)>,
    devtools_flagged: bool,
    screens_flagged: bool,
    camera: camera::CameraState,
    /// Sequence number of the last event applied.
    pub last_seq: i64,
}

impl RulesState {
    /// Applies one event; returns the flags it raises.
    pub fn step(&mut self, th: &Thresholds, e: &StoredEvent) -> Vec<NewFlag> {
        let mut flags = Vec::new();
        let flag = |flag_type, severity, evidence: Vec<&str>| NewFlag {
            flag_type,
            severity,
            evidence: evidence.into_iter().map(String::from).collect(),
        };

        if let Some((last_id, last_ms)) = &self.last {
            if e.client_ms.saturating_sub(*last_ms) >= th.gap_ms {
                flags.push(flag(
                    FlagType::TelemetryGap,
                    Severity::Medium,
                    vec![last_id, &e.id],
                ));
            }
        }
        let episodes = [
            (
                &mut self.hidden,
                th.hidden_ms,
                FlagType::TabSwitch,
                Severity::Medium,
            ),
            (
                &mut self.fullscreen_left,
                th.fullscreen_ms,
                FlagType::FullscreenExit,
                Severity::Medium,
            ),
            (
                &mut self.offline,
                th.offline_ms,
                FlagType::NetworkOffline,
                Severity::Low,
            ),
        ];
        for (episode, limit, flag_type, severity) in episodes {
            if let Some(ep) = episode.as_mut().filter(|ep| !ep.flagged && ep.start_id != e.id) {
                if e.client_ms.saturating_sub(ep.start_ms) >= limit {
                    ep.flagged = true;
                    flags.push(flag(flag_type, severity, vec![&ep.start_id, &e.id]));
                }
            }
        }

        let open = |id: &str, ms: i64| {
            Some(Episode {
                start_id: id.to_string(),
                start_ms: ms,
                flagged: false,
            })
        };
        match &e.kind {
            EventKind::VisibilityHidden if self.hidden.is_none() => self.hidden = open(&e.id, e.client_ms),
            EventKind::VisibilityVisible => self.hidden = None,
            EventKind::FullscreenExited if self.fullscreen_left.is_none() => {
                self.fullscreen_left = open(&e.id, e.client_ms)
            }
            EventKind::FullscreenEntered => self.fullscreen_left = None,
            EventKind::Offline if self.offline.is_none() => self.offline = open(&e.id, e.client_ms),
            EventKind::Online => self.offline = None,
            EventKind::WindowBlur => {
                self.blurs
                    .retain(|(_, ms)| e.client_ms.saturating_sub(*ms) < th.blur_window_ms);
                self.blurs.push((e.id.clone(), e.client_ms));
                if self.blurs.len() >= th.blur_count {
                    let ids = self.blurs.drain(..).map(|(id, _)| id).collect();
                    flags.push(NewFlag {
                        flag_type: FlagType::WindowBlur,
                        severity: Severity::Medium,
                        evidence: ids,
                    });
                }
            }
            EventKind::Paste { length, .. } if *length >= th.paste_chars => {
                flags.push(flag(FlagType::CopyPaste, Severity::Medium, vec![&e.id]));
            }
            EventKind::Copy { length } | EventKind::Cut { length } if *length >= th.paste_chars => {
                flags.push(flag(FlagType::CopyPaste, Severity::Low, vec![&e.id]));
            }
            EventKind::Shortcut {
                key: Shortcut::PrintScreen,
            } => {
                flags.push(flag(FlagType::ScreenshotAttempt, Severity::High, vec![&e.id]));
            }
            EventKind::Shortcut {
                key: Shortcut::DevTools,
            }
            | EventKind::DevtoolsSuspected { .. }
                if !self.devtools_flagged =>
            {
                self.devtools_flagged = true;
                flags.push(flag(FlagType::DevtoolsOpen, Severity::Medium, vec![&e.id]));
            }
            EventKind::Screens { extended: true } if !self.screens_flagged => {
                self.screens_flagged = true;
                flags.push(flag(FlagType::MultipleScreens, Severity::Medium, vec![&e.id]));
            }
            _ => {}
        }
        self.camera.step(th, e, &mut flags);
        self.last = Some((e.id.clone(), e.client_ms));
        self.last_seq = e.seq;
        flags
    }
}

/// Applies `events` in order to `state`; returns every flag they raise.
pub fn evaluate(th: &Thresholds, state: &mut RulesState, events: &[StoredEvent]) -> Vec<NewFlag> {
    events.iter().flat_map(|e| state.step(th, e)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(super) fn ev(seq: i64, ms: i64, kind: EventKind) -> StoredEvent {
        StoredEvent {
            id: format!("e{seq}"),
            seq,
            client_ms: ms,
            kind,
        }
    }

    pub(super) fn run(s: Sensitivity, events: &[StoredEvent]) -> Vec<NewFlag> {
        evaluate(
            &Thresholds::for_sensitivity(s),
            &mut RulesState::default(),
            events,
        )
    }

    pub(super) fn types(flags: &[NewFlag]) -> Vec<FlagType> {
        flags.iter().map(|f| f.flag_type).collect()
    }

    #[test]
    fn a_long_tab_switch_is_one_flag_naming_both_events_and_a_short_one_none() {
        let long = [
            ev(1, 0, EventKind::Heartbeat),
            ev(2, 1_000, EventKind::VisibilityHidden),
            ev(3, 4_000, EventKind::VisibilityVisible),
        ];
        assert_eq!(
            run(Sensitivity::Medium, &long),
            vec![NewFlag {
                flag_type: FlagType::TabSwitch,
                severity: Severity::Medium,
                evidence: vec!["e2".into(), "e3".into()],
            }]
        );
        let short = [
            ev(1, 0, EventKind::VisibilityHidden),
            ev(2, 500, EventKind::VisibilityVisible),
        ];
        assert!(run(Sensitivity::Medium, &short).is_empty());
        assert_eq!(types(&run(Sensitivity::High, &short)), vec![FlagType::TabSwitch]);
    }

    #[test]
    fn a_page_still_hidden_is_flagged_once_by_a_later_heartbeat() {
        let events = [
            ev(1, 0, EventKind::VisibilityHidden),
            ev(2, 5_000, EventKind::Heartbeat),
            ev(3, 10_000, EventKind::Heartbeat),
            ev(4, 12_000, EventKind::VisibilityVisible),
        ];
        let flags = run(Sensitivity::Medium, &events);
        assert_eq!(types(&flags), vec![FlagType::TabSwitch]);
        assert_eq!(flags[0].evidence, vec!["e1".to_string(), "e2".to_string()]);
    }

    #[test]
    fn blurs_are_flagged_in_bursts_not_one_by_one() {
        let blurs: Vec<_> = (1..=4)
            .map(|i| ev(i, i * 10_000, EventKind::WindowBlur))
            .collect();
        let flags = run(Sensitivity::Medium, &blurs);
        assert_eq!(types(&flags), vec![FlagType::WindowBlur]);
        assert_eq!(flags[0].evidence.len(), 4);
        let spread: Vec<_> = (1..=4)
            .map(|i| ev(i, i * 25_000, EventKind::WindowBlur))
            .collect();
        assert!(run(Sensitivity::Medium, &spread).is_empty());
    }

    #[test]
    fn pastes_by_length_screenshots_always_devtools_and_screens_once() {
        let paste = |seq, length| {
            ev(
                seq,
                seq * 1_000,
                EventKind::Paste {
                    length,
                    hash: "ab".into(),
                },
            )
        };
        assert!(run(Sensitivity::Medium, &[paste(1, 49)]).is_empty());
        assert_eq!(
            types(&run(Sensitivity::Medium, &[paste(1, 50)])),
            vec![FlagType::CopyPaste]
        );
        let events = [
            ev(
                1,
                0,
                EventKind::Shortcut {
                    key: Shortcut::PrintScreen,
                },
            ),
            ev(
                2,
                1,
                EventKind::DevtoolsSuspected {
                    width_gap: 300,
                    height_gap: 0,
                },
            ),
            ev(
                3,
                2,
                EventKind::Shortcut {
                    key: Shortcut::DevTools,
                },
            ),
            ev(4, 3, EventKind::Screens { extended: true }),
            ev(5, 4, EventKind::Screens { extended: true }),
        ];
        assert_eq!(
            types(&run(Sensitivity::Low, &events)),
            vec![
                FlagType::ScreenshotAttempt,
                FlagType::DevtoolsOpen,
                FlagType::MultipleScreens
            ]
        );
    }

    #[test]
    fn silence_fullscreen_and_offline_are_measured_in_time() {
        let events = [
            ev(1, 0, EventKind::FullscreenExited),
            ev(2, 6_000, EventKind::FullscreenEntered),
            ev(3, 7_000, EventKind::Offline),
            ev(4, 40_000, EventKind::Online),
            ev(5, 100_000, EventKind::Heartbeat),
        ];
        assert_eq!(
            types(&run(Sensitivity::Medium, &events)),
            vec![
                FlagType::FullscreenExit,
                FlagType::TelemetryGap,
                FlagType::NetworkOffline,
                FlagType::TelemetryGap
            ]
        );
    }

    #[test]
    fn accommodations_relax_the_hidden_page_and_focus_rules_only() {
        let th = Thresholds::for_sensitivity(Sensitivity::Medium);
        let tabs = |th: &Thresholds, events: &[StoredEvent]| {
            count(
                &evaluate(th, &mut RulesState::default(), events),
                FlagType::TabSwitch,
            )
        };
        // Four minutes away, heartbeats going on as they do in a hidden tab.
        let away = |minutes: i64| -> Vec<StoredEvent> {
            let mut events = vec![ev(1, 0, EventKind::VisibilityHidden)];
            let beats = minutes * 60 / 5;
            events.extend((1..=beats).map(|i| ev(i + 1, i * 5_000, EventKind::Heartbeat)));
            events.push(ev(beats + 2, minutes * 60_000 + 1, EventKind::VisibilityVisible));
            events
        };
        assert_eq!(tabs(&th, &away(4)), 1);
        let breaks = th.relaxed(&Relaxations {
            break_minutes: 5,
            ..Relaxations::default()
        });
        assert_eq!(
            tabs(&breaks, &away(4)),
            0,
            "a break within the allowance is not flagged"
        );
        assert_eq!(tabs(&breaks, &away(6)), 1, "a longer one is");
        let blurs: Vec<_> = (1..=8).map(|i| ev(i, i * 1_000, EventKind::WindowBlur)).collect();
        assert!(
            count(
                &evaluate(&breaks, &mut RulesState::default(), &blurs),
                FlagType::WindowBlur
            ) > 0
        );
        let assistive = th.relaxed(&Relaxations {
            focus_rule_off: true,
            ..Relaxations::default()
        });
        assert_eq!(
            count(
                &evaluate(&assistive, &mut RulesState::default(), &blurs),
                FlagType::WindowBlur
            ),
            0
        );
        assert_eq!(
            tabs(&assistive, &away(4)),
            1,
            "the focus rule off leaves the page rule on"
        );
        // A paste is still a paste.
        let paste = [ev(
            1,
            0,
            EventKind::Paste {
                length: 500,
                hash: "ab".into(),
            },
        )];
        assert_eq!(
            types(&evaluate(&assistive, &mut RulesState::default(), &paste)),
            vec![FlagType::CopyPaste]
        );
    }

    #[test]
    fn extreme_client_times_never_overflow() {
        let th = Thresholds::for_sensitivity(Sensitivity::High);
        let events = [
            ev(1, i64::MIN, EventKind::VisibilityHidden),
            ev(2, i64::MAX, EventKind::WindowBlur),
            ev(3, i64::MIN, EventKind::WindowBlur),
            ev(4, i64::MAX, EventKind::VisibilityVisible),
        ];
        let flags = evaluate(&th, &mut RulesState::default(), &events);
        assert!(flags.iter().any(|f| f.flag_type == FlagType::TabSwitch));
    }

    fn arb_kind() -> impl Strategy<Value = EventKind> {
        prop_oneof![
            Just(EventKind::VisibilityHidden),
            Just(EventKind::VisibilityVisible),
            Just(EventKind::WindowBlur),
            Just(EventKind::WindowFocus),
            Just(EventKind::Heartbeat),
            Just(EventKind::FullscreenExited),
            Just(EventKind::FullscreenEntered),
            Just(EventKind::Offline),
            Just(EventKind::Online),
            Just(EventKind::ContextMenu),
            (0u32..300).prop_map(|length| EventKind::Paste {
                length,
                hash: "00".into()
            }),
            (0u32..300).prop_map(|length| EventKind::Copy { length }),
            Just(EventKind::Shortcut {
                key: Shortcut::PrintScreen
            }),
            Just(EventKind::DevtoolsSuspected {
                width_gap: 200,
                height_gap: 0
            }),
            any::<bool>().prop_map(|extended| EventKind::Screens { extended }),
        ]
    }

    /// Sessions of up to 60 events, each 0–40 s after the one before.
    fn arb_session() -> impl Strategy<Value = Vec<StoredEvent>> {
        prop::collection::vec((0i64..40_000, arb_kind()), 0..60).prop_map(|steps| {
            let mut ms = 1_700_000_000_000;
            steps
                .into_iter()
                .enumerate()
                .map(|(i, (dt, kind))| {
                    ms += dt;
                    ev(i as i64 + 1, ms, kind)
                })
                .collect()
        })
    }

    fn arb_sensitivity() -> impl Strategy<Value = Sensitivity> {
        prop_oneof![
            Just(Sensitivity::Low),
            Just(Sensitivity::Medium),
            Just(Sensitivity::High)
        ]
    }

    fn count(flags: &[NewFlag], t: FlagType) -> usize {
        flags.iter().filter(|f| f.flag_type == t).count()
    }

    proptest! {
        #[test]
        fn every_flag_names_events_it_was_given(events in arb_session(), s in arb_sensitivity()) {
            let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
            for f in run(s, &events) {
                prop_assert!(!f.evidence.is_empty());
                for id in &f.evidence {
                    prop_assert!(ids.contains(&id.as_str()), "unknown evidence {}", id);
                }
            }
        }

        #[test]
        fn higher_sensitivity_never_flags_less_time_based_behaviour(events in arb_session()) {
            let (low, mid, high) = (run(Sensitivity::Low, &events), run(Sensitivity::Medium, &events), run(Sensitivity::High, &events));
            for t in [FlagType::TabSwitch, FlagType::FullscreenExit, FlagType::NetworkOffline, FlagType::TelemetryGap, FlagType::CopyPaste] {
                prop_assert!(count(&low, t) <= count(&mid, t), "{:?}: low {} > medium {}", t, count(&low, t), count(&mid, t));
                prop_assert!(count(&mid, t) <= count(&high, t), "{:?}: medium {} > high {}", t, count(&mid, t), count(&high, t));
            }
        }

        #[test]
        fn screenshots_are_always_flagged(events in arb_session(), s in arb_sensitivity()) {
            let presses = events.iter().filter(|e| e.kind == EventKind::Shortcut { key: Shortcut::PrintScreen }).count();
            prop_assert_eq!(count(&run(s, &events), FlagType::ScreenshotAttempt), presses);
        }
    }
}
