//! Writing a question: the form, the player's own preview beside it, and the version history.
//! A save of bad input names each problem beside its field and saves nothing; leaving with
//! unsaved changes asks first.

mod draft;
mod form;
mod preview;
mod stem;

use super::StatusBadge;
use crate::api::banks::{get_question_history, SaveQuestion};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::error::AppError;
use crate::format::datetime;
use crate::model::authoring::QuestionHistory;
use draft::Draft;
use form::Fields;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use preview::Preview;
use shared::authoring::AuthoringStatus;
use shared::question::FieldError;

#[component]
pub fn QuestionEditorPage() -> impl IntoView {
    let params = use_params_map();
    let bank_id = move || params.read().get("bank_id").unwrap_or_default();
    let question_id = move || params.read().get("question_id").filter(|q| q != "new");
    let history = Resource::new(question_id, |id| async move {
        match id {
            Some(id) => get_question_history(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <Title text="Question" />
        <p><a href=move || format!("/banks/{}", bank_id())>"← Back to the bank"</a></p>
        <Suspense fallback=|| view! { <Loading label="Loading the question…" /> }>
            {move || Suspend::new(async move {
                match history.await {
                    Ok(history) => view! {
                        <Editor bank_id=bank_id() question_id=question_id() history />
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Editor(bank_id: String, question_id: Option<String>, history: Option<QuestionHistory>) -> impl IntoView {
    let latest = history.as_ref().and_then(|h| h.versions.first().cloned());
    let initial = latest
        .as_ref()
        .map(|v| Draft::from_content(&v.content))
        .unwrap_or_else(Draft::new);
    let draft = RwSignal::new(initial.clone());
    let saved = RwSignal::new(initial);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let save = ServerAction::<SaveQuestion>::new();
    let dirty = move || draft.with(|d| saved.with(|s| d != s));
    let is_new = question_id.is_none();
    let bank_for_nav = bank_id.clone();
    let bank_for_fields = bank_id.clone();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(done)) => {
            errors.set(Vec::new());
            saved.set(draft.get_untracked());
            if is_new {
                crate::go_to(&format!("/banks/{bank_for_nav}/questions/{}", done.question_id));
            }
        }
        Some(Err(AppError::InvalidFields(fields))) => errors.set(fields),
        _ => {}
    });
    // Leaving the page with unsaved changes asks first.
    let leave = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if dirty() {
            ev.prevent_default();
        }
    });
    on_cleanup(move || leave.remove());

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match draft.get_untracked().to_content() {
            Ok(content) => {
                save.dispatch(SaveQuestion {
                    bank_id: bank_id.clone(),
                    question_id: question_id.clone(),
                    content,
                });
            }
            Err(fields) => errors.set(fields),
        }
    };
    let other_error = move || {
        save.value()
            .get()
            .and_then(Result::err)
            .filter(|e| !matches!(e, AppError::InvalidFields(_)))
    };
    let status_line = move || match save.value().get() {
        _ if dirty() => "Unsaved changes.".to_string(),
        Some(Ok(done)) if done.new_version => format!(
            "Saved as version {}, a draft. Approved versions stay as they were.",
            done.version_no
        ),
        Some(Ok(done)) => format!("Saved (version {}).", done.version_no),
        _ => String::new(),
    };
    let locked = latest
        .as_ref()
        .map(|v| v.status)
        .filter(|s| matches!(s, AuthoringStatus::InReview | AuthoringStatus::Archived));
    let heading = latest
        .as_ref()
        .map(|v| v.content.title.clone())
        .unwrap_or_else(|| "New question".into());
    view! {
        <Title text=heading.clone() />
        <header class="bank-header">
            <h1>{heading}</h1>
            {latest.as_ref().map(|v| view! { <StatusBadge status=v.status /> <span class="muted">{format!("version {}", v.version_no)}</span> })}
        </header>
        {latest.as_ref().and_then(|v| v.review_reason.clone().filter(|_| v.status == AuthoringStatus::Rejected)).map(|r| view! {
            <div class="notice notice-warning" role="note"><strong>"Rejected: "</strong>{r}</div>
        })}
        {locked.map(|s| view! {
            <div class="notice notice-info" role="note">
                {if s == AuthoringStatus::InReview { "This question is in review: it cannot be changed until it is decided." } else { "This question is archived: it cannot be changed." }}
            </div>
        })}
        {latest.as_ref().filter(|v| v.status == AuthoringStatus::Approved).map(|_| view! {
            <p class="notice notice-info" role="note">"This question is approved. Saving makes a new version as a draft; exams keep the approved one."</p>
        })}
        <div class="editor-layout">
            <form class="form editor" on:submit=on_submit novalidate>
                <Fields draft errors bank_id=bank_for_fields />
                <div aria-live="assertive">{move || other_error().map(|error| view! { <ErrorNotice error /> })}</div>
                <p class="muted" role="status" data-testid="save-status">{status_line}</p>
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get() || locked.is_some()>
                    {move || if save.pending().get() { "Saving…" } else { "Save question" }}
                </button>
            </form>
            <Preview draft />
        </div>
        {history.map(|h| view! { <History h /> })}
    }
}

#[component]
fn History(h: QuestionHistory) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="history-title">
            <h2 id="history-title">"Versions"</h2>
            <ol class="history" reversed>
                {h.versions.into_iter().map(|v| {
                    let changes: Vec<_> = h.changes.iter().filter(|c| c.version_id == v.version_id).cloned().collect();
                    view! {
                        <li data-testid="version">
                            <strong>{format!("Version {}", v.version_no)}</strong>" "
                            <StatusBadge status=v.status />
                            <ul>
                                {changes.into_iter().map(|c| view! {
                                    <li>
                                        {format!(
                                            "{}: {}{} by {}",
                                            datetime(c.at),
                                            c.from.map(|f| format!("{} → ", f.label())).unwrap_or_default(),
                                            c.to.label(),
                                            c.actor_name.unwrap_or_else(|| "someone no longer here".into()),
                                        )}
                                        {c.note.map(|n| view! { <span class="muted">{format!(" — {n}")}</span> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}
