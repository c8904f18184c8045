//! Camera rules. The browser examines camera frames on the device and sends only how many faces
//! it found in each sample and the camera's states; these rules turn that into flags.
//!
//! The detector finds frontal faces. A face turned away and an empty seat look the same to it,
//! so "no face" is all these rules claim: NO_FACE_DETECTED, never LOOKING_AWAY.

use std::collections::VecDeque;

use super::{Episode, NewFlag, StoredEvent, Thresholds};

/// How long an attempt on a camera exam may go on without a word from the camera (started,
/// refused, missing) before that silence is flagged. The exam page opens the camera as it
/// loads, so `camera_started` normally follows the first event within seconds; a minute leaves
/// room for a slow download of the detector. Only a page whose camera code never ran (blocked,
/// or an attempt driven some other way) stays silent this long.
pub const CAMERA_SILENCE_MS: i64 = 60_000;
use crate::domain::{FlagType, Severity};
use crate::telemetry::EventKind;

/// What the camera rules remember about one session between batches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct CameraState {
    /// The current run of samples without a face, from its first sample.
    no_face: Option<Episode>,
    /// The latest samples (at most the window): each one's event id, and whether it saw two or
    /// more faces.
    recent: VecDeque<(String, bool)>,
    /// MULTIPLE_FACES was raised and the window has held a multiple-face sample ever since:
    /// one flag for one occurrence, however long it lasts.
    multi_flagged: bool,
    /// CAMERA_UNAVAILABLE was raised and the camera has not started again since.
    unavailable_flagged: bool,
    /// The camera has said something (any camera event) in this attempt.
    heard: bool,
    /// The attempt's first event, while the camera has said nothing: the silence's start.
    silent_since: Option<(String, i64)>,
}

impl CameraState {
    /// Applies one event, adding the flags it raises to `flags`.
    pub(super) fn step(&mut self, th: &Thresholds, e: &StoredEvent, flags: &mut Vec<NewFlag>) {
        if !th.camera_rules {
            return;
        }
        if th.camera_expected && !self.heard {
            self.watch_silence(e, flags);
        }
        match &e.kind {
            EventKind::FacesCounted { faces } => {
                self.sample_faces(th, e, *faces, flags);
            }
            EventKind::CameraDenied | EventKind::CameraMissing | EventKind::CameraTrackEnded => {
                self.forget_samples();
                if !self.unavailable_flagged {
                    self.unavailable_flagged = true;
                    flags.push(NewFlag {
                        flag_type: FlagType::CameraUnavailable,
                        severity: Severity::Medium,
                        evidence: vec![e.id.clone()],
                    });
                }
            }
            EventKind::CameraStarted => {
                self.forget_samples();
                self.unavailable_flagged = false;
            }
            EventKind::CameraStopped => self.forget_samples(),
            _ => {}
        }
    }

    fn sample_faces(&mut self, th: &Thresholds, e: &StoredEvent, faces: u32, flags: &mut Vec<NewFlag>) {
        if faces == 0 {
            match &mut self.no_face {
                None => {
                    self.no_face = Some(Episode {
                        start_id: e.id.clone(),
                        start_ms: e.client_ms,
                        flagged: false,
                    })
                }
                Some(ep) if !ep.flagged && e.client_ms.saturating_sub(ep.start_ms) >= th.no_face_ms => {
                    ep.flagged = true;
                    flags.push(NewFlag {
                        flag_type: FlagType::NoFaceDetected,
                        severity: Severity::Medium,
                        evidence: vec![ep.start_id.clone(), e.id.clone()],
                    });
                }
                Some(_) => {}
            }
        } else {
            self.no_face = None;
        }

        self.recent.push_back((e.id.clone(), faces >= 2));
        while self.recent.len() > th.multi_face_window {
            self.recent.pop_front();
        }
        // Counted on every sample; the ids are collected only for the flag.
        let multiple = self.recent.iter().filter(|(_, many)| *many).count();
        if multiple == 0 {
            self.multi_flagged = false;
        } else if !self.multi_flagged && multiple >= th.multi_face_samples {
            self.multi_flagged = true;
            let evidence = self
                .recent
                .iter()
                .filter(|(_, many)| *many)
                .map(|(id, _)| id.clone())
                .collect();
            flags.push(NewFlag {
                flag_type: FlagType::MultipleFaces,
                severity: Severity::High,
                evidence,
            });
        }
    }

    /// A camera exam whose camera has not reported at all, a minute into the attempt: flagged
    /// once, as CAMERA_UNAVAILABLE, naming the attempt's first event and the one that crossed.
    fn watch_silence(&mut self, e: &StoredEvent, flags: &mut Vec<NewFlag>) {
        if e.kind.is_camera() {
            self.heard = true;
            return;
        }
        let (first_id, first_ms) = self
            .silent_since
            .get_or_insert_with(|| (e.id.clone(), e.client_ms));
        if e.client_ms.saturating_sub(*first_ms) >= CAMERA_SILENCE_MS {
            flags.push(NewFlag {
                flag_type: FlagType::CameraUnavailable,
                severity: Severity::Medium,
                evidence: vec![first_id.clone(), e.id.clone()],
            });
            // One flag for the silence; a camera that starts later is judged as usual.
            self.heard = true;
            self.unavailable_flagged = true;
        }
    }

    /// A camera that stopped or started again begins a new series of samples.
    fn forget_samples(&mut self) {
        self.no_face = None;
        self.recent.clear();
        self.multi_flagged = false;
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{ev, run, types};
    use super::super::{evaluate, Relaxations, RulesState};
    use super::*;
    use crate::domain::Sensitivity;

    /// One sample every 2 seconds from t = 0, seq from 1, with these face counts.
    fn samples(faces: &[u32]) -> Vec<StoredEvent> {
        faces
            .iter()
            .enumerate()
            .map(|(i, f)| {
                ev(
                    i as i64 + 1,
                    i as i64 * 2_000,
                    EventKind::FacesCounted { faces: *f },
                )
            })
            .collect()
    }

    #[test]
    fn one_face_throughout_raises_nothing() {
        assert!(run(Sensitivity::High, &samples(&[1; 60])).is_empty());
    }

    #[test]
    fn no_face_for_the_threshold_is_one_flag_naming_the_first_and_the_crossing_sample() {
        // Medium: 15 s. Samples at 0, 2, …: no face from t = 2 s; t = 18 s crosses.
        let mut faces = vec![1];
        faces.extend([0; 20]);
        let flags = run(Sensitivity::Medium, &samples(&faces));
        assert_eq!(
            flags,
            vec![NewFlag {
                flag_type: FlagType::NoFaceDetected,
                severity: Severity::Medium,
                evidence: vec!["e2".into(), "e10".into()],
            }]
        );
    }

    #[test]
    fn a_face_back_before_the_threshold_raises_nothing_and_restarts_the_count() {
        // Medium: 12 s without a face, a face, 12 s again: never 15 s in one run.
        let mut faces = vec![0; 7];
        faces.push(1);
        faces.extend([0; 7]);
        assert!(run(Sensitivity::Medium, &samples(&faces)).is_empty());
        // High draws the line at 8 s: both runs are flagged.
        assert_eq!(
            types(&run(Sensitivity::High, &samples(&faces))),
            vec![FlagType::NoFaceDetected, FlagType::NoFaceDetected]
        );
    }

    #[test]
    fn one_stray_second_face_is_not_a_flag_but_three_of_five_are() {
        assert!(run(Sensitivity::Medium, &samples(&[1, 2, 1, 1, 1, 1, 2, 1, 1, 1, 1])).is_empty());
        let flags = run(Sensitivity::Medium, &samples(&[1, 2, 1, 2, 2, 2, 2, 2]));
        assert_eq!(
            flags,
            vec![NewFlag {
                flag_type: FlagType::MultipleFaces,
                severity: Severity::High,
                evidence: vec!["e2".into(), "e4".into(), "e5".into()],
            }]
        );
    }

    #[test]
    fn two_faces_that_stay_are_one_flag_and_a_later_return_is_another() {
        let mut faces = vec![2; 20];
        faces.extend([1; 5]);
        faces.extend([2; 3]);
        assert_eq!(
            types(&run(Sensitivity::Medium, &samples(&faces))),
            vec![FlagType::MultipleFaces, FlagType::MultipleFaces]
        );
    }

    #[test]
    fn a_refused_missing_or_stopped_camera_is_flagged_once_until_it_starts_again() {
        let events = [
            ev(1, 0, EventKind::CameraDenied),
            ev(2, 1_000, EventKind::CameraDenied),
            ev(3, 2_000, EventKind::CameraStarted),
            ev(4, 4_000, EventKind::FacesCounted { faces: 1 }),
            ev(5, 6_000, EventKind::CameraTrackEnded),
            ev(6, 8_000, EventKind::CameraMissing),
        ];
        let flags = run(Sensitivity::Low, &events);
        assert_eq!(
            types(&flags),
            vec![FlagType::CameraUnavailable, FlagType::CameraUnavailable]
        );
        assert_eq!(flags[0].evidence, vec!["e1".to_string()]);
        assert_eq!(flags[1].evidence, vec!["e5".to_string()]);
    }

    #[test]
    fn a_stopped_camera_ends_a_run_without_a_face() {
        // The exam ended and the page switched the camera off: the last samples and the next
        // start's are not one run.
        let mut events = samples(&[0, 0, 0, 0]);
        events.push(ev(5, 7_000, EventKind::CameraStopped));
        events.push(ev(6, 9_000, EventKind::CameraStarted));
        events.push(ev(7, 20_000, EventKind::FacesCounted { faces: 0 }));
        events.push(ev(8, 22_000, EventKind::FacesCounted { faces: 1 }));
        assert!(run(Sensitivity::High, &events).is_empty());
    }

    #[test]
    fn the_accommodation_turns_every_camera_rule_off() {
        let th = Thresholds::for_sensitivity(Sensitivity::High).relaxed(&Relaxations {
            camera_rules_off: true,
            ..Relaxations::default()
        });
        let mut events = samples(&[0; 10]);
        events.extend(samples(&[3; 10]).into_iter().map(|mut e| {
            e.seq += 10;
            e.id = format!("e{}", e.seq);
            e.client_ms += 20_000;
            e
        }));
        events.push(ev(21, 50_000, EventKind::CameraDenied));
        assert!(evaluate(&th, &mut RulesState::default(), &events).is_empty());
        assert!(!run(Sensitivity::High, &events).is_empty());
    }

    /// Heartbeats every 5 s from t = 0, seq from 1.
    fn heartbeats(n: i64) -> Vec<StoredEvent> {
        (0..n)
            .map(|i| ev(i + 1, i * 5_000, EventKind::Heartbeat))
            .collect()
    }

    fn camera_exam(s: Sensitivity) -> Thresholds {
        Thresholds::for_sensitivity(s).expecting_camera(true)
    }

    #[test]
    fn a_camera_exam_whose_camera_never_reports_is_flagged_once_after_a_minute() {
        let th = camera_exam(Sensitivity::Low);
        // 55 s of heartbeats: not yet.
        assert!(evaluate(&th, &mut RulesState::default(), &heartbeats(12)).is_empty());
        // At 60 s: one flag naming the first event and the crossing one, and no more after.
        let flags = evaluate(&th, &mut RulesState::default(), &heartbeats(40));
        assert_eq!(
            flags,
            vec![NewFlag {
                flag_type: FlagType::CameraUnavailable,
                severity: Severity::Medium,
                evidence: vec!["e1".into(), "e13".into()],
            }]
        );
        // Without the camera setting the same silence means nothing.
        assert!(run(Sensitivity::High, &heartbeats(40)).is_empty());
    }

    #[test]
    fn a_camera_that_reports_in_time_is_not_silent_and_a_refusal_is_flagged_as_itself() {
        let th = camera_exam(Sensitivity::High);
        let mut events = heartbeats(2);
        events.push(ev(3, 9_000, EventKind::CameraStarted));
        events.extend((4..40).map(|i| ev(i, 10_000 + i * 2_000, EventKind::FacesCounted { faces: 1 })));
        assert!(evaluate(&th, &mut RulesState::default(), &events).is_empty());

        let mut events = heartbeats(2);
        events.push(ev(3, 9_000, EventKind::CameraDenied));
        events.extend((4..40).map(|i| ev(i, i * 5_000, EventKind::Heartbeat)));
        let flags = evaluate(&th, &mut RulesState::default(), &events);
        assert_eq!(types(&flags), vec![FlagType::CameraUnavailable]);
        assert_eq!(flags[0].evidence, vec!["e3".to_string()]);
    }

    #[test]
    fn the_silence_is_counted_across_batches_and_the_accommodation_turns_it_off() {
        let th = camera_exam(Sensitivity::Medium);
        let events = heartbeats(20);
        let mut state = RulesState::default();
        let mut flags = evaluate(&th, &mut state, &events[..7]);
        flags.extend(evaluate(&th, &mut state, &events[7..]));
        assert_eq!(types(&flags), vec![FlagType::CameraUnavailable]);

        let off = th.relaxed(&Relaxations {
            camera_rules_off: true,
            ..Relaxations::default()
        });
        assert!(evaluate(&off, &mut RulesState::default(), &events).is_empty());
    }

    #[test]
    fn an_empty_seat_then_a_second_person_raise_one_flag_each() {
        let mut faces = vec![1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 1, 2, 2];
        faces.extend([0; 6]);
        let flags = run(Sensitivity::Medium, &samples(&faces));
        assert_eq!(
            types(&flags),
            vec![FlagType::NoFaceDetected, FlagType::MultipleFaces]
        );
        assert_eq!(
            flags[1].evidence,
            vec!["e11".to_string(), "e12".into(), "e14".into()]
        );
    }
}
