//! Bar charts as SVG, drawn into the page on the server (no charting script). The same counts
//! sit in a table below each chart, for screen readers and for anyone who wants the numbers.

use leptos::prelude::*;

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 200.0;
const BASE: f64 = 170.0;
const TOP: f64 = 20.0;

/// `counts[i]` is the bar labelled `labels[i]`; `what` names what is counted ("attempts").
#[component]
pub fn BarChart(
    #[prop(into)] caption: String,
    labels: Vec<String>,
    counts: Vec<u64>,
    what: &'static str,
) -> impl IntoView {
    let most = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let n = counts.len().max(1) as f64;
    let slot = WIDTH / n;
    let bars = counts
        .iter()
        .zip(&labels)
        .enumerate()
        .map(|(i, (&count, label))| {
            let h = (count as f64 / most) * (BASE - TOP);
            let x = i as f64 * slot;
            let centre = x + slot / 2.0;
            view! {
                <g>
                    <rect class="bar" x=format!("{:.1}", x + slot * 0.1) y=format!("{:.1}", BASE - h)
                        width=format!("{:.1}", slot * 0.8) height=format!("{:.1}", h) />
                    {(count > 0).then(|| view! {
                        <text class="bar-value" x=format!("{centre:.1}") y=format!("{:.1}", BASE - h - 4.0) text-anchor="middle">{count}</text>
                    })}
                    <text class="bar-label" x=format!("{centre:.1}") y=format!("{:.1}", BASE + 16.0) text-anchor="middle">{label.clone()}</text>
                </g>
            }
        })
        .collect_view();
    let rows = labels
        .iter()
        .zip(&counts)
        .map(|(label, count)| view! { <tr><th scope="row">{label.clone()}</th><td>{*count}</td></tr> })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption>{caption.clone()}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") aria-hidden="true" focusable="false" preserveAspectRatio="xMidYMid meet">
                <line class="axis" x1="0" y1=BASE x2=WIDTH y2=BASE />
                {bars}
            </svg>
            <details>
                <summary>{format!("{caption} as a table")}</summary>
                <table class="table">
                    <thead><tr><th scope="col">"Range"</th><th scope="col">{what}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
}
