//! Acting on many questions of a bank at once: the selected ones are submitted, approved or
//! archived (each by the same rules as one at a time, refusals listed), or moved to another bank
//! of the organisation (all or none).

use crate::api::banks::{list_banks, BulkQuestionAction, MoveQuestions};
use crate::components::feedback::ErrorNotice;
use leptos::prelude::*;
use shared::authoring::AuthoringAction;
use std::collections::BTreeSet;

/// The selected questions: (question id, version id).
pub type Selection = RwSignal<BTreeSet<(String, String)>>;

#[component]
pub fn BulkActions(
    bank_id: String,
    org_id: String,
    selected: Selection,
    may_author: bool,
    may_review: bool,
    act: ServerAction<BulkQuestionAction>,
    move_to: ServerAction<MoveQuestions>,
) -> impl IntoView {
    let target = RwSignal::new(String::new());
    let archive_asked = RwSignal::new(false);
    let others = Resource::new(|| (), move |_| list_banks(org_id.clone(), None));
    Effect::new(move |_| {
        if matches!(act.value().get(), Some(Ok(_))) || matches!(move_to.value().get(), Some(Ok(_))) {
            selected.set(BTreeSet::new());
        }
    });
    let versions = move || selected.with(|s| s.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>());
    let run = move |action: AuthoringAction| {
        act.dispatch(BulkQuestionAction {
            version_ids: versions(),
            action,
        });
        archive_asked.set(false);
    };
    let count = move || selected.with(|s| s.len());
    let none = move || count() == 0;
    let bank_for_move = bank_id.clone();
    view! {
        <div class="bulk" role="group" aria-label="With the selected questions">
            <p class="muted" aria-live="polite" data-testid="selected-count">{move || format!("{} selected", count())}</p>
            {may_author.then(|| view! {
                <button class="btn btn-small" disabled=none on:click=move |_| run(AuthoringAction::Submit)>"Submit selected"</button>
            })}
            {may_review.then(|| view! {
                <button class="btn btn-small" disabled=none on:click=move |_| run(AuthoringAction::Approve)>"Approve selected"</button>
            })}
            {may_author.then(|| view! {
                <button class="btn btn-small btn-quiet" disabled=none on:click=move |_| archive_asked.set(true)>"Archive selected…"</button>
                <label class="inline-select">
                    <span>"Move selected to"</span>
                    <select on:change=move |ev| target.set(event_target_value(&ev))>
                        <option value="">"(choose a bank)"</option>
                        <Suspense fallback=|| ()>
                            {move || {
                                let bank_id = bank_id.clone();
                                Suspend::new(async move {
                                others.await.unwrap_or_default().into_iter()
                                    .filter(|b| b.id != bank_id)
                                    .map(|b| view! { <option value=b.id.clone()>{b.name.clone()}</option> })
                                    .collect_view()
                                })
                            }}
                        </Suspense>
                    </select>
                </label>
                <button class="btn btn-small" disabled=move || none() || target.get().is_empty() on:click=move |_| {
                    move_to.dispatch(MoveQuestions {
                        bank_id: bank_for_move.clone(),
                        question_ids: selected.with_untracked(|s| s.iter().map(|(q, _)| q.clone()).collect()),
                        to_bank_id: target.get_untracked(),
                    });
                }>"Move"</button>
            })}
        </div>
        <Show when=move || archive_asked.get()>
            <div class="confirm" role="group" aria-label="Confirm archiving the selected questions">
                <p>{move || format!("Archive {} question(s)? Exams keep the versions they use.", count())}</p>
                <button class="btn btn-small btn-danger" on:click=move |_| run(AuthoringAction::Archive)>"Archive"</button>
                <button class="btn btn-small btn-quiet" on:click=move |_| archive_asked.set(false)>"Cancel"</button>
            </div>
        </Show>
        <div aria-live="polite" data-testid="bulk-result">
            {move || act.value().get().map(|r| match r {
                Ok(report) => view! {
                    <div class="notice" role="status">
                        <p>{format!("{} question(s) changed.", report.done)}</p>
                        {(!report.refused.is_empty()).then(|| view! {
                            <ul>{report.refused.into_iter().map(|why| view! { <li>{why}</li> }).collect_view()}</ul>
                        })}
                    </div>
                }.into_any(),
                Err(error) => view! { <ErrorNotice error /> }.into_any(),
            })}
            {move || move_to.value().get().map(|r| match r {
                Ok(report) => view! { <p class="notice" role="status">{format!("{} question(s) moved.", report.done)}</p> }.into_any(),
                Err(error) => view! { <ErrorNotice error /> }.into_any(),
            })}
        </div>
    }
}
