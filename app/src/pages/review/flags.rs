//! A flag as reviewers read it, and the controls that confirm or dismiss it.

use super::severity_words;
use crate::api::review::decide_flags;
use crate::components::feedback::ErrorNotice;
use crate::error::AppError;
use crate::format::{datetime, time_of_day};
use crate::model::FlagView;
use leptos::prelude::*;
use shared::FlagStatus;

fn status_words(s: FlagStatus) -> &'static str {
    match s {
        FlagStatus::Open => "Open",
        FlagStatus::Confirmed => "Confirmed",
        FlagStatus::Dismissed => "Dismissed",
    }
}

/// Type, severity and status in words, what raised it and the decision, if any.
#[component]
pub fn FlagSummary(flag: FlagView) -> impl IntoView {
    let severity_class = format!("severity severity-{}", flag.severity.as_str().to_lowercase());
    let status_class = format!("flag-status flag-status-{}", flag.status.as_str().to_lowercase());
    view! {
        <div class="flag-body">
            <div>
                <strong class="flag-type">{flag.flag_type.as_str()}</strong>
                " "
                <span class=severity_class>{severity_words(flag.severity)}</span>
                " · raised " <time>{datetime(flag.raised_at)}</time>
                " · " <span class=status_class data-testid="flag-status">{status_words(flag.status)}</span>
            </div>
            <p class="muted">
                {if flag.raised_by_person { "Raised by a reviewer. ".to_string() } else { format!("{} ", flag.flag_type.describe()) }}
                {flag.note.clone()}
                {flag.at_ms.map(|at| format!(" (at {})", time_of_day(at)))}
            </p>
            {(!flag.evidence.is_empty()).then(|| view! {
                <ol class="evidence" aria-label="Evidence">
                    {flag.evidence.iter().map(|e| view! {
                        <li data-testid="evidence">
                            {format!("#{} {} ({}) at {}", e.seq, e.description, e.kind, time_of_day(e.client_ms))}
                        </li>
                    }).collect_view()}
                </ol>
            })}
            {flag.resolved_at.map(|at| view! {
                <p class="decision" data-testid="flag-decision">
                    {format!("{} by {} at {}", status_words(flag.status), flag.resolved_by.clone().unwrap_or_else(|| "a former user".into()), datetime(at))}
                    {flag.resolution.clone().filter(|n| !n.is_empty()).map(|n| format!(": {n}"))}
                </p>
            })}
        </div>
    }
}

/// Confirm (with a note) or dismiss one flag. `decided` runs after a decision is stored.
#[component]
pub fn FlagDecision(flag_id: String, number: usize, decided: Callback<()>) -> impl IntoView {
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let decide = Action::new(move |(id, to, note): &(String, FlagStatus, String)| {
        decide_flags(vec![id.clone()], *to, note.clone())
    });
    Effect::new(move |_| match decide.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            decided.run(());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let note_id = format!("flag-note-{number}");
    let confirm_id = flag_id.clone();
    let dismiss_id = flag_id;
    view! {
        <div class="flag-decision">
            <label for=note_id.clone()>"Note (required to confirm)"</label>
            <textarea id=note_id rows="2" maxlength="2000" data-testid="flag-note"
                prop:value=note on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            <div class="actions">
                <button class="btn" data-testid="confirm-flag" data-shortcut="c" disabled=move || decide.pending().get()
                    on:click=move |_| { decide.dispatch((confirm_id.clone(), FlagStatus::Confirmed, note.get_untracked())); }>
                    "Confirm flag"
                </button>
                <button class="btn" data-testid="dismiss-flag" data-shortcut="d" disabled=move || decide.pending().get()
                    on:click=move |_| { decide.dispatch((dismiss_id.clone(), FlagStatus::Dismissed, note.get_untracked())); }>
                    "Dismiss flag"
                </button>
            </div>
            <div aria-live="assertive">{move || error.get().map(|error| view! { <ErrorNotice error /> })}</div>
        </div>
    }
}
