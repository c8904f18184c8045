//! One exam's report: attempts, scores and time used (charts with tables), pass rate, flags and
//! review outcomes, then the item analysis of every question with the ones to check marked.
//! The query (`?attempts=&department=&from=&to=`) chooses which attempts count: per candidate
//! the first, highest or last (or all), of one department, started within a range of days.

use super::attempts::AttemptFinder;
use crate::api::reports::get_exam_report;
use crate::components::chart::BarChart;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::model::reports::{Distribution, ExamReport, ItemRow, ReportFilter};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::statistics::AttemptChoice;
use shared::statistics::Summary;

fn one(v: f64) -> String {
    format!("{v:.1}")
}

fn maybe(v: Option<f64>) -> String {
    v.map(one).unwrap_or_else(|| "—".into())
}

/// "0–10", "10–20", … for a distribution's bins.
fn bin_labels(d: &Distribution, unit: &str) -> Vec<String> {
    (0..d.counts.len())
        .map(|i| {
            let from = d.from + d.width * i as f64;
            format!("{}–{}{unit}", from.round(), (from + d.width).round())
        })
        .collect()
}

#[component]
pub fn ExamReportPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let exam_id = move || params.read().get("exam_id").unwrap_or_default();
    // An unknown choice reads as the default; a bad department or day comes back as an error
    // that says which.
    let filter = move || {
        let q = query.read();
        ReportFilter {
            attempts: q
                .get("attempts")
                .and_then(|c| c.parse().ok())
                .unwrap_or(AttemptChoice::Highest),
            department: q.get("department").filter(|v| !v.is_empty()),
            from: q.get("from").filter(|v| !v.is_empty()),
            to: q.get("to").filter(|v| !v.is_empty()),
        }
    };
    let report = Resource::new(
        move || (exam_id(), filter()),
        |(id, f)| get_exam_report(id, f.attempts, f.department, f.from, f.to),
    );
    view! {
        <Title text="Exam report" />
        <Transition fallback=|| view! { <Loading label="Computing the report…" /> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(r) => view! { <Report report=r /> }.into_any(),
                    Err(error) => view! {
                        <h1>"Exam report"</h1>
                        <ErrorNotice error />
                        <p><a href=format!("/reports/exams/{}", exam_id())>"Show the whole exam"</a></p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Report(report: ExamReport) -> impl IntoView {
    let r = report;
    let base = format!("/reports/exams/{}", r.exam_id);
    view! {
        <h1>{format!("Report: {}", r.title)}</h1>
        <nav class="choice-nav" aria-label="Which attempts count">
            {AttemptChoice::ALL.iter().map(|c| {
                let current = (*c == r.filter.attempts).then_some("page");
                let query = ReportFilter { attempts: *c, ..r.filter.clone() }.query();
                view! { <a href=format!("{base}?{query}") aria-current=current>{c.label()}</a> }
            }).collect_view()}
        </nav>
        <FilterForm report=r.clone() />
        <p class="downloads" data-testid="downloads">
            "Download (CSV): "
            <a href=format!("/exports/exams/{}/sessions.csv", r.exam_id) download="">"results, every attempt"</a>
            " · "
            <a href=format!("/exports/exams/{}/items.csv?{}", r.exam_id, r.filter.query()) download="">"item analysis, as shown"</a>
            " · "
            <a href=format!("/exports/exams/{}/flags.csv", r.exam_id) download="">"flags, every attempt"</a>
        </p>
        {r.few_attempts.then(|| view! {
            <p class="notice notice-warning" role="status" data-testid="few-attempts">
                {format!("Only {} attempt(s) count here. With fewer than {} the statistics below say little about the questions.", r.counted, shared::statistics::FEW_ATTEMPTS)}
            </p>
        })}
        <section aria-labelledby="overview-title">
            <h2 id="overview-title">"Overview"</h2>
            <dl class="figures" data-testid="overview">
                <div><dt>"Started"</dt><dd>{r.started}</dd></div>
                <div><dt>"Submitted"</dt><dd>{r.submitted}</dd></div>
                <div><dt>"Submitted at the deadline"</dt><dd>{r.auto_submitted}</dd></div>
                <div><dt>"Still in progress"</dt><dd>{r.in_progress}</dd></div>
                <div><dt>"Counted"</dt><dd data-testid="counted">{r.counted}</dd></div>
                <div><dt>{format!("Pass rate (pass mark {}%)", r.passing_score)}</dt><dd data-testid="pass-rate">{r.pass_rate.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "—".into())}</dd></div>
            </dl>
            <ScoreFigures label="Score (%)" figures=r.scores />
            <ScoreFigures label="Time used (minutes)" figures=r.minutes />
        </section>
        <section aria-labelledby="charts-title">
            <h2 id="charts-title">"Distributions"</h2>
            <BarChart caption="Scores (percent)" labels=bin_labels(&r.score_bins, "%") counts=r.score_bins.counts.clone() what="Attempts" />
            <BarChart caption="Time used (minutes)" labels=bin_labels(&r.minute_bins, "") counts=r.minute_bins.counts.clone() what="Attempts" />
        </section>
        <Flags report=r.clone() />
        <Items report=r.clone() />
        <AttemptFinder exam_id=r.exam_id />
    }
}

/// Narrows the report to one department's candidates and a range of days (a plain GET form:
/// the result is a link that can be shared or bookmarked).
#[component]
fn FilterForm(report: ExamReport) -> impl IntoView {
    let f = report.filter;
    let chosen = f.department.clone().unwrap_or_default();
    view! {
        <form method="get" action=format!("/reports/exams/{}", report.exam_id) class="filters card" role="search" aria-label="Narrow the report" data-testid="report-filter">
            <input type="hidden" name="attempts" value=f.attempts.as_str() />
            <div class="filter-grid">
                <label>"Department"
                    <select name="department">
                        <option value="" selected=chosen.is_empty()>"Every department"</option>
                        {report.departments.into_iter().map(|d| {
                            let selected = d.id == chosen;
                            view! { <option value=d.id selected=selected>{d.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>"Started from day"
                    <input name="from" type="date" value=f.from.clone().unwrap_or_default() />
                </label>
                <label>"to day"
                    <input name="to" type="date" value=f.to.clone().unwrap_or_default() />
                </label>
            </div>
            <div class="actions">
                <button type="submit" class="btn">"Apply"</button>
                {f.narrows().then(|| view! {
                    <a href=format!("/reports/exams/{}?attempts={}", report.exam_id, f.attempts.as_str())>"Show every attempt again"</a>
                })}
            </div>
        </form>
    }
}

#[component]
fn ScoreFigures(label: &'static str, figures: Option<Summary>) -> impl IntoView {
    match figures {
        None => view! { <p class="muted">{format!("{label}: no submitted attempt yet.")}</p> }.into_any(),
        Some(f) => view! {
            <div class="table-wrap"><table class="table">
                <caption>{label}</caption>
                <thead><tr><th scope="col">"Mean"</th><th scope="col">"Median"</th><th scope="col">"Standard deviation"</th><th scope="col">"Lowest"</th><th scope="col">"Highest"</th></tr></thead>
                <tbody><tr><td>{one(f.mean)}</td><td>{one(f.median)}</td><td>{one(f.sd)}</td><td>{one(f.min)}</td><td>{one(f.max)}</td></tr></tbody>
            </table></div>
        }.into_any(),
    }
}

#[component]
fn Flags(report: ExamReport) -> impl IntoView {
    let started = report.started.max(1) as f64;
    view! {
        <section aria-labelledby="flags-title">
            <h2 id="flags-title">"Flags and review"</h2>
            {if report.flags.is_empty() {
                view! { <p class="empty">"No flag was raised in this exam."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="table" data-testid="flag-rates">
                        <caption class="sr-only">"Flags by type"</caption>
                        <thead><tr><th scope="col">"Flag"</th><th scope="col">"Flags"</th><th scope="col">"Attempts flagged"</th><th scope="col">"Confirmed"</th><th scope="col">"Dismissed"</th></tr></thead>
                        <tbody>
                            {report.flags.iter().map(|f| view! {
                                <tr>
                                    <th scope="row" title=f.flag_type.describe()>{f.flag_type.as_str()}</th>
                                    <td>{f.flags}</td>
                                    <td>{format!("{} ({:.1}%)", f.attempts, 100.0 * f.attempts as f64 / started)}</td>
                                    <td>{f.confirmed}</td>
                                    <td>{f.dismissed}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
            {(!report.review.is_empty()).then(|| view! {
                <h3>"Review outcomes"</h3>
                <ul class="plain-list" data-testid="review-outcomes">
                    {report.review.iter().map(|(state, n)| view! { <li>{format!("{}: {n}", state.label())}</li> }).collect_view()}
                </ul>
            })}
        </section>
    }
}

#[component]
fn Items(report: ExamReport) -> impl IntoView {
    view! {
        <section aria-labelledby="items-title">
            <h2 id="items-title">"Item analysis"</h2>
            <p class="muted">"Facility: the mean mark as a percentage (how easy). Discrimination: how far doing well on this question goes with doing well on the rest (corrected item–total correlation, ×100). Efficiency: discrimination as a share of the most these marks allow. Questions to check are marked ⚠."</p>
            {if report.items.is_empty() {
                view! { <p class="empty">"No submitted attempt to analyse yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="table" data-testid="item-analysis">
                        <caption class="sr-only">"Item analysis per question"</caption>
                        <thead><tr>
                            <th scope="col">"#"</th><th scope="col">"Question"</th><th scope="col">"Attempts"</th>
                            <th scope="col">"Facility %"</th><th scope="col">"SD %"</th>
                            <th scope="col">"Discrimination"</th><th scope="col">"Efficiency %"</th><th scope="col">"Check"</th>
                        </tr></thead>
                        <tbody>{report.items.into_iter().map(|item| view! { <ItemLine item /> }).collect_view()}</tbody>
                    </table></div>
                    <dl class="figures" data-testid="test-figures">
                        <div><dt>"Cronbach's alpha %"</dt><dd>{maybe(report.alpha)}</dd></div>
                        <div><dt>"Error ratio %"</dt><dd>{maybe(report.error_ratio)}</dd></div>
                        <div><dt>"Standard error (marks)"</dt><dd>{report.standard_error.map(|v| format!("{v:.2}")).unwrap_or_else(|| "—".into())}</dd></div>
                    </dl>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn ItemLine(item: ItemRow) -> impl IntoView {
    let flagged = !item.concerns.is_empty();
    view! {
        <tr data-testid="item-row" data-needs-check=flagged.to_string()>
            <td>{item.number}</td>
            <td>
                {item.title.clone()}
                <div class="muted">{format!("{} · {} point(s)", item.kind.to_lowercase(), item.max_points)}</div>
                {(!item.options.is_empty()).then(|| view! {
                    <details data-testid="option-use">
                        <summary>{format!("Options by thirds ({} attempts each)", item.third)}</summary>
                        <table class="table">
                            <thead><tr><th scope="col">"Option"</th><th scope="col">"Top third"</th><th scope="col">"Bottom third"</th></tr></thead>
                            <tbody>
                                {item.options.iter().map(|o| view! {
                                    <tr>
                                        <th scope="row">{o.text.clone()}{o.right.then_some(" ✓ (right)")}</th>
                                        <td>{o.top}</td>
                                        <td>{o.bottom}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </details>
                })}
            </td>
            <td>{item.attempts}</td>
            <td>{maybe(item.facility)}</td>
            <td>{maybe(item.sd)}</td>
            <td>{maybe(item.discrimination)}</td>
            <td>{maybe(item.efficiency)}</td>
            <td>
                {if flagged {
                    item.concerns.iter().map(|c| view! { <span class="concern">{format!("⚠ {}", c.label())}</span> }).collect_view().into_any()
                } else {
                    view! { <span class="muted">"✓ fine"</span> }.into_any()
                }}
            </td>
        </tr>
    }
}
