//! A bank's name, description and tags, changed by its authors.

use crate::api::banks::UpdateBank;
use crate::components::feedback::ErrorNotice;
use crate::model::authoring::Bank;
use leptos::prelude::*;

#[component]
pub fn BankDetailsForm(bank: Bank, update: ServerAction<UpdateBank>) -> impl IntoView {
    view! {
        <details class="card">
            <summary>"Edit the bank's details"</summary>
            <ActionForm action=update attr:class="form">
                <input type="hidden" name="bank_id" value=bank.id.clone() />
                <label for="bank-name">"Name"</label>
                <input id="bank-name" name="name" required maxlength="200" value=bank.name.clone() />
                <label for="bank-description">"Description"</label>
                <textarea id="bank-description" name="description" rows="3" maxlength="5000" prop:value=bank.description.clone()></textarea>
                <label for="bank-tags">"Tags"</label>
                <input id="bank-tags" name="tags" value=bank.tags.join(", ") aria-describedby="bank-tags-hint" />
                <p id="bank-tags-hint" class="hint">"Separated by commas."</p>
                <div aria-live="assertive">{move || update.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}</div>
                <button type="submit" class="btn" disabled=move || update.pending().get()>
                    {move || if update.pending().get() { "Saving…" } else { "Save details" }}
                </button>
            </ActionForm>
        </details>
    }
}
