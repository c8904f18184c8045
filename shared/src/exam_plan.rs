//! An exam as a coordinator builds it: its settings, its sections (fixed questions or draws
//! from a bank), where it stands in its life, what stops it from being published, and which
//! questions each attempt gets. Pure, so the server and the tests agree on every rule.

use crate::domain::{named_enum, ExamStatus};
use crate::question::FieldError;
use serde::{Deserialize, Serialize};

named_enum!(
    /// Which attempt's score counts when a candidate may take an exam more than once.
    AttemptPolicy, "attempt policy" {
        Highest => "HIGHEST",
        Last => "LAST",
    }
);

named_enum!(
    /// What a candidate sees of their result.
    ResultsPolicy, "results policy" {
        Nothing => "NONE",
        Score => "SCORE",
        Answers => "ANSWERS",
    }
);

named_enum!(
    /// When a candidate sees it.
    ResultsWhen, "results timing" {
        OnSubmit => "ON_SUBMIT",
        AfterClose => "AFTER_CLOSE",
    }
);

named_enum!(
    /// Camera proctoring: off, or on with what happens to a candidate without a camera (none
    /// on the device, or refused): REQUIRED, they cannot start; FLAG_IF_MISSING, they may, and
    /// CAMERA_UNAVAILABLE is flagged. Frames are examined on the device; only counts of faces
    /// and the camera's states are sent.
    CameraPolicy, "camera policy" {
        Off => "OFF",
        Required => "REQUIRED",
        FlagIfMissing => "FLAG_IF_MISSING",
    }
);

impl CameraPolicy {
    pub fn is_on(self) -> bool {
        self != CameraPolicy::Off
    }

    /// What the builder's choice says.
    pub fn label(self) -> &'static str {
        match self {
            CameraPolicy::Off => "Off",
            CameraPolicy::Required => "On: a candidate without a camera cannot start",
            CameraPolicy::FlagIfMissing => "On: a candidate without a camera may start, and it is flagged",
        }
    }
}

named_enum!(
    /// Where an exam stands, as people read it: the stored status (DRAFT, SCHEDULED once
    /// published, CANCELLED) with the clock applied to a published exam's window.
    Phase, "exam phase" {
        Draft => "DRAFT",
        Scheduled => "SCHEDULED",
        Open => "OPEN",
        Closed => "CLOSED",
        Cancelled => "CANCELLED",
    }
);

/// The phase of an exam stored as `stored` with the window `opens_at..closes_at` at `now`.
pub fn phase(stored: ExamStatus, opens_at: i64, closes_at: i64, now: i64) -> Phase {
    match stored {
        ExamStatus::Draft => Phase::Draft,
        ExamStatus::Cancelled | ExamStatus::Archived => Phase::Cancelled,
        ExamStatus::Completed => Phase::Closed,
        ExamStatus::Scheduled | ExamStatus::Active if now < opens_at => Phase::Scheduled,
        ExamStatus::Scheduled | ExamStatus::Active if now < closes_at => Phase::Open,
        ExamStatus::Scheduled | ExamStatus::Active => Phase::Closed,
    }
}

/// Whether a candidate may see their answers (or score) now: on submission, or only once the
/// window has closed for everyone (answers must not travel while others can still sit it).
pub fn results_released(when: ResultsWhen, closes_at: i64, now: i64) -> bool {
    match when {
        ResultsWhen::OnSubmit => true,
        ResultsWhen::AfterClose => now >= closes_at,
    }
}

pub mod limits {
    pub const TITLE_CHARS: usize = 200;
    pub const TEXT_BYTES: usize = 20_000;
    pub const MAX_DURATION_MINUTES: i64 = 24 * 60;
    pub const MAX_ATTEMPTS: i64 = 20;
    pub const MAX_PASSING_SCORE: i64 = 1000;
    pub const SECTIONS: usize = 50;
    pub const QUESTIONS_PER_SECTION: usize = 500;
    pub const DRAW_COUNT: i64 = 500;
}

/// Everything about an exam but its questions, as the builder's form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub title: String,
    pub description: String,
    pub instructions: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub duration_minutes: i64,
    pub max_attempts: i64,
    pub attempt_policy: AttemptPolicy,
    /// Percent of the total points needed to pass.
    pub passing_score: i64,
    pub proctoring: bool,
    pub sensitivity: crate::Sensitivity,
    pub require_fullscreen: bool,
    pub shuffle_questions: bool,
    pub shuffle_options: bool,
    pub results: ResultsPolicy,
    pub results_when: ResultsWhen,
    pub camera: CameraPolicy,
}

impl Settings {
    /// What makes these settings unfit to save, field by field. (What only stops publishing,
    /// such as a window in the past, is [`preflight`]'s business: a draft may be unfinished.)
    pub fn problems(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        let mut add = |field: &str, message: String| {
            out.push(FieldError {
                field: field.into(),
                message,
            })
        };
        if self.title.trim().is_empty() {
            add("title", "Give the exam a title.".into());
        } else if self.title.chars().count() > limits::TITLE_CHARS {
            add(
                "title",
                format!("Use at most {} characters for the title.", limits::TITLE_CHARS),
            );
        }
        for (field, text) in [
            ("description", &self.description),
            ("instructions", &self.instructions),
        ] {
            if text.len() > limits::TEXT_BYTES {
                add(field, "This text is too long (at most 20 KB).".into());
            }
        }
        if self.closes_at <= self.opens_at {
            add("closes_at", "The window must close after it opens.".into());
        }
        if !(1..=limits::MAX_DURATION_MINUTES).contains(&self.duration_minutes) {
            add(
                "duration_minutes",
                "The duration must be from 1 to 1440 minutes.".into(),
            );
        }
        if !(1..=limits::MAX_ATTEMPTS).contains(&self.max_attempts) {
            add(
                "max_attempts",
                format!("Allow from 1 to {} attempts.", limits::MAX_ATTEMPTS),
            );
        }
        if !(0..=limits::MAX_PASSING_SCORE).contains(&self.passing_score) {
            add(
                "passing_score",
                "The passing score is a percentage of the total points.".into(),
            );
        }
        if self.camera.is_on() && !self.proctoring {
            add(
                "camera",
                "Camera proctoring is part of proctoring: turn proctoring on, or the camera off.".into(),
            );
        }
        out
    }

    /// The settings `next` changes that would alter attempts already running or taken (what
    /// is refused once a candidate has started). Titles and texts may change; the window may
    /// close later, never earlier.
    pub fn locked_changes(&self, next: &Settings) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut check = |changed: bool, name: &'static str| {
            if changed {
                out.push(name);
            }
        };
        check(next.opens_at != self.opens_at, "the opening time");
        check(next.closes_at < self.closes_at, "an earlier closing time");
        check(next.duration_minutes != self.duration_minutes, "the duration");
        check(next.max_attempts < self.max_attempts, "fewer attempts");
        check(next.attempt_policy != self.attempt_policy, "which attempt counts");
        check(next.passing_score != self.passing_score, "the passing score");
        check(next.proctoring != self.proctoring, "proctoring");
        check(next.sensitivity != self.sensitivity, "the sensitivity");
        check(next.require_fullscreen != self.require_fullscreen, "full screen");
        check(next.shuffle_questions != self.shuffle_questions, "question order");
        check(next.shuffle_options != self.shuffle_options, "option order");
        check(next.camera != self.camera, "camera proctoring");
        out
    }
}

/// What pre-flight needs to know of one section.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionFacts {
    pub title: String,
    /// The points of each fixed question.
    pub fixed_points: Vec<f64>,
    /// A draw: how many, and the points of each approved question that matches its filters.
    pub draw: Option<(i64, Vec<f64>)>,
}

/// Every reason the exam cannot be published yet, in words for the coordinator; empty when it
/// can be. `now` is the server's clock.
pub fn preflight(settings: &Settings, sections: &[SectionFacts], now: i64) -> Vec<String> {
    let mut out: Vec<String> = settings.problems().into_iter().map(|p| p.message).collect();
    if sections
        .iter()
        .all(|s| s.fixed_points.is_empty() && s.draw.is_none())
    {
        out.push("The exam has no questions: add a section of questions or a draw from a bank.".into());
    }
    // The fewest points an attempt can be worth: draws take their cheapest questions.
    let mut least_total = 0.0_f64;
    for s in sections {
        least_total += s.fixed_points.iter().sum::<f64>();
        match &s.draw {
            Some((count, pool)) => {
                if *count < 1 {
                    out.push(format!("Section “{}” draws no questions.", s.title));
                } else if (pool.len() as i64) < *count {
                    out.push(format!(
                        "Section “{}” draws {count} questions from a pool of only {} approved questions that match its filters.",
                        s.title,
                        pool.len()
                    ));
                } else {
                    let mut cheapest = pool.clone();
                    cheapest.sort_by(f64::total_cmp);
                    least_total += cheapest.iter().take(*count as usize).sum::<f64>();
                }
            }
            None if s.fixed_points.is_empty() => {
                out.push(format!("Section “{}” has no questions.", s.title));
            }
            None => {}
        }
    }
    if settings.closes_at <= now {
        out.push("The window is in the past: it must close after now.".into());
    }
    let window_minutes = (settings.closes_at - settings.opens_at) / 60_000;
    if settings.closes_at > settings.opens_at && settings.duration_minutes > window_minutes {
        out.push(format!(
            "The exam lasts {} minutes but its window is only {window_minutes} minutes long.",
            settings.duration_minutes
        ));
    }
    if settings.passing_score > 100 {
        out.push(format!(
            "The passing score ({}%) is above the total (100% of the points).",
            settings.passing_score
        ));
    }
    if out.is_empty() && least_total <= 0.0 {
        out.push("The questions are worth no points: nobody could pass or fail.".into());
    }
    out
}

/// One section's questions as an attempt picks from them: `items` candidates, of which all
/// (a fixed section) or `draw` (a draw) are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionPick {
    pub items: usize,
    pub draw: Option<usize>,
}

/// The questions of one attempt, as (section, item) pairs in the order the candidate sees them:
/// each draw picks its questions from the session's own seed (the same every time for the same
/// attempt, different between attempts), then the whole is shuffled if the exam says so.
pub fn assemble(session_id: &str, sections: &[SectionPick], shuffle: bool) -> Vec<(usize, usize)> {
    let mut picked = Vec::new();
    for (s, section) in sections.iter().enumerate() {
        match section.draw {
            Some(n) => {
                let order = crate::shuffle::permutation(&format!("{session_id}/draw/{s}"), section.items);
                picked.extend(order.into_iter().take(n).map(|i| (s, i)));
            }
            None => picked.extend((0..section.items).map(|i| (s, i))),
        }
    }
    if shuffle {
        let order = crate::shuffle::permutation(&format!("{session_id}/questions"), picked.len());
        order.into_iter().filter_map(|i| picked.get(i).copied()).collect()
    } else {
        picked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;

    fn settings(now: i64) -> Settings {
        Settings {
            title: "Networks".into(),
            description: String::new(),
            instructions: String::new(),
            opens_at: now + HOUR,
            closes_at: now + 3 * HOUR,
            duration_minutes: 60,
            max_attempts: 1,
            attempt_policy: AttemptPolicy::Highest,
            passing_score: 50,
            proctoring: true,
            sensitivity: crate::Sensitivity::Medium,
            require_fullscreen: false,
            shuffle_questions: false,
            shuffle_options: false,
            results: ResultsPolicy::Score,
            results_when: ResultsWhen::OnSubmit,
            camera: CameraPolicy::Off,
        }
    }

    #[test]
    fn the_camera_needs_proctoring_on_and_is_locked_once_candidates_start() {
        let now = 1_000 * HOUR;
        let mut s = settings(now);
        s.camera = CameraPolicy::FlagIfMissing;
        assert!(s.problems().is_empty());
        s.proctoring = false;
        let problems = s.problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "camera");
        let mut next = settings(now);
        next.camera = CameraPolicy::Required;
        assert_eq!(settings(now).locked_changes(&next), vec!["camera proctoring"]);
    }

    fn fixed(points: &[f64]) -> SectionFacts {
        SectionFacts {
            title: "Fixed".into(),
            fixed_points: points.to_vec(),
            draw: None,
        }
    }

    #[test]
    fn a_sound_exam_passes_preflight() {
        let now = 1_000 * HOUR;
        assert!(preflight(&settings(now), &[fixed(&[1.0, 2.0])], now).is_empty());
    }

    #[test]
    fn preflight_names_every_problem_at_once() {
        let now = 1_000 * HOUR;
        let mut s = settings(now);
        s.opens_at = now - 3 * HOUR;
        s.closes_at = now - 2 * HOUR;
        s.passing_score = 120;
        let draw = SectionFacts {
            title: "Random".into(),
            fixed_points: Vec::new(),
            draw: Some((5, vec![1.0, 1.0, 1.0])),
        };
        let problems = preflight(&s, &[draw], now);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("draws 5 questions from a pool of only 3")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("window is in the past")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("(120%) is above the total")),
            "{problems:?}"
        );
        let empty = preflight(&settings(now), &[], now);
        assert_eq!(empty.len(), 1);
        assert!(empty[0].contains("no questions"));
    }

    #[test]
    fn preflight_refuses_a_duration_longer_than_the_window_and_worthless_exams() {
        let now = 0;
        let mut s = settings(now);
        s.duration_minutes = 180;
        assert!(preflight(&s, &[fixed(&[1.0])], now)[0].contains("lasts 180 minutes"));
        assert!(preflight(&settings(now), &[fixed(&[0.0])], now)[0].contains("no points"));
    }

    #[test]
    fn the_clock_moves_a_published_exam_through_its_phases() {
        let (o, c) = (10, 20);
        assert_eq!(phase(ExamStatus::Draft, o, c, 15), Phase::Draft);
        assert_eq!(phase(ExamStatus::Scheduled, o, c, 5), Phase::Scheduled);
        assert_eq!(phase(ExamStatus::Scheduled, o, c, 10), Phase::Open);
        assert_eq!(phase(ExamStatus::Active, o, c, 20), Phase::Closed);
        assert_eq!(phase(ExamStatus::Cancelled, o, c, 15), Phase::Cancelled);
        assert!(!results_released(ResultsWhen::AfterClose, c, 19));
        assert!(results_released(ResultsWhen::AfterClose, c, 20));
        assert!(results_released(ResultsWhen::OnSubmit, c, 0));
    }

    #[test]
    fn changes_that_alter_running_attempts_are_named() {
        let a = settings(0);
        let mut b = a.clone();
        b.title = "Renamed".into();
        b.closes_at += HOUR;
        assert!(
            a.locked_changes(&b).is_empty(),
            "a later close and a new title are fine"
        );
        b.duration_minutes = 90;
        b.closes_at -= 2 * HOUR;
        assert_eq!(
            a.locked_changes(&b),
            vec!["an earlier closing time", "the duration"]
        );
    }

    #[test]
    fn attempts_draw_their_own_questions_the_same_way_every_time() {
        let sections = [
            SectionPick { items: 2, draw: None },
            SectionPick {
                items: 10,
                draw: Some(3),
            },
        ];
        let one = assemble("session-a", &sections, false);
        assert_eq!(one, assemble("session-a", &sections, false), "deterministic");
        assert_eq!(&one[..2], &[(0, 0), (0, 1)], "fixed questions first, in order");
        let drawn: Vec<usize> = one[2..]
            .iter()
            .map(|&(s, i)| {
                assert_eq!(s, 1);
                i
            })
            .collect();
        let mut unique = drawn.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 3, "three different questions drawn");
        let others: Vec<_> = (0..20)
            .map(|i| assemble(&format!("session-{i}"), &sections, false))
            .collect();
        assert!(
            others.iter().any(|o| o[2..] != one[2..]),
            "different attempts draw differently"
        );
        let shuffled = assemble("session-a", &sections, true);
        let mut sorted = shuffled.clone();
        sorted.sort_unstable();
        let mut expected = one.clone();
        expected.sort_unstable();
        assert_eq!(sorted, expected, "shuffling keeps the same questions");
    }
}
