//! The editor's fields. Each writes into the one draft signal; a problem the server names
//! appears beside its field, and the field says it is invalid to screen readers.

use super::draft::{Draft, Kind};
use super::stem::StemField;
use leptos::prelude::*;
use shared::question::{Difficulty, FieldError};

/// The message for `field`, if the last save named one.
fn message(errors: RwSignal<Vec<FieldError>>, field: &str) -> Option<String> {
    errors.with(|e| e.iter().find(|f| f.field == field).map(|f| f.message.clone()))
}

/// A message line with the id a field's `aria-describedby` names.
#[component]
fn FieldMessage(errors: RwSignal<Vec<FieldError>>, #[prop(into)] field: String) -> impl IntoView {
    let id = format!("error-{}", field.replace(['[', ']', '.'], "-"));
    view! {
        <p class="field-error" id=id aria-live="polite">{move || message(errors, &field)}</p>
    }
}

fn error_id(field: &str) -> String {
    format!("error-{}", field.replace(['[', ']', '.'], "-"))
}

#[component]
pub fn Fields(draft: RwSignal<Draft>, errors: RwSignal<Vec<FieldError>>, bank_id: String) -> impl IntoView {
    let invalid = move |field: &'static str| move || message(errors, field).is_some().to_string();
    let kind = move || draft.with(|d| d.kind);
    view! {
        <label for="q-title">"Title"</label>
        <input id="q-title" maxlength="255" aria-describedby=error_id("title") aria-invalid=invalid("title")
            prop:value=move || draft.with(|d| d.title.clone())
            on:input=move |ev| draft.update(|d| d.title = event_target_value(&ev)) />
        <FieldMessage errors field="title" />

        <label for="q-kind">"Type"</label>
        <select id="q-kind" prop:value=move || kind().key()
            on:change=move |ev| draft.update(|d| d.kind = Kind::from_key(&event_target_value(&ev)))>
            {Kind::ALL.into_iter().map(|k| view! { <option value=k.key()>{k.label()}</option> }).collect_view()}
        </select>

        <StemField draft errors bank_id />

        <div class="inline-fields">
            <div>
                <label for="q-points">"Points"</label>
                <input id="q-points" inputmode="decimal" aria-describedby=error_id("points") aria-invalid=invalid("points")
                    prop:value=move || draft.with(|d| d.points.clone())
                    on:input=move |ev| draft.update(|d| d.points = event_target_value(&ev)) />
                <FieldMessage errors field="points" />
            </div>
            <div>
                <label for="q-difficulty">"Difficulty"</label>
                <select id="q-difficulty" prop:value=move || draft.with(|d| d.difficulty.as_str())
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        draft.update(|d| d.difficulty = value.parse().unwrap_or(Difficulty::Medium));
                    }>
                    <option value="EASY">"Easy"</option>
                    <option value="MEDIUM">"Medium"</option>
                    <option value="HARD">"Hard"</option>
                </select>
            </div>
        </div>

        <label for="q-tags">"Tags"</label>
        <input id="q-tags" placeholder="ports, week 1" aria-describedby="q-tags-hint"
            prop:value=move || draft.with(|d| d.tags.clone())
            on:input=move |ev| draft.update(|d| d.tags = event_target_value(&ev)) />
        <p id="q-tags-hint" class="hint">"Separated by commas."</p>
        <FieldMessage errors field="tags" />

        {move || match kind() {
            Kind::Single | Kind::Multiple => view! { <ChoiceFields draft errors /> }.into_any(),
            Kind::TrueFalse => view! { <TrueFalseFields draft /> }.into_any(),
            Kind::Short => view! { <ShortFields draft errors /> }.into_any(),
            Kind::Numeric => view! { <NumericFields draft errors /> }.into_any(),
            Kind::Essay => view! {
                <label for="q-guidance">"Guidance for graders (never shown to candidates)"</label>
                <textarea id="q-guidance" rows="3" prop:value=move || draft.with(|d| d.guidance.clone())
                    on:input=move |ev| draft.update(|d| d.guidance = event_target_value(&ev))></textarea>
                <FieldMessage errors field="grader_guidance" />
            }.into_any(),
        }}

        <label for="q-feedback">"Explanation shown after the exam (optional)"</label>
        <textarea id="q-feedback" rows="2" prop:value=move || draft.with(|d| d.general_feedback.clone())
            on:input=move |ev| draft.update(|d| d.general_feedback = event_target_value(&ev))></textarea>
        <FieldMessage errors field="general_feedback" />
    }
}

#[component]
fn ChoiceFields(draft: RwSignal<Draft>, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let multiple = move || draft.with(|d| d.kind == Kind::Multiple);
    let keys = move || draft.with(|d| d.options.iter().map(|o| o.key).collect::<Vec<_>>());
    view! {
        <fieldset class="options-editor" aria-describedby=error_id("options")>
            <legend>{move || if multiple() { "Options (tick every right one)" } else { "Options (choose the right one)" }}</legend>
            <FieldMessage errors field="options" />
            <For each=keys key=|k| *k let:key>
                {
                    let index = move || draft.with(|d| d.options.iter().position(|o| o.key == key).unwrap_or(0));
                    let number = move || index() + 1;
                    let text_field = move || format!("options[{}].text", index());
                    let option = move |f: fn(&super::draft::OptionDraft) -> String| draft.with(|d| d.options.iter().find(|o| o.key == key).map(f).unwrap_or_default());
                    view! {
                        <div class="option-editor" data-testid="option-editor">
                            <label class="check-inline">
                                <input type=move || if multiple() { "checkbox" } else { "radio" } name="correct"
                                    prop:checked=move || draft.with(|d| d.options.iter().any(|o| o.key == key && o.weight > 0.0))
                                    on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|d| d.set_correct(key, on)); } />
                                {move || format!("Option {} is right", number())}
                            </label>
                            <label class="sr-only" for=move || format!("option-{key}")>{move || format!("Option {} text", number())}</label>
                            <input id=move || format!("option-{key}") placeholder=move || format!("Option {}", number())
                                aria-invalid=move || message(errors, &text_field()).is_some().to_string()
                                prop:value=move || option(|o| o.text.clone())
                                on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| if let Some(o) = d.options.iter_mut().find(|o| o.key == key) { o.text = v; }); } />
                            <label class="sr-only" for=move || format!("option-feedback-{key}")>{move || format!("Feedback for option {}", number())}</label>
                            <input id=move || format!("option-feedback-{key}") placeholder="Feedback when chosen (optional)"
                                prop:value=move || option(|o| o.feedback.clone())
                                on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| if let Some(o) = d.options.iter_mut().find(|o| o.key == key) { o.feedback = v; }); } />
                            <button type="button" class="btn btn-small btn-quiet" aria-label=move || format!("Remove option {}", number())
                                on:click=move |_| draft.update(|d| d.options.retain(|o| o.key != key))>"Remove"</button>
                            <p class="field-error" aria-live="polite">{move || message(errors, &text_field())}</p>
                        </div>
                    }
                }
            </For>
            <button type="button" class="btn btn-small" on:click=move |_| draft.update(|d| d.add_option())>"Add an option"</button>
        </fieldset>
    }
}

#[component]
fn TrueFalseFields(draft: RwSignal<Draft>) -> impl IntoView {
    view! {
        <fieldset>
            <legend>"The statement is"</legend>
            <label class="check-inline">
                <input type="radio" name="tf" prop:checked=move || draft.with(|d| d.tf_correct)
                    on:change=move |_| draft.update(|d| d.tf_correct = true) />
                "True"
            </label>
            <label class="check-inline">
                <input type="radio" name="tf" prop:checked=move || draft.with(|d| !d.tf_correct)
                    on:change=move |_| draft.update(|d| d.tf_correct = false) />
                "False"
            </label>
        </fieldset>
        <label for="q-feedback-true">"Feedback to a candidate who answers true (optional)"</label>
        <input id="q-feedback-true" prop:value=move || draft.with(|d| d.feedback_true.clone())
            on:input=move |ev| draft.update(|d| d.feedback_true = event_target_value(&ev)) />
        <label for="q-feedback-false">"Feedback to a candidate who answers false (optional)"</label>
        <input id="q-feedback-false" prop:value=move || draft.with(|d| d.feedback_false.clone())
            on:input=move |ev| draft.update(|d| d.feedback_false = event_target_value(&ev)) />
    }
}

#[component]
fn ShortFields(draft: RwSignal<Draft>, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let keys = move || draft.with(|d| d.answers.iter().map(|a| a.key).collect::<Vec<_>>());
    view! {
        <fieldset>
            <legend>"Accepted answers"</legend>
            <FieldMessage errors field="answers" />
            <For each=keys key=|k| *k let:key>
                {
                    let number = move || draft.with(|d| d.answers.iter().position(|a| a.key == key).unwrap_or(0) + 1);
                    view! {
                        <div class="option-editor">
                            <label class="sr-only" for=move || format!("answer-{key}")>{move || format!("Accepted answer {}", number())}</label>
                            <input id=move || format!("answer-{key}") placeholder=move || format!("Accepted answer {}", number())
                                prop:value=move || draft.with(|d| d.answers.iter().find(|a| a.key == key).map(|a| a.text.clone()).unwrap_or_default())
                                on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| if let Some(a) = d.answers.iter_mut().find(|a| a.key == key) { a.text = v; }); } />
                            <button type="button" class="btn btn-small btn-quiet" aria-label=move || format!("Remove accepted answer {}", number())
                                on:click=move |_| draft.update(|d| d.answers.retain(|a| a.key != key))>"Remove"</button>
                        </div>
                    }
                }
            </For>
            <button type="button" class="btn btn-small" on:click=move |_| draft.update(|d| d.add_answer())>"Add an accepted answer"</button>
            <label class="check-inline">
                <input type="checkbox" prop:checked=move || draft.with(|d| d.case_sensitive)
                    on:change=move |ev| draft.update(|d| d.case_sensitive = event_target_checked(&ev)) />
                "Letter case matters"
            </label>
        </fieldset>
    }
}

#[component]
fn NumericFields(draft: RwSignal<Draft>, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    view! {
        <div class="inline-fields">
            <div>
                <label for="q-value">"Right number"</label>
                <input id="q-value" inputmode="decimal" aria-describedby=error_id("answers[0].value")
                    prop:value=move || draft.with(|d| d.value.clone())
                    on:input=move |ev| draft.update(|d| d.value = event_target_value(&ev)) />
                <FieldMessage errors field="answers[0].value" />
            </div>
            <div>
                <label for="q-tolerance">"Tolerance (±)"</label>
                <input id="q-tolerance" inputmode="decimal" aria-describedby=error_id("answers[0].tolerance")
                    aria-invalid=move || message(errors, "answers[0].tolerance").is_some().to_string()
                    prop:value=move || draft.with(|d| d.tolerance.clone())
                    on:input=move |ev| draft.update(|d| d.tolerance = event_target_value(&ev)) />
                <FieldMessage errors field="answers[0].tolerance" />
            </div>
        </div>
        <FieldMessage errors field="answers" />
    }
}
