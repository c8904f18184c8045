//! The attempt as an SVG strip from start to submission, with a table that says the same in
//! text for screen readers and keyboard users. The events behind the chosen flag are drawn
//! highlighted, in both.

use crate::format::time_of_day;
use crate::model::{FlagView, Strip};
use leptos::prelude::*;

const WIDTH: f64 = 1000.0;
const LANE: f64 = 22.0;
const LANES: [&str; 4] = [
    "Page hidden",
    "Window not focused",
    "Offline",
    "Out of fullscreen",
];

/// Where a flag sits on the strip: its first evidence event, or the moment a reviewer chose,
/// or when it was raised.
fn flag_ms(f: &FlagView) -> i64 {
    f.evidence
        .first()
        .map(|e| e.client_ms)
        .or(f.at_ms)
        .unwrap_or(f.raised_at)
}

fn minutes(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

#[component]
pub fn AttemptStrip(strip: Strip, flags: Vec<FlagView>, highlighted: Signal<Vec<String>>) -> impl IntoView {
    let span = (strip.end_ms.saturating_sub(strip.start_ms)).max(1) as f64;
    let start = strip.start_ms;
    let x = move |ms: i64| ((ms.saturating_sub(start)) as f64 / span * WIDTH).clamp(0.0, WIDTH);
    let height = LANE * (LANES.len() as f64 + 2.0);
    let lane_y = |lane: &str| LANES.iter().position(|l| *l == lane).unwrap_or(0) as f64 * LANE;
    let ticks_y = LANES.len() as f64 * LANE;
    let flags_y = ticks_y + LANE;
    let lit = move |ids: &[String]| highlighted.with(|h| ids.iter().any(|id| h.contains(id)));
    let spans = strip.spans.clone();
    let ticks = strip.ticks.clone();
    let flag_marks: Vec<(i64, String, String)> = flags
        .iter()
        .map(|f| (flag_ms(f), f.flag_type.as_str().to_string(), f.flag_id.clone()))
        .collect();
    view! {
        <figure class="strip">
            <svg viewBox=format!("0 0 {WIDTH} {height}") preserveAspectRatio="none" role="img"
                aria-labelledby="strip-title strip-desc" data-testid="strip">
                <title id="strip-title">"The attempt from start to submission"</title>
                <desc id="strip-desc">"The top lane shows which question was on screen; spans below it show stretches with the page hidden, the window not focused, offline or out of fullscreen; ticks show single events such as answer saves and pastes; diamonds show flags. The table below lists the same."</desc>
                {LANES.iter().map(|lane| view! {
                    <rect class="lane" x="0" y=lane_y(lane) width=WIDTH height=LANE - 2.0 />
                }).collect_view()}
                {spans.into_iter().map(|s| {
                    let ids = s.event_ids.clone();
                    let width = (x(s.to_ms) - x(s.from_ms)).max(2.0);
                    let base = if s.lane == LANES[0] { "span question" } else { "span" };
                    view! {
                        <rect class=move || if lit(&ids) { format!("{base} hl") } else { base.to_string() }
                            x=x(s.from_ms) y=lane_y(&s.lane) width=width height=LANE - 2.0>
                            <title>{format!("{} {} from {} to {}", s.lane, s.label, time_of_day(s.from_ms), time_of_day(s.to_ms))}</title>
                        </rect>
                    }
                }).collect_view()}
                {ticks.into_iter().map(|t| {
                    let ids = vec![t.event_id.clone()];
                    view! {
                        <rect class=move || if lit(&ids) { "tick hl" } else { "tick" }
                            x=x(t.at_ms) - 1.0 y=ticks_y width="3" height=LANE - 2.0>
                            <title>{format!("{} at {}", t.label, time_of_day(t.at_ms))}</title>
                        </rect>
                    }
                }).collect_view()}
                {flag_marks.into_iter().map(|(ms, label, _)| {
                    let cx = x(ms);
                    let cy = flags_y + LANE / 2.0;
                    view! {
                        <path class="flag-mark" d=format!("M{cx} {} L{} {cy} L{cx} {} L{} {cy} Z", cy - 8.0, cx + 6.0, cy + 8.0, cx - 6.0)>
                            <title>{format!("{label} flag at {}", time_of_day(ms))}</title>
                        </path>
                    }
                }).collect_view()}
            </svg>
            <figcaption class="strip-legend muted">
                {format!("{} (start) → {} (end). Lanes from the top: ", time_of_day(strip.start_ms), time_of_day(strip.end_ms))}
                {LANES.join(", ")} ", single events, flags."
            </figcaption>
        </figure>
        <details class="strip-text">
            <summary>"The strip as a table"</summary>
            <table class="timeline" data-testid="strip-table">
                <caption class="sr-only">"Stretches and single events of the attempt"</caption>
                <thead><tr><th scope="col">"What"</th><th scope="col">"From (after start)"</th><th scope="col">"To"</th></tr></thead>
                <tbody>
                    {strip.spans.into_iter().map(|s| {
                        let ids = s.event_ids.clone();
                        view! {
                            <tr class=move || if lit(&ids) { "hl" } else { "" }>
                                <td>{if s.label.is_empty() { s.lane.clone() } else { format!("{}: {}", s.lane, s.label) }}</td>
                                <td>{format!("{} ({})", time_of_day(s.from_ms), minutes(s.from_ms - start))}</td>
                                <td>{time_of_day(s.to_ms)}</td>
                            </tr>
                        }
                    }).collect_view()}
                    {strip.ticks.into_iter().map(|t| {
                        let ids = vec![t.event_id.clone()];
                        view! {
                            <tr class=move || if lit(&ids) { "hl" } else { "" }>
                                <td>{t.label.clone()}</td>
                                <td>{format!("{} ({})", time_of_day(t.at_ms), minutes(t.at_ms - start))}</td>
                                <td>"—"</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}
