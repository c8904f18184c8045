//! The exam's sections: fixed questions picked from a bank, or a draw of N approved questions
//! filtered by tags and difficulty. Only a draft's sections change.

use super::page::BuilderActions;
use crate::api::exam_builder::{AddSection, RemoveSection, SectionQuestion};
use crate::components::feedback::ErrorNotice;
use crate::model::exams::{BuilderView, SectionInput, SectionView};
use leptos::prelude::*;
use shared::exam_plan::Phase;
use shared::question::Difficulty;

fn points(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p:.2}")
    }
}

#[component]
pub fn Sections(v: BuilderView, actions: BuilderActions) -> impl IntoView {
    let draft = v.phase == Phase::Draft;
    let BuilderActions {
        remove,
        question,
        add,
        ..
    } = actions;
    let error = move || {
        remove
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| question.value().get().and_then(Result::err))
    };
    view! {
        <section aria-labelledby="sections-title">
            <h2 id="sections-title">"Sections"</h2>
            <div aria-live="assertive">{move || error().map(|error| view! { <ErrorNotice error /> })}</div>
            {v.sections.is_empty().then(|| view! { <p class="empty">"No sections yet: add one below."</p> })}
            {v.sections.into_iter().map(|s| view! { <SectionCard s draft remove question /> }).collect_view()}
            {draft.then(|| view! { <NewSection exam_id=v.exam_id.clone() banks=v.banks.clone() add /> })}
        </section>
    }
}

#[component]
fn SectionCard(
    s: SectionView,
    draft: bool,
    remove: ServerAction<RemoveSection>,
    question: ServerAction<SectionQuestion>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let chosen = RwSignal::new(
        s.available
            .first()
            .map(|i| i.version_id.clone())
            .unwrap_or_default(),
    );
    let section_id = s.section_id.clone();
    let heading = format!("section-{}", s.section_id);
    let heading_ref = heading.clone();
    let select_id = format!("add-to-{}", s.section_id);
    let filters = {
        let mut parts = Vec::new();
        if !s.tags.is_empty() {
            parts.push(format!("tagged {}", s.tags.join(", ")));
        }
        if let Some(d) = s.difficulty {
            parts.push(d.as_str().to_lowercase());
        }
        parts.join(", ")
    };
    let summary = match s.draw_count {
        Some(n) => format!(
            "Draws {n} question(s) per attempt from {} ({}{} approved question(s) to draw from).",
            s.bank_name,
            if filters.is_empty() {
                String::new()
            } else {
                format!("{filters}; ")
            },
            s.pool_size
        ),
        None => format!("Fixed questions from {}.", s.bank_name),
    };
    let fixed = s.draw_count.is_none();
    let remove_id = section_id.clone();
    view! {
        <article class="card section" aria-labelledby=heading_ref data-testid="section">
            <h3 id=heading>{s.title.clone()}</h3>
            <p class="muted">{summary}</p>
            {(fixed || !s.items.is_empty()).then(|| view! {
                <ol class="section-items">
                    {s.items.is_empty().then(|| view! { <li class="empty">"No questions yet."</li> })}
                    {s.items.into_iter().map(|i| {
                        let (section_id, version_id) = (section_id.clone(), i.version_id.clone());
                        view! {
                            <li data-testid="section-item">
                                <span>{format!("{} (v{}, {}, {}, {} pt)", i.title, i.version_no, i.kind, i.difficulty.as_str().to_lowercase(), points(i.points))}</span>
                                {(draft && fixed).then(|| view! {
                                    <button class="btn btn-quiet" aria-label=format!("Remove “{}” from the section", i.title)
                                        on:click=move |_| { question.dispatch(SectionQuestion { section_id: section_id.clone(), version_id: version_id.clone(), add: false }); }>
                                        "Remove"
                                    </button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            })}
            {(draft && fixed && !s.available.is_empty()).then(|| {
                let section_id = section_id.clone();
                view! {
                    <div class="inline-form">
                        <label for=select_id.clone()>"Add an approved question"</label>
                        <select id=select_id on:change=move |ev| chosen.set(event_target_value(&ev))>
                            {s.available.into_iter().map(|i| view! {
                                <option value=i.version_id.clone()>{format!("{} (v{}, {}, {} pt)", i.title, i.version_no, i.kind, points(i.points))}</option>
                            }).collect_view()}
                        </select>
                        <button class="btn" disabled=move || question.pending().get() on:click=move |_| {
                            question.dispatch(SectionQuestion { section_id: section_id.clone(), version_id: chosen.get_untracked(), add: true });
                        }>"Add question"</button>
                    </div>
                }
            })}
            {draft.then(|| view! {
                <Show when=move || asking.get() fallback=move || view! {
                    <button class="btn btn-quiet" on:click=move |_| asking.set(true)>"Remove section"</button>
                }>
                    {
                        let remove_id = remove_id.clone();
                        view! {
                            <div class="confirm" role="group" aria-label="Confirm removing the section">
                                <p>"Remove this section and its questions from the exam?"</p>
                                <button class="btn btn-danger" on:click=move |_| {
                                    remove.dispatch(RemoveSection { section_id: remove_id.clone() });
                                    asking.set(false);
                                }>"Remove"</button>
                                <button class="btn btn-quiet" on:click=move |_| asking.set(false)>"Keep it"</button>
                            </div>
                        }
                    }
                </Show>
            })}
        </article>
    }
}

#[component]
fn NewSection(
    exam_id: String,
    banks: Vec<crate::model::exams::BankChoice>,
    add: ServerAction<AddSection>,
) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let bank = RwSignal::new(banks.first().map(|b| b.bank_id.clone()).unwrap_or_default());
    let draw = RwSignal::new(false);
    let count = RwSignal::new("1".to_string());
    let tags = RwSignal::new(String::new());
    let difficulty = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            title.set(String::new());
        }
    });
    view! {
        <form class="card form" aria-labelledby="new-section-title" on:submit=move |ev| {
            ev.prevent_default();
            let section = SectionInput {
                title: title.get_untracked(),
                bank_id: bank.get_untracked(),
                draw_count: draw.get_untracked().then(|| count.get_untracked().trim().parse().unwrap_or(0)),
                tags: tags.get_untracked().split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect(),
                difficulty: difficulty.get_untracked().parse::<Difficulty>().ok(),
            };
            add.dispatch(AddSection { exam_id: exam_id.clone(), section });
        }>
            <h3 id="new-section-title">"Add a section"</h3>
            <label for="section-title">"Title"</label>
            <input id="section-title" required maxlength="200" prop:value=title on:input=move |ev| title.set(event_target_value(&ev)) />
            <label for="section-bank">"Bank"</label>
            <select id="section-bank" on:change=move |ev| bank.set(event_target_value(&ev))>
                {banks.into_iter().map(|b| view! { <option value=b.bank_id.clone()>{b.name.clone()}</option> }).collect_view()}
            </select>
            <fieldset>
                <legend>"Questions"</legend>
                <label class="check"><input type="radio" name="section-kind" prop:checked=move || !draw.get() on:change=move |_| draw.set(false) />"Fixed: I pick them"</label>
                <label class="check"><input type="radio" name="section-kind" prop:checked=draw on:change=move |_| draw.set(true) />"Drawn at random for each attempt"</label>
            </fieldset>
            <Show when=move || draw.get()>
                <label for="section-count">"How many to draw"</label>
                <input id="section-count" type="number" min="1" max="500" prop:value=count on:input=move |ev| count.set(event_target_value(&ev)) />
                <label for="section-tags">"Only questions tagged (all of)"</label>
                <input id="section-tags" placeholder="routing, week 1" prop:value=tags on:input=move |ev| tags.set(event_target_value(&ev)) />
                <label for="section-difficulty">"Difficulty"</label>
                <select id="section-difficulty" on:change=move |ev| difficulty.set(event_target_value(&ev))>
                    <option value="">"Any"</option>
                    <option value="EASY">"Easy"</option>
                    <option value="MEDIUM">"Medium"</option>
                    <option value="HARD">"Hard"</option>
                </select>
            </Show>
            <div aria-live="assertive">{move || add.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}</div>
            <button type="submit" class="btn" disabled=move || add.pending().get()>
                {move || if add.pending().get() { "Adding…" } else { "Add section" }}
            </button>
        </form>
    }
}
