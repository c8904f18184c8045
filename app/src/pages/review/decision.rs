//! What a reviewer decides about a session: claim, outcome, second review, reopen, and a flag
//! of their own.

use crate::api::review::{add_review_flag, change_review};
use crate::components::feedback::ErrorNotice;
use crate::error::AppError;
use crate::model::SessionReview;
use leptos::prelude::*;
use shared::review::ReviewAction;
use shared::{FlagType, ReviewState, Severity};

/// What the caller may do to the session's outcome now.
#[component]
pub(super) fn DecisionPanel(review: SessionReview, refresh: Callback<()>) -> impl IntoView {
    let s = &review.session;
    let session_id = s.session_id.clone();
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let act = Action::new(move |(action, note): &(ReviewAction, String)| {
        change_review(session_id.clone(), *action, note.clone())
    });
    after_each(act, note, error, refresh);
    let run = move |action: ReviewAction| {
        act.dispatch((action, note.get_untracked()));
    };
    let state = s.review_state;
    let claimed_by_other = s.claimed_by.is_some() && !s.claimed_by_me;
    let note_field = move |label: &'static str| {
        view! {
            <label for="review-note">{label}</label>
            <textarea id="review-note" rows="3" maxlength="2000" data-testid="review-note"
                prop:value=note on:input=move |ev| note.set(event_target_value(&ev))></textarea>
        }
    };
    let body = match state {
        ReviewState::NotReviewed | ReviewState::InReview if review.can_review && !s.claimed_by_me => {
            if claimed_by_other {
                view! { <p class="muted">"Another reviewer holds this session. You can take it over once their claim lapses."</p> }.into_any()
            } else {
                view! {
                    <button class="btn btn-primary" data-testid="claim-session" on:click=move |_| run(ReviewAction::Claim)>
                        "Claim this session for review"
                    </button>
                }.into_any()
            }
        }
        ReviewState::InReview if s.claimed_by_me => {
            let outcome = RwSignal::new(ReviewState::Clean);
            view! {
                <fieldset class="outcomes">
                    <legend>"Your decision"</legend>
                    {[ReviewState::Clean, ReviewState::MinorViolation, ReviewState::Suspicious].into_iter().map(|o| view! {
                        <label class="choice">
                            <input type="radio" name="outcome" value=o.as_str()
                                prop:checked=move || outcome.get() == o on:change=move |_| outcome.set(o) />
                            {o.label()}
                        </label>
                    }).collect_view()}
                </fieldset>
                {note_field("Note (required unless clean; never shown to the candidate)")}
                <div class="actions">
                    <button class="btn btn-primary" data-testid="record-decision"
                        on:click=move |_| run(ReviewAction::Decide(outcome.get_untracked()))>"Record decision"</button>
                    <button class="btn" data-testid="release-session" on:click=move |_| run(ReviewAction::Release)>"Release the claim"</button>
                </div>
            }.into_any()
        }
        ReviewState::Suspicious if review.can_second_review => view! {
            <p>"The first reviewer found this session suspicious. Make the second review:"</p>
            {note_field("Note (required to reject)")}
            <div class="actions">
                <button class="btn" data-testid="verify-session" on:click=move |_| run(ReviewAction::SecondReview(ReviewState::Verified))>
                    "Verified: no misconduct"
                </button>
                <button class="btn btn-danger" data-testid="reject-session" on:click=move |_| run(ReviewAction::SecondReview(ReviewState::Rejected))>
                    "Rejected: misconduct confirmed"
                </button>
            </div>
        }.into_any(),
        ReviewState::Suspicious if s.first_reviewer_is_me => view! {
            <p class="muted">"You made the first review; quality assurance (another person) makes the second."</p>
        }.into_any(),
        decided if decided.is_decided() && review.can_reopen => view! {
            {note_field("Reason for reopening (required)")}
            <button class="btn" data-testid="reopen-session" on:click=move |_| run(ReviewAction::Reopen)>"Reopen for a new review"</button>
        }.into_any(),
        _ => view! { <p class="muted">"Nothing for you to decide here now."</p> }.into_any(),
    };
    view! {
        <div class="decision-panel" data-testid="decision-panel">
            {body}
            <div aria-live="assertive">{move || error.get().map(|error| view! { <ErrorNotice error /> })}</div>
            {move || act.pending().get().then(|| view! { <p class="muted" role="status">"Saving…"</p> })}
        </div>
    }
}

/// A flag of the reviewer's own at a moment of the attempt.
#[component]
pub(super) fn AddFlag(session_id: String, started_at: i64, refresh: Callback<()>) -> impl IntoView {
    let flag_type = RwSignal::new(FlagType::SuspiciousActivity);
    let severity = RwSignal::new(Severity::Medium);
    let minute = RwSignal::new(String::from("0"));
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let add = Action::new(move |(t, sev, at, note): &(FlagType, Severity, i64, String)| {
        add_review_flag(session_id.clone(), *t, *sev, *at, note.clone())
    });
    after_each(add, note, error, refresh);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let raw = minute.get_untracked();
        match raw.trim().replace(',', ".").parse::<f64>() {
            Ok(m) if m.is_finite() && (0.0..=10_000.0).contains(&m) => {
                let at = started_at.saturating_add((m * 60_000.0) as i64);
                add.dispatch((
                    flag_type.get_untracked(),
                    severity.get_untracked(),
                    at,
                    note.get_untracked(),
                ));
            }
            _ => error.set(Some(AppError::Invalid(
                "Enter the moment as minutes after the start, e.g. 12.5.".into(),
            ))),
        }
    };
    view! {
        <section class="card" aria-labelledby="add-flag-heading">
            <h2 id="add-flag-heading">"Add a flag of your own"</h2>
            <form class="form" on:submit=submit novalidate>
                <label for="own-flag-type">"Type"</label>
                <select id="own-flag-type" on:change=move |ev| {
                    if let Ok(t) = event_target_value(&ev).parse() { flag_type.set(t) }
                }>
                    {FlagType::ALL.iter().map(|t| view! {
                        <option value=t.as_str() selected=*t == FlagType::SuspiciousActivity>{t.as_str()}</option>
                    }).collect_view()}
                </select>
                <label for="own-flag-severity">"Severity"</label>
                <select id="own-flag-severity" on:change=move |ev| {
                    if let Ok(s) = event_target_value(&ev).parse() { severity.set(s) }
                }>
                    {Severity::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=*s == Severity::Medium>{super::severity_words(*s)}</option>
                    }).collect_view()}
                </select>
                <label for="own-flag-minute">"Minutes after the start"</label>
                <input id="own-flag-minute" type="text" inputmode="decimal" prop:value=minute
                    on:input=move |ev| minute.set(event_target_value(&ev)) />
                <label for="own-flag-note">"What you saw (required)"</label>
                <textarea id="own-flag-note" rows="2" maxlength="2000" prop:value=note
                    on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                <div aria-live="assertive">{move || error.get().map(|error| view! { <ErrorNotice error /> })}</div>
                <button type="submit" class="btn" disabled=move || add.pending().get()>"Add flag"</button>
            </form>
        </section>
    }
}

/// After each of `action`'s answers: a success clears the note and any refusal and reloads the
/// session; a refusal is shown.
fn after_each<I, O>(
    action: Action<I, Result<O, AppError>>,
    note: RwSignal<String>,
    error: RwSignal<Option<AppError>>,
    refresh: Callback<()>,
) where
    I: Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| match action.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            note.set(String::new());
            refresh.run(());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
}
