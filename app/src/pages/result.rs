//! A submitted attempt's result, as much as the exam shows.

use crate::api::player::get_result;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::local_time::LocalTime;
use crate::model::ResultView;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ResultPage() -> impl IntoView {
    let params = use_params_map();
    let session_id = move || params.read().get("session_id").unwrap_or_default();
    let result = Resource::new(session_id, get_result);
    view! {
        <Title text="Your result" />
        <Suspense fallback=|| view! { <Loading label="Loading your result…" /> }>
            {move || Suspend::new(async move {
                match result.await {
                    Ok(r) => view! { <ResultCard r /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn points(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p:.2}")
    }
}

#[component]
fn ResultCard(r: ResultView) -> impl IntoView {
    let how = if r.auto_submitted {
        "Submitted automatically when time ran out"
    } else {
        "Submitted"
    };
    let pending = r.pending;
    let outcome = match (r.score_visible, r.pending, r.passed) {
        (false, _, _) if r.released_at.is_some() => {
            "Your answers were submitted. Results show here after the exam closes for everyone.".to_string()
        }
        (false, _, _) if r.withheld => "Your answers were submitted. Your score is held until a person has reviewed the attempt; it appears here then.".to_string(),
        (false, _, _) => "Your answers were submitted. This exam does not show results to candidates.".to_string(),
        (true, true, _) => "Some answers are waiting for an instructor to grade them. Your final score appears here when they have.".to_string(),
        (true, false, Some(true)) => format!("Passed (the passing score is {}%).", r.passing_score),
        (true, false, _) => format!("Not passed (the passing score is {}%).", r.passing_score),
    };
    view! {
        <article class="card" data-testid="result">
            <h1>{r.exam_title.clone()}</h1>
            <p class="muted">{how}" at "<LocalTime ms=r.submitted_at />"."</p>
            {match (r.score, r.max_score, r.percentage) {
                (Some(s), Some(m), Some(p)) => Some(view! {
                    <p class="score" data-testid="score">{format!("Score: {} of {} points ({p}%)", points(s), points(m))}</p>
                }),
                _ => None,
            }}
            <p data-testid="outcome"><strong>{outcome}</strong></p>
            {r.released_at.map(|at| view! { <p data-testid="released-at">"Results show from " <LocalTime ms=at /> "."</p> })}
            {r.review_status.map(|status| view! {
                <p class="notice" role="status" data-testid="review-status">
                    <strong>"Review: "</strong>{status}
                </p>
            })}
            <p><a class="btn" href="/">"Back to your dashboard"</a></p>
        </article>
        {(!r.questions.is_empty()).then(|| view! {
            <section aria-labelledby="answers-title">
                <h2 id="answers-title">"Your answers"</h2>
                <ol class="questions">
                    {r.questions.into_iter().map(|q| view! {
                        <li class="card" data-testid="result-question">
                            <p class="q-number">{format!("Question {}", q.number)}</p>
                            {match q.stem_html {
                                Some(html) => view! { <div class="q-stem rich" inner_html=html></div> }.into_any(),
                                None => view! { <p class="q-stem">{q.stem}</p> }.into_any(),
                            }}
                            <dl class="facts">
                                <dt>"Your answer"</dt>
                                <dd>{q.your_answer.unwrap_or_else(|| "No answer".into())}</dd>
                                <dt>"Correct answer"</dt>
                                <dd>{q.correct_answer}</dd>
                                <dt>"Points"</dt>
                                <dd>{match q.awarded {
                                    Some(a) => format!("{} of {}", points(a), q.points),
                                    None if pending => "Not graded yet".to_string(),
                                    None => format!("0 of {}", q.points),
                                }}</dd>
                            </dl>
                            {q.explanation.map(|e| view! { <p class="muted">{e}</p> })}
                            {q.feedback.map(|f| view! {
                                <div class="feedback" data-testid="feedback">
                                    <strong>"Feedback from your instructor: "</strong>
                                    <span class="pre-wrap">{f}</span>
                                </div>
                            })}
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        })}
    }
}
