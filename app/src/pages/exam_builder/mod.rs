//! The exam builder: the coordinator's list of exams with a form for a new one ([`ExamsPage`]),
//! and one exam's settings, sections and life ([`page::ExamBuilderPage`]).

pub mod page;
mod sections;
mod settings;

use crate::api::exam_builder::{builder_banks, built_exams, CreateExam};
use crate::components::feedback::{ErrorNotice, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use shared::exam_plan::Phase;

/// A phase in words with a symbol of its own, never colour alone.
#[component]
pub fn PhaseBadge(phase: Phase) -> impl IntoView {
    let (icon, label) = match phase {
        Phase::Draft => ("✎", "Draft"),
        Phase::Scheduled => ("◷", "Scheduled"),
        Phase::Open => ("●", "Open"),
        Phase::Closed => ("■", "Closed"),
        Phase::Cancelled => ("✗", "Cancelled"),
    };
    view! {
        <span class=format!("badge phase-{}", phase.as_str().to_lowercase()) data-testid="phase">
            <span aria-hidden="true">{icon}" "</span>{label}
        </span>
    }
}

#[component]
pub fn ExamsPage() -> impl IntoView {
    let create = ServerAction::<CreateExam>::new();
    let exams = Resource::new(|| (), |_| built_exams());
    let banks = Resource::new(|| (), |_| builder_banks());
    // A new exam opens at once in the builder.
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            crate::go_to(&format!("/exam-builder/{id}"));
        }
    });
    view! {
        <Title text="Exam builder" />
        <h1>"Exams"</h1>
        <p class="muted">"Build an exam from approved question banks, check it, and publish it for its window."</p>
        <Suspense fallback=|| view! { <Loading label="Loading exams…" /> }>
            {move || Suspend::new(async move {
                match exams.await {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"No exams yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table class="table" data-testid="built-exams">
                                <caption class="sr-only">"Exams of the organisations where you coordinate exams"</caption>
                                <thead><tr>
                                    <th scope="col">"Exam"</th>
                                    <th scope="col">"State"</th>
                                    <th scope="col">"Window"</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|e| view! {
                                        <tr data-testid="built-exam">
                                            <td>
                                                <a href=format!("/exam-builder/{}", e.exam_id)>{e.title.clone()}</a>
                                                <div class="muted">{e.organization.clone()}</div>
                                            </td>
                                            <td><PhaseBadge phase=e.phase /></td>
                                            <td>{e.window.clone()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match banks.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">"No approved question bank yet: exams are built from approved banks."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <section class="card" aria-labelledby="new-exam-title">
                            <h2 id="new-exam-title">"New exam"</h2>
                            <ActionForm action=create attr:class="form">
                                <label for="new-exam-name">"Title"</label>
                                <input id="new-exam-name" name="title" required maxlength="200" />
                                <label for="new-exam-bank">"Start from the bank"</label>
                                <select id="new-exam-bank" name="bank_id" required>
                                    {list.into_iter().map(|b| view! {
                                        <option value=b.bank_id.clone()>{format!("{} ({})", b.name, b.organization)}</option>
                                    }).collect_view()}
                                </select>
                                <div aria-live="assertive">
                                    {move || create.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
                                </div>
                                <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>
                                    {move || if create.pending().get() { "Creating…" } else { "Create exam" }}
                                </button>
                            </ActionForm>
                        </section>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
