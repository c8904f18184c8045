//! Every question at a glance.

use super::*;

/// Every question at a glance, each a link to it: answered, not answered, marked for review.
#[component]
pub(super) fn Palette(
    items: Vec<(String, usize)>,
    answered: RwSignal<HashSet<String>>,
    marked: RwSignal<HashSet<String>>,
    show_all: RwSignal<bool>,
    current: RwSignal<usize>,
    go_to_question: Callback<usize>,
) -> impl IntoView {
    view! {
        <nav class="palette" aria-label="Questions">
            <ol>
                {items.into_iter().map(|(id, n)| {
                    let (a, m) = (id.clone(), id.clone());
                    let done = Signal::derive(move || answered.with(|s| s.contains(&a)));
                    let flagged = Signal::derive(move || marked.with(|s| s.contains(&m)));
                    let label = Signal::derive(move || {
                        let state = if done.get() { "answered" } else { "not answered" };
                        let review = if flagged.get() { ", marked for review" } else { "" };
                        format!("Question {n}: {state}{review}")
                    });
                    let shown = Signal::derive(move || !show_all.get() && current.get() + 1 == n);
                    view! {
                        <li>
                            <a
                                href=format!("#question-{id}")
                                class:current=shown
                                aria-current=move || shown.get().then_some("step")
                                class:answered=done
                                class:marked=flagged
                                aria-label=label
                                title=label
                                data-testid="palette-item"
                                on:click=move |ev| {
                                    // On one page the link scrolls by itself; one at a time,
                                    // the question has to be shown first.
                                    if !show_all.get_untracked() {
                                        ev.prevent_default();
                                        go_to_question.run(n - 1);
                                    }
                                }
                            >
                                <span aria-hidden="true">{n}</span>
                                <span class="palette-state" aria-hidden="true">
                                    {move || match (done.get(), flagged.get()) {
                                        (_, true) => "⚑",
                                        (true, false) => "✓",
                                        (false, false) => "–",
                                    }}
                                </span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </nav>
    }
}
