//! The attempt as a strip from start to submission: stretches of page hidden, window blurred,
//! offline and out of fullscreen as spans, point events (pastes, shortcuts…) as ticks. Built
//! from the events that matter to it only, never the session's every heartbeat.

use super::super::db::{self, events::EventRow};
use crate::error::AppError;
use crate::model::{Strip, StripSpan, StripTick};
use shared::telemetry::EventKind;
use sqlx::AnyPool;

/// Most events the strip draws; a session past this shows its first ones and says so in the
/// event list, which pages through everything.
const MAX_STRIP_EVENTS: i64 = 5_000;

const KINDS: &[&str] = &[
    "visibility_hidden",
    "visibility_visible",
    "window_blur",
    "window_focus",
    "offline",
    "online",
    "fullscreen_exited",
    "fullscreen_entered",
    "paste",
    "copy",
    "cut",
    "shortcut",
    "context_menu",
    "devtools_suspected",
    "screens",
    "question_shown",
    "answer_saved",
];

/// The lane of the question on screen: each span runs until the next question is shown.
pub const QUESTION_LANE: &str = "Question on screen";

/// The lane a span is drawn in, and what opens and closes it.
fn lane_of(kind: &EventKind) -> Option<(&'static str, bool)> {
    Some(match kind {
        EventKind::VisibilityHidden => ("Page hidden", true),
        EventKind::VisibilityVisible => ("Page hidden", false),
        EventKind::WindowBlur => ("Window not focused", true),
        EventKind::WindowFocus => ("Window not focused", false),
        EventKind::Offline => ("Offline", true),
        EventKind::Online => ("Offline", false),
        EventKind::FullscreenExited => ("Out of fullscreen", true),
        EventKind::FullscreenEntered => ("Out of fullscreen", false),
        _ => return None,
    })
}

pub async fn build(pool: &AnyPool, session_id: &str, start_ms: i64, end_ms: i64) -> Result<Strip, AppError> {
    let events = db::events::of_kinds(pool, session_id, KINDS, MAX_STRIP_EVENTS).await?;
    Ok(from_events(start_ms, end_ms, &events))
}

/// Pure: events in order to spans and ticks. A span still open at the end runs to the end.
pub fn from_events(start_ms: i64, end_ms: i64, events: &[EventRow]) -> Strip {
    let mut open: Vec<(&'static str, i64, String)> = Vec::new();
    let mut spans = Vec::new();
    let mut ticks = Vec::new();
    let mut last_ms = end_ms;
    // The question on screen since when, shown by which event.
    let mut question: Option<(u32, i64, String)> = None;
    let close_question = |q: Option<(u32, i64, String)>, to: i64, spans: &mut Vec<StripSpan>| {
        if let Some((number, from, id)) = q {
            spans.push(StripSpan {
                lane: QUESTION_LANE.to_string(),
                label: format!("Question {number}"),
                from_ms: from,
                to_ms: to.max(from),
                event_ids: vec![id],
            });
        }
    };
    for e in events {
        let Some(kind) = e.kind() else { continue };
        last_ms = last_ms.max(e.client_ms);
        if let EventKind::QuestionShown { number } = kind {
            close_question(question.take(), e.client_ms, &mut spans);
            question = Some((number, e.client_ms, e.id.clone()));
            continue;
        }
        match lane_of(&kind) {
            Some((lane, true)) => {
                if !open.iter().any(|(l, _, _)| *l == lane) {
                    open.push((lane, e.client_ms, e.id.clone()));
                }
            }
            Some((lane, false)) => {
                if let Some(i) = open.iter().position(|(l, _, _)| *l == lane) {
                    let (lane, from, id) = open.remove(i);
                    spans.push(StripSpan {
                        lane: lane.to_string(),
                        label: String::new(),
                        from_ms: from,
                        to_ms: e.client_ms.max(from),
                        event_ids: vec![id, e.id.clone()],
                    });
                }
            }
            None => ticks.push(StripTick {
                at_ms: e.client_ms,
                label: kind.describe(),
                event_id: e.id.clone(),
            }),
        }
    }
    close_question(question, last_ms, &mut spans);
    for (lane, from, id) in open {
        spans.push(StripSpan {
            lane: lane.to_string(),
            label: String::new(),
            from_ms: from,
            to_ms: last_ms.max(from),
            event_ids: vec![id],
        });
    }
    spans.sort_by_key(|s| s.from_ms);
    let first = events.first().map(|e| e.client_ms).unwrap_or(start_ms);
    Strip {
        start_ms: start_ms.min(first),
        end_ms: last_ms.max(start_ms.saturating_add(1)),
        spans,
        ticks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seq: i64, ms: i64, kind: EventKind) -> EventRow {
        EventRow {
            id: format!("e{seq}"),
            seq,
            kind: kind.name().into(),
            client_ms: ms,
            server_ms: ms,
            payload_json: serde_json::to_string(&kind).unwrap(),
        }
    }

    #[test]
    fn intervals_become_spans_points_ticks_and_open_spans_run_to_the_end() {
        let events = [
            row(1, 1_000, EventKind::VisibilityHidden),
            row(2, 4_000, EventKind::VisibilityVisible),
            row(
                3,
                5_000,
                EventKind::Paste {
                    length: 9,
                    hash: "ab".into(),
                },
            ),
            row(4, 6_000, EventKind::Offline),
        ];
        let strip = from_events(0, 10_000, &events);
        assert_eq!(strip.spans.len(), 2);
        assert_eq!(strip.spans[0].lane, "Page hidden");
        assert_eq!((strip.spans[0].from_ms, strip.spans[0].to_ms), (1_000, 4_000));
        assert_eq!(strip.spans[0].event_ids, vec!["e1".to_string(), "e2".to_string()]);
        assert_eq!((strip.spans[1].from_ms, strip.spans[1].to_ms), (6_000, 10_000));
        assert_eq!(strip.ticks.len(), 1);
        assert_eq!(strip.ticks[0].event_id, "e3");
    }

    #[test]
    fn the_question_on_screen_runs_until_the_next_and_saves_are_ticks() {
        let events = [
            row(1, 1_000, EventKind::QuestionShown { number: 1 }),
            row(2, 2_000, EventKind::AnswerSaved { number: 1 }),
            row(3, 5_000, EventKind::QuestionShown { number: 2 }),
        ];
        let strip = from_events(0, 9_000, &events);
        let questions: Vec<_> = strip
            .spans
            .iter()
            .filter(|s| s.lane == QUESTION_LANE)
            .map(|s| (s.label.as_str(), s.from_ms, s.to_ms))
            .collect();
        assert_eq!(
            questions,
            vec![("Question 1", 1_000, 5_000), ("Question 2", 5_000, 9_000)]
        );
        assert_eq!(strip.ticks[0].label, "Answer to question 1 saved");
    }
}
