//! The question's text: how it is written (Markdown by default) and images uploaded into the
//! bank, inserted where Markdown shows them.

use super::draft::Draft;
use leptos::prelude::*;
use shared::question::{FieldError, TextFormat};

#[component]
pub fn StemField(
    draft: RwSignal<Draft>,
    errors: RwSignal<Vec<FieldError>>,
    bank_id: String,
) -> impl IntoView {
    let message = move || errors.with(|e| e.iter().find(|f| f.field == "stem").map(|f| f.message.clone()));
    // What the last upload did, for the status line (and screen readers).
    let upload_note = RwSignal::new(None::<Result<String, String>>);
    let uploading = RwSignal::new(false);
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
            let Some(input) = input else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let bank_id = bank_id.clone();
            uploading.set(true);
            leptos::task::spawn_local(async move {
                let name = file.name();
                let result = crate::pages::banks::upload::image(&bank_id, file).await;
                uploading.set(false);
                match result {
                    Ok(address) => {
                        let alt: String = name.chars().filter(|c| !matches!(c, '[' | ']')).collect();
                        draft.update(|d| {
                            if !d.stem.is_empty() && !d.stem.ends_with('\n') {
                                d.stem.push('\n');
                            }
                            d.stem.push_str(&format!("\n![{alt}]({address})\n"));
                            d.stem_format = TextFormat::Markdown;
                        });
                        upload_note.set(Some(Ok(format!("Image “{name}” added to the text."))));
                    }
                    Err(e) => upload_note.set(Some(Err(e.to_string()))),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, &bank_id);
    };
    view! {
        <div class="stem-head">
            <label for="q-stem">"Question text"</label>
            <label class="inline-select">
                <span>"Written in"</span>
                <select id="q-stem-format" prop:value=move || draft.with(|d| d.stem_format.as_str())
                    on:change=move |ev| {
                        let format = event_target_value(&ev).parse().unwrap_or(TextFormat::Markdown);
                        draft.update(|d| d.stem_format = format);
                    }>
                    <option value="MARKDOWN">"Markdown"</option>
                    <option value="PLAIN">"Plain text"</option>
                    <option value="HTML">"HTML (as imported)"</option>
                </select>
            </label>
        </div>
        <p class="hint" id="q-stem-hint">"Markdown: **bold**, *italic*, `code`, lists, tables. Scripts and styles are removed."</p>
        <textarea id="q-stem" rows="6" aria-describedby="error-stem q-stem-hint"
            aria-invalid=move || message().is_some().to_string()
            prop:value=move || draft.with(|d| d.stem.clone())
            on:input=move |ev| draft.update(|d| d.stem = event_target_value(&ev))></textarea>
        <p class="field-error" id="error-stem" aria-live="polite">{message}</p>
        <div class="image-upload">
            <label for="q-image" class="btn btn-quiet">"Add an image…"</label>
            <input id="q-image" class="sr-only" type="file" accept="image/png,image/jpeg,image/gif,image/webp"
                disabled=move || uploading.get() on:change=on_file />
            <span class="hint">"PNG, JPEG, GIF or WebP, at most 5 MB. Only people who may see the question can open it."</span>
            <p role="status" aria-live="polite" data-testid="image-status">
                {move || if uploading.get() { Some("Uploading the image…".to_string()) } else { None }}
                {move || upload_note.get().map(|r| match r {
                    Ok(done) => view! { <span>{done}</span> }.into_any(),
                    Err(why) => view! { <span class="field-error">{why}</span> }.into_any(),
                })}
            </p>
        </div>
    }
}
