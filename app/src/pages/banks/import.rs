//! Importing a file into a bank: choose it, read the preview (what would be created, what is
//! already there, what is skipped and why), then import or cancel.

use crate::api::banks::CommitImport;
use crate::components::feedback::ErrorNotice;
use crate::error::AppError;
use crate::model::authoring::ImportPreview;
use leptos::prelude::*;

#[component]
pub fn ImportPanel(bank_id: String, commit: ServerAction<CommitImport>) -> impl IntoView {
    let file_input = NodeRef::<leptos::html::Input>::new();
    // The file is read and sent by the browser, so the action lives there (a local action, since
    // a browser file is not `Send`). The server only renders the panel: a local action created
    // during server rendering would be dropped on another thread, which panics.
    #[cfg(feature = "hydrate")]
    let preview = Action::new_local(move |_: &()| {
        let bank_id = bank_id.clone();
        let file = file_input
            .get_untracked()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0));
        async move {
            match file {
                Some(file) => super::upload::preview(&bank_id, file).await,
                None => Err(AppError::Invalid("Choose a file to import.".into())),
            }
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let preview = {
        let _ = bank_id;
        Action::new(|_: &()| async { Err::<ImportPreview, AppError>(AppError::Internal) })
    };
    // `commit` is the bank page's: a commit reloads the bank with the new questions, which
    // redraws this panel without its preview.
    view! {
        <section class="card" aria-labelledby="import-title">
            <h2 id="import-title">"Import questions"</h2>
            <p class="hint" id="import-hint">
                "Moodle GIFT or XML, Aiken, a QTI 2.1/2.2 item or a QTI 3.0 package (zip), up to 64 MB. You see what would be imported before anything is saved; questions already in the bank are not imported twice."
            </p>
            <form class="form" on:submit=move |ev| {
                ev.prevent_default();
                preview.dispatch(());
            }>
                <label for="import-file">"File"</label>
                <input id="import-file" type="file" node_ref=file_input aria-describedby="import-hint"
                    accept=".gift,.txt,.xml,.zip" />
                <button type="submit" class="btn" disabled=move || preview.pending().get()>
                    {move || if preview.pending().get() { "Reading the file…" } else { "Preview import" }}
                </button>
            </form>
            <div aria-live="polite" data-testid="import-preview">
                {move || preview.value().get().map(|result| match result {
                    Ok(p) => view! { <PreviewView p commit /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })}
            </div>
        </section>
    }
}

#[component]
fn PreviewView(p: ImportPreview, commit: ServerAction<CommitImport>) -> impl IntoView {
    let upload_id = p.upload_id.clone();
    let result = move || commit.value().get();
    let done = move || matches!(result(), Some(Ok(_)));
    let skipped = p.findings.iter().filter(|f| f.skipped).count();
    view! {
        <h3>{format!("{} ({})", p.filename, p.format.label())}</h3>
        <p data-testid="import-summary">
            {format!(
                "{} new question(s) to import, {} already in the bank, {} skipped.",
                p.new_questions, p.duplicates, skipped
            )}
        </p>
        <div class="table-wrap">
            <table class="table">
                <caption class="sr-only">"What the import would create"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Where"</th>
                        <th scope="col">"Question"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Category"</th>
                        <th scope="col">"Import"</th>
                    </tr>
                </thead>
                <tbody>
                    {p.items.into_iter().map(|i| view! {
                        <tr data-testid="import-item">
                            <td>{i.location}</td>
                            <td>{i.title}</td>
                            <td>{i.kind}</td>
                            <td>{i.category.unwrap_or_default()}</td>
                            <td>{if i.duplicate { "Already in the bank" } else { "New" }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {(!p.findings.is_empty()).then(|| view! {
            <h4>"Findings"</h4>
            <ul data-testid="import-findings">
                {p.findings.into_iter().map(|f| view! {
                    <li>
                        <strong>{f.location}</strong>
                        {if f.skipped { " (skipped): " } else { ": " }}
                        {f.message}
                    </li>
                }).collect_view()}
            </ul>
        })}
        <div aria-live="polite">
            {move || result().map(|r| match r {
                Ok(r) => view! {
                    <p class="notice notice-success" role="status" data-testid="import-result">
                        {format!("Imported {} question(s) as drafts; {} were already in the bank.", r.created, r.duplicates)}
                    </p>
                }.into_any(),
                Err(error) => view! { <ErrorNotice error /> }.into_any(),
            })}
        </div>
        <ActionForm action=commit>
            <input type="hidden" name="upload_id" value=upload_id />
            <button type="submit" class="btn btn-primary"
                disabled=move || commit.pending().get() || done() || p.new_questions == 0>
                {move || if commit.pending().get() { "Importing…".to_string() } else { format!("Import {} question(s)", p.new_questions) }}
            </button>
        </ActionForm>
    }
}
