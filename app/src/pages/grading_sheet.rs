//! One attempt for its grader: every answer, and points with feedback for each essay.

use crate::api::grading::{get_grading_sheet, grade_essays};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::error::AppError;
use crate::format::datetime;
use crate::model::{EssayGrade, GradingSheet};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn GradingSheetPage() -> impl IntoView {
    let params = use_params_map();
    let session_id = move || params.read().get("session_id").unwrap_or_default();
    let saved = RwSignal::new(0_u32);
    // Lives above the sheet, so the confirmation survives the sheet's reload after a save.
    let done = RwSignal::new(false);
    let sheet = Resource::new(
        move || (session_id(), saved.get()),
        |(id, _)| get_grading_sheet(id),
    );
    view! {
        <Title text="Grade an attempt" />
        <p><a href="/grading">"← Grading queue"</a></p>
        <Transition fallback=|| view! { <Loading label="Loading the attempt…" /> }>
            {move || Suspend::new(async move {
                match sheet.await {
                    Ok(s) => view! { <Sheet sheet=s saved done /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Points a grader typed, read as a number, or what is wrong with them.
fn read_points(raw: &str, number: usize, max: i64) -> Result<f64, AppError> {
    let value: f64 = raw
        .trim()
        .replace(',', ".")
        .parse()
        .map_err(|_| AppError::Invalid(format!("Enter points for question {number} as a number.")))?;
    if !value.is_finite() || value < 0.0 || value > max as f64 {
        return Err(AppError::Invalid(format!(
            "Points for question {number} must be between 0 and {max}."
        )));
    }
    Ok(value)
}

/// What the grader types for one essay, kept in signals until saved.
#[derive(Clone, Copy)]
struct EssayFields {
    number: usize,
    max: i64,
    points: RwSignal<String>,
    feedback: RwSignal<String>,
}

#[component]
fn Sheet(sheet: GradingSheet, saved: RwSignal<u32>, done: RwSignal<bool>) -> impl IntoView {
    let session_id = sheet.session_id.clone();
    let fields: Vec<(String, EssayFields)> = sheet
        .questions
        .iter()
        .filter(|q| q.needs_person)
        .map(|q| {
            let f = EssayFields {
                number: q.number,
                max: q.points,
                points: RwSignal::new(q.awarded.map(|a| a.to_string()).unwrap_or_default()),
                feedback: RwSignal::new(q.feedback.clone().unwrap_or_default()),
            };
            (q.question_id.clone(), f)
        })
        .collect();
    let fields = StoredValue::new(fields);
    let error = RwSignal::new(None::<AppError>);
    let save = Action::new(move |grades: &Vec<EssayGrade>| grade_essays(session_id.clone(), grades.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => {
            error.set(None);
            done.set(true);
            saved.update(|n| *n += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        let grades: Result<Vec<EssayGrade>, AppError> = fields.with_value(|fields| {
            fields
                .iter()
                .map(|(id, f)| {
                    Ok(EssayGrade {
                        question_id: id.clone(),
                        points: read_points(&f.points.get_untracked(), f.number, f.max)?,
                        feedback: f.feedback.get_untracked(),
                    })
                })
                .collect()
        });
        match grades {
            Ok(g) => {
                error.set(None);
                save.dispatch(g);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let status = match (sheet.grading_status.as_str(), sheet.score, sheet.max_score) {
        ("GRADED", Some(s), Some(m)) => format!(
            "Graded: {s} of {m} points ({}%; passing score {}%).",
            shared::grading::percentage(s, m),
            sheet.passing_score
        ),
        _ => "Waiting for your grades on the essays below.".to_string(),
    };
    view! {
        <Title text=format!("Grade: {}", sheet.candidate_name) />
        <h1>{format!("{} — {}", sheet.candidate_name, sheet.exam_title)}</h1>
        <p class="muted">{format!("Submitted {}", datetime(sheet.submitted_at))}</p>
        <p data-testid="grading-status"><strong>{status}</strong></p>
        <form class="form" on:submit=submit novalidate>
            <ol class="questions">
                {sheet.questions.into_iter().map(|q| {
                    let field = fields.with_value(|f| f.iter().find(|(id, _)| *id == q.question_id).map(|(_, f)| (f.points, f.feedback)));
                    let points_id = format!("points-{}", q.number);
                    let feedback_id = format!("feedback-{}", q.number);
                    view! {
                        <li class="card" data-testid="grading-question">
                            <p class="q-number">{format!("Question {} · {} point(s)", q.number, q.points)}</p>
                            <p class="q-stem">{q.stem.clone()}</p>
                            <p><strong>"Answer: "</strong><span class="pre-wrap">{q.answer.clone().unwrap_or_else(|| "No answer".into())}</span></p>
                            {match field {
                                Some((points, feedback)) => view! {
                                    <label for=points_id.clone()>{format!("Points (0 to {})", q.points)}</label>
                                    <input id=points_id class="points-input" type="text" inputmode="decimal" required
                                        prop:value=points on:input=move |ev| points.set(event_target_value(&ev)) />
                                    <label for=feedback_id.clone()>"Feedback to the candidate (optional)"</label>
                                    <textarea id=feedback_id rows="3"
                                        prop:value=feedback on:input=move |ev| feedback.set(event_target_value(&ev))></textarea>
                                }.into_any(),
                                None => view! {
                                    <p class="muted">{format!(
                                        "Graded automatically: {} of {} point(s).",
                                        q.awarded.unwrap_or(0.0),
                                        q.points
                                    )}</p>
                                }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ol>
            <div aria-live="assertive">{move || error.get().map(|error| view! { <ErrorNotice error /> })}</div>
            <div aria-live="polite">
                {move || done.get().then(|| view! { <p class="notice notice-success" role="status">"Grades saved. The candidate's result is updated."</p> })}
            </div>
            <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                {move || if save.pending().get() { "Saving grades…" } else { "Save grades" }}
            </button>
        </form>
    }
}
