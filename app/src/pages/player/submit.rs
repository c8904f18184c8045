//! Submitting: a confirmation that names unanswered questions, then the last events sent.

use super::*;

/// Submits when asked, after a confirmation that names unanswered questions.
#[component]
pub(super) fn SubmitSection(session_id: String, unanswered: Signal<Vec<usize>>) -> impl IntoView {
    let open = RwSignal::new(false);
    let sid = session_id.clone();
    let monitor = use_context::<Status>();
    let submit = Action::new(move |_: &()| {
        let sid = sid.clone();
        async move {
            // Events recorded just before (an answer saved, the last question shown) go out
            // first: once the attempt is submitted, the server takes no more.
            if let Some(status) = monitor {
                status.ending.set(true);
                drained(status, 3_000).await;
            }
            submit_exam(sid).await
        }
    });
    let result_url = format!("/sessions/{session_id}/result");
    let target = result_url.clone();
    Effect::new(move |_| {
        // Already submitted (by the deadline job, or another tab) is as good as done.
        match submit.value().get() {
            Some(Ok(()) | Err(AppError::Conflict(_))) => crate::go_to(&target),
            // Not submitted: the exam goes on, and so does the camera.
            Some(Err(_)) => {
                if let Some(status) = monitor {
                    status.ending.set(false);
                }
            }
            None => {}
        }
    });
    let dialog_title = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if open.get() {
            if let Some(h) = dialog_title.get() {
                let _ = h.focus();
            }
        }
    });
    let summary = move || {
        let missing = unanswered.get();
        match missing.len() {
            0 => "You have answered every question.".to_string(),
            1 => format!("Question {} is unanswered.", list_numbers(&missing)),
            _ => format!("Questions {} are unanswered.", list_numbers(&missing)),
        }
    };
    view! {
        <div class="submit-bar">
            <button class="btn btn-primary" on:click=move |_| open.set(true)>"Submit exam…"</button>
        </div>
        <Show when=move || open.get()>
            <div class="dialog-backdrop">
                <div
                    class="dialog card"
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby="submit-title"
                    aria-describedby="submit-summary"
                    on:keydown=move |ev| if ev.key() == "Escape" { open.set(false) }
                >
                    <h2 id="submit-title" tabindex="-1" node_ref=dialog_title>"Submit your exam?"</h2>
                    <p id="submit-summary" data-testid="submit-summary">{summary}</p>
                    <p>"After submitting you cannot change your answers."</p>
                    {move || submit.value().get().and_then(Result::err).filter(|e| !matches!(e, AppError::Conflict(_))).map(|error| view! { <ErrorNotice error /> })}
                    <div class="dialog-actions">
                        <button class="btn" on:click=move |_| open.set(false)>"Keep working"</button>
                        <button class="btn btn-primary" disabled=move || submit.pending().get() on:click=move |_| { submit.dispatch(()); }>
                            {move || if submit.pending().get() { "Submitting…" } else { "Submit now" }}
                        </button>
                    </div>
                </div>
            </div>
        </Show>
    }
}
