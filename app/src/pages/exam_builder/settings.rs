//! The exam's settings form. Problems are named beside their fields and nothing is saved; once
//! someone has started, the server refuses what would change their attempt and says why.

use crate::api::exam_builder::SaveExamSettings;
use crate::components::feedback::ErrorNotice;
use crate::error::AppError;
use crate::model::exams::{BuilderView, SettingsInput};
use leptos::prelude::*;
use shared::exam_plan::{AttemptPolicy, CameraPolicy, ResultsPolicy, ResultsWhen};
use shared::Sensitivity;

/// A labelled text-like input bound to one field of the settings.
#[component]
fn Field(
    id: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    get: Signal<String>,
    set: Callback<String>,
    error: Signal<Option<String>>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <label for=id>{label}</label>
        {hint.map(|h| view! { <p class="hint">{h}</p> })}
        <input id=id type=kind prop:value=get on:input=move |ev| set.run(event_target_value(&ev))
            aria-describedby=error_id.clone() aria-invalid=move || error.get().is_some().to_string() />
        <p id=error_id class="field-error" aria-live="polite">{error}</p>
    }
}

#[component]
pub fn SettingsForm(v: BuilderView, save: ServerAction<SaveExamSettings>) -> impl IntoView {
    let s = RwSignal::new(v.settings.clone());
    let errors = RwSignal::new(Vec::<shared::question::FieldError>::new());
    let saved_note = RwSignal::new(false);
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => {
            errors.set(Vec::new());
            saved_note.set(true);
        }
        Some(Err(AppError::InvalidFields(fields))) => errors.set(fields),
        _ => {}
    });
    let error = move |field: &'static str| {
        Signal::derive(move || {
            errors.with(|e| e.iter().find(|f| f.field == field).map(|f| f.message.clone()))
        })
    };
    let other_error = move || {
        save.value()
            .get()
            .and_then(Result::err)
            .filter(|e| !matches!(e, AppError::InvalidFields(_)))
    };
    let text = move |f: fn(&SettingsInput) -> String| Signal::derive(move || s.with(f));
    let number = move |f: fn(&SettingsInput) -> i64| Signal::derive(move || s.with(f).to_string());
    let parse = |raw: String| raw.trim().parse::<i64>().unwrap_or(-1);
    let exam_id = v.exam_id.clone();
    view! {
        <form class="card form settings" aria-labelledby="settings-title" on:submit=move |ev| {
            ev.prevent_default();
            saved_note.set(false);
            save.dispatch(SaveExamSettings { exam_id: exam_id.clone(), settings: s.get_untracked() });
        }>
            <h2 id="settings-title">"Settings"</h2>
            <Field id="exam-title" label="Title" get=text(|s| s.title.clone())
                set=Callback::new(move |x| s.update(|s| s.title = x)) error=error("title") />
            <label for="exam-description">"Description"</label>
            <textarea id="exam-description" rows="2" prop:value=text(|s| s.description.clone())
                on:input=move |ev| s.update(|s| s.description = event_target_value(&ev))></textarea>
            <p class="field-error" aria-live="polite">{error("description")}</p>
            <label for="exam-instructions">"Instructions for candidates"</label>
            <textarea id="exam-instructions" rows="3" prop:value=text(|s| s.instructions.clone())
                on:input=move |ev| s.update(|s| s.instructions = event_target_value(&ev))></textarea>
            <p class="field-error" aria-live="polite">{error("instructions")}</p>
            <fieldset>
                <legend>{format!("Window ({})", v.time_zone)}</legend>
                <div class="grid-2">
                    <div><Field id="exam-opens" label="Opens" kind="datetime-local" get=text(|s| s.opens_local.clone())
                        set=Callback::new(move |x| s.update(|s| s.opens_local = x)) error=error("opens_at") /></div>
                    <div><Field id="exam-closes" label="Closes" kind="datetime-local" get=text(|s| s.closes_local.clone())
                        set=Callback::new(move |x| s.update(|s| s.closes_local = x)) error=error("closes_at") /></div>
                </div>
            </fieldset>
            <div class="grid-2">
                <div><Field id="exam-duration" label="Duration (minutes)" kind="number" get=number(|s| s.duration_minutes)
                    set=Callback::new(move |x| s.update(|s| s.duration_minutes = parse(x))) error=error("duration_minutes") /></div>
                <div><Field id="exam-passing" label="Passing score (% of the points)" kind="number" get=number(|s| s.passing_score)
                    set=Callback::new(move |x| s.update(|s| s.passing_score = parse(x))) error=error("passing_score") /></div>
                <div><Field id="exam-attempts" label="Attempts allowed" kind="number" get=number(|s| s.max_attempts)
                    set=Callback::new(move |x| s.update(|s| s.max_attempts = parse(x))) error=error("max_attempts") /></div>
                <div>
                    <label for="exam-policy">"Which attempt counts"</label>
                    <select id="exam-policy" on:change=move |ev| {
                        let policy = event_target_value(&ev).parse().unwrap_or(AttemptPolicy::Highest);
                        s.update(|s| s.attempt_policy = policy);
                    }>
                        <option value="HIGHEST" selected=v.settings.attempt_policy == AttemptPolicy::Highest>"The highest score"</option>
                        <option value="LAST" selected=v.settings.attempt_policy == AttemptPolicy::Last>"The last attempt"</option>
                    </select>
                </div>
            </div>
            <fieldset>
                <legend>"Proctoring and delivery"</legend>
                <label class="check"><input type="checkbox" prop:checked=move || s.with(|s| s.proctoring)
                    on:change=move |ev| s.update(|s| s.proctoring = event_target_checked(&ev)) />"Proctoring on (telemetry and flags)"</label>
                <label for="exam-sensitivity">"Sensitivity"</label>
                <select id="exam-sensitivity" on:change=move |ev| {
                    let level = event_target_value(&ev).parse().unwrap_or(Sensitivity::Medium);
                    s.update(|s| s.sensitivity = level);
                }>
                    {Sensitivity::ALL.iter().map(|l| view! {
                        <option value=l.as_str() selected=v.settings.sensitivity == *l>{l.as_str()}</option>
                    }).collect_view()}
                </select>
                <label for="exam-camera">"Camera proctoring"</label>
                <p class="hint" id="exam-camera-hint">"Faces are counted on the candidate's device, a frame every 2 seconds; only the counts and the camera's state are sent. No picture is stored or sent."</p>
                <select id="exam-camera" aria-describedby="exam-camera-hint exam-camera-error"
                    aria-invalid=move || error("camera").get().is_some().to_string()
                    on:change=move |ev| {
                        let policy = event_target_value(&ev).parse().unwrap_or(CameraPolicy::Off);
                        s.update(|s| s.camera = policy);
                    }>
                    {CameraPolicy::ALL.iter().map(|p| view! {
                        <option value=p.as_str() selected=v.settings.camera == *p>{p.label()}</option>
                    }).collect_view()}
                </select>
                <p id="exam-camera-error" class="field-error" aria-live="polite">{error("camera")}</p>
                <label class="check"><input type="checkbox" prop:checked=move || s.with(|s| s.require_fullscreen)
                    on:change=move |ev| s.update(|s| s.require_fullscreen = event_target_checked(&ev)) />"Require full screen"</label>
                <label class="check"><input type="checkbox" prop:checked=move || s.with(|s| s.shuffle_questions)
                    on:change=move |ev| s.update(|s| s.shuffle_questions = event_target_checked(&ev)) />"Shuffle questions per attempt"</label>
                <label class="check"><input type="checkbox" prop:checked=move || s.with(|s| s.shuffle_options)
                    on:change=move |ev| s.update(|s| s.shuffle_options = event_target_checked(&ev)) />"Shuffle options per attempt"</label>
            </fieldset>
            <fieldset>
                <legend>"Results"</legend>
                <label for="exam-results">"Candidates see"</label>
                <select id="exam-results" on:change=move |ev| {
                    let policy = event_target_value(&ev).parse().unwrap_or(ResultsPolicy::Score);
                    s.update(|s| s.results = policy);
                }>
                    <option value="NONE" selected=v.settings.results == ResultsPolicy::Nothing>"Nothing"</option>
                    <option value="SCORE" selected=v.settings.results == ResultsPolicy::Score>"Their score"</option>
                    <option value="ANSWERS" selected=v.settings.results == ResultsPolicy::Answers>"Their score and the correct answers"</option>
                </select>
                <label for="exam-results-when">"When"</label>
                <select id="exam-results-when" on:change=move |ev| {
                    let when = event_target_value(&ev).parse().unwrap_or(ResultsWhen::OnSubmit);
                    s.update(|s| s.results_when = when);
                }>
                    <option value="ON_SUBMIT" selected=v.settings.results_when == ResultsWhen::OnSubmit>"As soon as they submit"</option>
                    <option value="AFTER_CLOSE" selected=v.settings.results_when == ResultsWhen::AfterClose>"After the window closes for everyone"</option>
                </select>
            </fieldset>
            <div aria-live="assertive">{move || other_error().map(|error| view! { <ErrorNotice error /> })}</div>
            <p role="status" class="saved-note">{move || saved_note.get().then_some("Settings saved.")}</p>
            <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                {move || if save.pending().get() { "Saving…" } else { "Save settings" }}
            </button>
        </form>
    }
}
