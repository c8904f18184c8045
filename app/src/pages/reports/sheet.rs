//! `/reports/attempts/:session_id`: one submitted attempt's answers sheet for the exam's report
//! readers: each question, the candidate's answer, the marks and any feedback, laid out to
//! print (the site's header and the buttons stay off paper).

use crate::api::reports::answer_sheet;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::format::datetime;
use crate::model::GradingSheet;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn AnswerSheetPage() -> impl IntoView {
    let params = use_params_map();
    let session_id = move || params.read().get("session_id").unwrap_or_default();
    let sheet = Resource::new(session_id, answer_sheet);
    view! {
        <Title text="Answers sheet" />
        <Suspense fallback=|| view! { <Loading label="Loading the answers…" /> }>
            {move || Suspend::new(async move {
                match sheet.await {
                    Ok(s) => view! { <Sheet sheet=s /> }.into_any(),
                    Err(error) => view! { <h1>"Answers sheet"</h1><ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Sheet(sheet: GradingSheet) -> impl IntoView {
    let result = match (sheet.score, sheet.max_score) {
        (Some(s), Some(m)) => {
            let percent = shared::grading::percentage(s, m);
            let verdict = if percent >= sheet.passing_score as f64 {
                "passed"
            } else {
                "not passed"
            };
            format!(
                "{s} of {m} points ({percent}%; pass mark {}%): {verdict}.",
                sheet.passing_score
            )
        }
        _ => "Not fully graded yet: essays are waiting for a grader.".to_string(),
    };
    view! {
        <article class="answer-sheet" data-testid="answer-sheet">
            <h1>{format!("Answers: {}", sheet.candidate_name)}</h1>
            <dl class="figures">
                <div><dt>"Exam"</dt><dd>{sheet.exam_title.clone()}</dd></div>
                <div><dt>"Submitted"</dt><dd>{datetime(sheet.submitted_at)}</dd></div>
                <div><dt>"Result"</dt><dd data-testid="sheet-result">{result}</dd></div>
            </dl>
            <p class="no-print actions">
                <button type="button" class="btn btn-primary" on:click=|_| {
                    let _ = window().print();
                }>"Print this sheet"</button>
            </p>
            <ol class="questions">
                {sheet.questions.into_iter().map(|q| view! {
                    <li class="card" data-testid="sheet-question">
                        <p class="q-number">{format!("Question {} · {} point(s)", q.number, q.points)}</p>
                        <p class="q-stem">{q.stem}</p>
                        <p><strong>"Answer: "</strong><span class="pre-wrap">{q.answer.unwrap_or_else(|| "No answer".into())}</span></p>
                        <p><strong>"Marks: "</strong>{match q.awarded {
                            Some(a) => format!("{a} of {}", q.points),
                            None => "waiting for a grader".to_string(),
                        }}</p>
                        {q.feedback.filter(|f| !f.is_empty()).map(|f| view! {
                            <p><strong>"Feedback: "</strong><span class="pre-wrap">{f}</span></p>
                        })}
                    </li>
                }).collect_view()}
            </ol>
        </article>
    }
}
