//! One exam in the builder: its state and pre-flight, its settings, its sections, and the
//! buttons that move it through its life (publishing and cancelling ask first).

use super::sections::Sections;
use super::settings::SettingsForm;
use super::PhaseBadge;
use crate::api::exam_builder::{
    exam_builder, ActOnExam, AddSection, RemoveSection, SaveExamSettings, SectionQuestion,
};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::model::exams::{BuilderView, ExamAction};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::exam_plan::Phase;

/// Everything the builder changes on the server, owned by the page rather than by the forms that
/// a reload redraws (see [`crate::components::reload::on_success`]).
#[derive(Clone, Copy)]
pub(super) struct BuilderActions {
    pub act: ServerAction<ActOnExam>,
    pub save: ServerAction<SaveExamSettings>,
    pub add: ServerAction<AddSection>,
    pub remove: ServerAction<RemoveSection>,
    pub question: ServerAction<SectionQuestion>,
}

impl BuilderActions {
    fn new() -> Self {
        Self {
            act: ServerAction::new(),
            save: ServerAction::new(),
            add: ServerAction::new(),
            remove: ServerAction::new(),
            question: ServerAction::new(),
        }
    }

    /// The view reloads (pre-flight included) after each change that succeeded.
    fn reload_on_success(self, reload: RwSignal<u32>) {
        use crate::components::reload::on_success;
        on_success(move || self.act.value().get(), reload);
        on_success(move || self.save.value().get(), reload);
        on_success(move || self.add.value().get(), reload);
        on_success(move || self.remove.value().get(), reload);
        on_success(move || self.question.value().get(), reload);
    }
}

#[component]
pub fn ExamBuilderPage() -> impl IntoView {
    let params = use_params_map();
    let exam_id = move || params.read().get("exam_id").unwrap_or_default();
    let actions = BuilderActions::new();
    let changed = RwSignal::new(0_u32);
    actions.reload_on_success(changed);
    let view_of = Resource::new(move || (exam_id(), changed.get()), |(id, _)| exam_builder(id));
    view! {
        <Title text="Exam builder" />
        <p><a href="/exam-builder">"← All exams"</a></p>
        <Transition fallback=|| view! { <Loading label="Loading the exam…" /> }>
            {move || Suspend::new(async move {
                match view_of.await {
                    Ok(v) => view! { <Builder v actions /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Builder(v: BuilderView, actions: BuilderActions) -> impl IntoView {
    let act = actions.act;
    // The action waiting for its confirmation, asked inline (keyboard and screen readers reach it).
    let asking = RwSignal::new(None::<ExamAction>);
    let exam_id = v.exam_id.clone();
    let draft = v.phase == Phase::Draft;
    let publishable = draft && v.preflight.is_empty();
    let may_unpublish = matches!(v.phase, Phase::Scheduled | Phase::Open) && v.attempts == 0;
    let may_cancel = matches!(v.phase, Phase::Draft | Phase::Scheduled | Phase::Open);
    let question = |a: ExamAction| match a {
        ExamAction::Publish => "Publish this exam? Candidates can take it during its window.",
        ExamAction::Unpublish => {
            "Return this exam to draft? Nobody can start it until it is published again."
        }
        ExamAction::Cancel => "Cancel this exam? This cannot be undone.",
    };
    view! {
        <header class="page-head">
            <h1>{v.settings.title.clone()}</h1>
            <PhaseBadge phase=v.phase />
        </header>
        <p class="muted">
            {format!("Times are in the organisation's time zone, {}.", v.time_zone)}
            {(v.attempts > 0).then(|| format!(" {} attempt(s) have started: what would change them is locked.", v.attempts))}
        </p>
        {draft.then(|| view! { <Preflight problems=v.preflight.clone() /> })}
        <div class="actions" role="group" aria-label="Exam state">
            {draft.then(|| view! {
                <button class="btn btn-primary" disabled=move || !publishable || act.pending().get()
                    on:click=move |_| asking.set(Some(ExamAction::Publish))>"Publish"</button>
            })}
            {may_unpublish.then(|| view! {
                <button class="btn" disabled=move || act.pending().get()
                    on:click=move |_| asking.set(Some(ExamAction::Unpublish))>"Return to draft"</button>
            })}
            {may_cancel.then(|| view! {
                <button class="btn btn-danger" disabled=move || act.pending().get()
                    on:click=move |_| asking.set(Some(ExamAction::Cancel))>"Cancel exam"</button>
            })}
        </div>
        {move || asking.get().map(|action| {
            let exam_id = exam_id.clone();
            view! {
                <div class="confirm" role="group" aria-label="Confirm">
                    <p>{question(action)}</p>
                    <button class="btn btn-primary" data-testid="confirm-action" disabled=move || act.pending().get()
                        on:click=move |_| {
                            act.dispatch(ActOnExam { exam_id: exam_id.clone(), action });
                            asking.set(None);
                        }>"Yes"</button>
                    <button class="btn btn-quiet" on:click=move |_| asking.set(None)>"No, go back"</button>
                </div>
            }
        })}
        <div aria-live="assertive">
            {move || act.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
        </div>
        <SettingsForm v=v.clone() save=actions.save />
        <Sections v actions />
    }
}

/// What stops publishing, or that nothing does.
#[component]
fn Preflight(problems: Vec<String>) -> impl IntoView {
    if problems.is_empty() {
        view! {
            <p class="notice notice-ok" role="status" data-testid="preflight">
                <span aria-hidden="true">"✓ "</span>"Pre-flight check passed: the exam can be published."
            </p>
        }
        .into_any()
    } else {
        view! {
            <section class="notice notice-warn" data-testid="preflight" aria-labelledby="preflight-title">
                <h2 id="preflight-title"><span aria-hidden="true">"⚠ "</span>"Before this exam can be published"</h2>
                <ul>{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
            </section>
        }
        .into_any()
    }
}
