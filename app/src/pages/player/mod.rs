//! The exam page: questions, autosave, and (when proctoring is on) the telemetry recorder.
//! One question is drawn by [`question`] (also the authors' preview), answers are sent by
//! [`autosave`], time is kept by [`countdown`], the overview is [`palette`], the monitoring line
//! and fullscreen prompt are [`status`], and submitting is [`submit`]; marks for review are
//! [`marks`], and where the candidate was is kept by [`view_state`].

mod autosave;
mod countdown;
mod marks;
mod palette;
pub mod question;
mod status;
mod submit;
mod view_state;

use autosave::send_answer;
use countdown::Countdown;
use palette::Palette;
use question::QuestionView;
use status::{FullscreenPrompt, MonitoringLine};
use submit::SubmitSection;

use crate::api::player::{load_session, save_answer, submit_exam};
use crate::camera::{CameraPart, CameraView};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::error::AppError;
use crate::format::time_of_day;
use crate::model::{PlayerData, PlayerQuestion};
use crate::monitoring::{Link, Status};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::collections::{HashMap, HashSet};

#[component]
pub fn PlayerPage() -> impl IntoView {
    let params = use_params_map();
    let session_id = move || params.read().get("session_id").unwrap_or_default();
    let data = Resource::new(session_id, load_session);
    let data_resource = data;
    view! {
        <Title text="Exam in progress" />
        <Suspense fallback=|| view! { <Loading label="Loading your exam…" /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <Player data on_restored=move || data_refetch(data_resource) /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn data_refetch(r: Resource<Result<PlayerData, AppError>>) {
    r.refetch();
}

#[derive(Clone, PartialEq)]
enum SaveState {
    Idle,
    Saving,
    Saved(i64),
    /// Kept in the browser until the server can be reached.
    Offline,
    Failed(String),
}

#[component]
fn Player(data: PlayerData, on_restored: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let save_state = RwSignal::new(SaveState::Idle);
    let versions = StoredValue::new(
        data.questions
            .iter()
            .map(|q| (q.question_id.clone(), q.version))
            .collect::<HashMap<_, _>>(),
    );
    let session_id = data.session_id.clone();
    // The question whose answer the server last confirmed, for the proctoring timeline.
    let confirmed = RwSignal::new(None::<String>);
    let save = Action::new(move |(question_id, value): &(String, String)| {
        let version = versions
            .try_update_value(|v| {
                let n = v.entry(question_id.clone()).or_insert(0);
                *n += 1;
                *n
            })
            .unwrap_or(1);
        let (session_id, question_id, value) = (session_id.clone(), question_id.clone(), value.clone());
        // Kept in the browser first, so nothing typed is lost if the request is.
        #[cfg(feature = "hydrate")]
        crate::answer_store::put(&session_id, &question_id, &value, version);
        async move {
            save_state.set(SaveState::Saving);
            let outcome = send_answer(session_id, question_id.clone(), value, version).await;
            if matches!(outcome, SaveState::Saved(_)) {
                confirmed.set(Some(question_id));
            }
            save_state.set(outcome);
        }
    });
    #[cfg(feature = "hydrate")]
    {
        // Answers typed before a reload, a crash or while offline go out now and every few
        // seconds until the server has them.
        let sid = data.session_id.clone();
        let on_restored = std::sync::Arc::new(on_restored);
        let resend = move |first: bool| {
            let pending = crate::answer_store::load(&sid);
            if pending.is_empty() {
                return;
            }
            let (sid, on_restored) = (sid.clone(), on_restored.clone());
            leptos::task::spawn_local(async move {
                let mut state = SaveState::Idle;
                for (qid, p) in pending {
                    state = send_answer(sid.clone(), qid, p.value, p.version).await;
                    if state == SaveState::Offline {
                        break;
                    }
                }
                save_state.set(state.clone());
                if first && matches!(state, SaveState::Saved(_)) {
                    on_restored();
                }
            });
        };
        resend(true);
        let retry = gloo_timers::callback::Interval::new(3_000, move || resend(false));
        let retry = send_wrapper::SendWrapper::new(retry);
        on_cleanup(move || drop(retry));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = on_restored;

    let monitor = Status::new(data.last_seq);
    // The submit button waits for the last events to reach the server (see `SubmitSection`).
    provide_context(monitor);
    #[cfg(feature = "hydrate")]
    let recorder = data.proctoring_enabled.then(|| {
        let recorder = std::rc::Rc::new(crate::telemetry_client::Recorder::start(
            data.session_id.clone(),
            data.last_seq,
            data.require_fullscreen,
            monitor,
        ));
        let kept = send_wrapper::SendWrapper::new(recorder.clone());
        on_cleanup(move || drop(kept));
        send_wrapper::SendWrapper::new(recorder)
    });

    // The camera's counts go into the same telemetry as every other event.
    let camera_on = data.proctoring_enabled && data.camera.is_on();
    #[cfg(feature = "hydrate")]
    let camera_report = recorder.as_ref().map(|recorder| {
        let recorder = recorder.clone();
        Callback::new(move |kind| recorder.note(kind))
    });
    #[cfg(not(feature = "hydrate"))]
    let camera_report = None;

    let total = data.questions.len();
    let numbers: Vec<(String, usize)> = data
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| (q.question_id.clone(), i + 1))
        .collect();
    let answered = RwSignal::new(
        data.questions
            .iter()
            .filter(|q| q.saved.as_deref().is_some_and(has_content))
            .map(|q| q.question_id.clone())
            .collect::<HashSet<String>>(),
    );
    let (marked, on_mark) = marks::for_review(&data);
    // One question at a time by default; the candidate may show them all on one page.
    let current = RwSignal::new(0_usize);
    let show_all = RwSignal::new(false);
    let ids = StoredValue::new(numbers.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>());
    view_state::remember(&data.session_id, total, current, show_all);
    let paged = move || !show_all.get() && total > 1;
    // Named outside `view!`, whose parser would read the `>` as the end of the tag.
    // The proctoring timeline shows which question was on screen and when answers were saved.
    #[cfg(feature = "hydrate")]
    if let Some(recorder) = recorder {
        use shared::telemetry::EventKind;
        let shown = recorder.clone();
        Effect::new(move |_| {
            if !show_all.get() {
                shown.note(EventKind::QuestionShown {
                    number: current.get() as u32 + 1,
                });
            }
        });
        let number_of = numbers.clone();
        Effect::new(move |_| {
            let saved = confirmed.get();
            if let Some((_, n)) = saved.and_then(|qid| number_of.iter().find(|(id, _)| *id == qid)) {
                recorder.note(EventKind::AnswerSaved { number: *n as u32 });
            }
        });
    }
    let at_first = move || current.get() == 0;
    let at_last = move || current.get() + 1 >= total;
    let go_to_question = Callback::new(move |index: usize| {
        current.set(index);
        focus_question(ids.with_value(|ids| ids.get(index).cloned()));
    });
    let palette: Vec<(String, usize)> = numbers.clone();
    let unanswered = Signal::derive(move || {
        let done = answered.get();
        numbers
            .iter()
            .filter(|(id, _)| !done.contains(id))
            .map(|(_, n)| *n)
            .collect::<Vec<usize>>()
    });
    view! {
        <Title text=data.exam_title.clone() />
        <div class="player">
            <div class="player-bar" role="region" aria-label="Exam status">
                <h1>{data.exam_title.clone()}</h1>
                <p class="save-state" data-testid="save-state" aria-live="polite">
                    {move || match save_state.get() {
                        SaveState::Idle => "All answers are saved on the server.".to_string(),
                        SaveState::Saving => "Saving…".to_string(),
                        SaveState::Saved(at) => format!("Saved at {}", time_of_day(at)),
                        SaveState::Offline => "Offline: your answers are kept on this device and sent when the connection returns.".to_string(),
                        SaveState::Failed(e) => format!("Not saved: {e}"),
                    }}
                </p>
                <Countdown session_id=data.session_id.clone() deadline_at=data.deadline_at server_now=data.server_now />
                {data.proctoring_enabled.then(|| view! { <MonitoringLine monitor /> })}
                {data.require_fullscreen.then(|| view! { <FullscreenPrompt monitor /> })}
                {camera_on.then(|| view! { <CameraView part=CameraPart::Monitor { policy: data.camera, report: camera_report } /> })}
            </div>
            <Palette items=palette answered marked show_all current go_to_question />
            <p class="view-toggle">
                <button
                    type="button"
                    class="btn btn-quiet"
                    aria-pressed=move || show_all.get().to_string()
                    on:click=move |_| show_all.update(|a| *a = !*a)
                >
                    {move || if show_all.get() { "Show one question at a time" } else { "Show all questions on one page" }}
                </button>
            </p>
            <ol class="questions">
                {data.questions.into_iter().enumerate().map(|(i, q)| {
                    let visible = Signal::derive(move || show_all.get() || current.get() == i);
                    let on_answer = Callback::new(move |(qid, value): (String, String)| {
                        answered.update(|a| {
                            if has_content(&value) { a.insert(qid.clone()); } else { a.remove(&qid); }
                        });
                        save.dispatch((qid, value));
                    });
                    view! { <QuestionView q number=i + 1 total on_answer marked on_mark visible /> }
                }).collect_view()}
            </ol>
            <Show when=paged>
                <nav class="pager" aria-label="Question navigation">
                    <button
                        type="button"
                        class="btn"
                        disabled=at_first
                        on:click=move |_| go_to_question.run(current.get_untracked().saturating_sub(1))
                    >
                        "← Previous"
                    </button>
                    <span class="position" data-testid="position">
                        {move || format!("Question {} of {total}", current.get() + 1)}
                    </span>
                    <button
                        type="button"
                        class="btn"
                        disabled=at_last
                        on:click=move |_| go_to_question.run((current.get_untracked() + 1).min(total - 1))
                    >
                        "Next →"
                    </button>
                </nav>
            </Show>
            <SubmitSection session_id=data.session_id.clone() unanswered />
        </div>
    }
}

/// Moves keyboard and screen-reader focus to a question once it is shown.
fn focus_question(question_id: Option<String>) {
    #[cfg(feature = "hydrate")]
    if let Some(id) = question_id {
        request_animation_frame(move || {
            use wasm_bindgen::JsCast;
            if let Some(el) = document()
                .get_element_by_id(&format!("question-{id}"))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = question_id;
}

/// Whether a saved answer (JSON) holds anything.
fn has_content(json: &str) -> bool {
    !matches!(json.trim(), "" | "[]" | "\"\"" | "null")
}

/// "2", "2 and 3", "1, 2 and 3"
fn list_numbers(n: &[usize]) -> String {
    let words: Vec<String> = n.iter().map(|x| x.to_string()).collect();
    match words.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Waits until every recorded event is acknowledged, or `max_ms` passed (offline, say).
async fn drained(status: Status, max_ms: u32) {
    #[cfg(feature = "hydrate")]
    {
        // The browser's timers are not `Send`; this only ever runs on the page's one thread.
        let wait = async move {
            // One turn of the event loop first: effects of what the caller just set (the camera
            // switched off as the exam ends) record their events before the queue is read.
            gloo_timers::future::TimeoutFuture::new(0).await;
            let mut waited = 0;
            while status.queued.get_untracked() > 0 && waited < max_ms {
                gloo_timers::future::TimeoutFuture::new(50).await;
                waited += 50;
            }
        };
        send_wrapper::SendWrapper::new(wait).await;
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (status, max_ms);
}
