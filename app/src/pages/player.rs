//! The exam page: questions, autosave, and (when proctoring is on) the telemetry recorder.

use crate::api::player::{load_session, save_answer, submit_exam};
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
    // Marks for review are kept on the server, so they follow the candidate to another device.
    // A mark the server has not confirmed (made offline) waits on this device and is applied
    // and sent again on the next load.
    let marked = RwSignal::new(
        data.questions
            .iter()
            .filter(|q| q.marked)
            .map(|q| q.question_id.clone())
            .collect::<HashSet<String>>(),
    );
    let mark_session = data.session_id.clone();
    let on_mark = Callback::new(move |(qid, on): (String, bool)| {
        marked.update(|m| {
            if on {
                m.insert(qid.clone());
            } else {
                m.remove(&qid);
            }
        });
        send_mark(mark_session.clone(), qid, on);
    });
    #[cfg(feature = "hydrate")]
    {
        let pending = crate::answer_store::load_marks(&data.session_id);
        if !pending.is_empty() {
            // After hydration, so the first render matches the server's.
            request_animation_frame(move || {
                for mark in pending {
                    on_mark.run(mark);
                }
            });
        }
    }
    // One question at a time by default; the candidate may show them all on one page. Where
    // they were is kept on this device, so a reload resumes at the same question.
    let current = RwSignal::new(0_usize);
    let show_all = RwSignal::new(false);
    let ids = StoredValue::new(numbers.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>());
    #[cfg(feature = "hydrate")]
    {
        let key = format!("vigil.view.{}", data.session_id);
        let storage = window().local_storage().ok().flatten();
        let stored: Option<(usize, bool)> = storage
            .as_ref()
            .and_then(|s| s.get_item(&key).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok());
        if let Some((at, all)) = stored {
            request_animation_frame(move || {
                current.set(at.min(total.saturating_sub(1)));
                show_all.set(all);
            });
        }
        Effect::new(move |_| {
            let json = serde_json::to_string(&(current.get(), show_all.get())).unwrap_or_default();
            if let Some(s) = window().local_storage().ok().flatten() {
                let _ = s.set_item(&key, &json);
            }
        });
    }
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

/// Sends a mark for review to the server. When the server cannot be reached the mark is kept
/// on the device and sent again on the next load; the palette shows it either way.
fn send_mark(session_id: String, question_id: String, marked: bool) {
    #[cfg(feature = "hydrate")]
    {
        crate::answer_store::put_mark(&session_id, &question_id, marked);
        leptos::task::spawn_local(async move {
            let result =
                crate::api::player::mark_question(session_id.clone(), question_id.clone(), marked).await;
            // Kept for another try only when the server could not be reached.
            if !matches!(result, Err(AppError::Unreachable | AppError::Internal)) {
                crate::answer_store::confirm_mark(&session_id, &question_id, marked);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (session_id, question_id, marked);
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

/// Submits when asked, after a confirmation that names unanswered questions.
#[component]
fn SubmitSection(session_id: String, unanswered: Signal<Vec<usize>>) -> impl IntoView {
    let open = RwSignal::new(false);
    let sid = session_id.clone();
    let monitor = use_context::<Status>();
    let submit = Action::new(move |_: &()| {
        let sid = sid.clone();
        async move {
            // Events recorded just before (an answer saved, the last question shown) go out
            // first: once the attempt is submitted, the server takes no more.
            if let Some(status) = monitor {
                drained(status, 3_000).await;
            }
            submit_exam(sid).await
        }
    });
    let result_url = format!("/sessions/{session_id}/result");
    let target = result_url.clone();
    Effect::new(move |_| {
        // Already submitted (by the deadline job, or another tab) is as good as done.
        if let Some(Ok(()) | Err(AppError::Conflict(_))) = submit.value().get() {
            crate::go_to(&target);
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

/// Time left by the server's clock, announced to screen readers every five minutes and at five
/// and one minute; at zero the attempt is submitted.
#[component]
fn Countdown(session_id: String, deadline_at: i64, server_now: i64) -> impl IntoView {
    let remaining = RwSignal::new(deadline_at - server_now);
    let announcement = RwSignal::new(String::new());
    #[cfg(feature = "hydrate")]
    {
        use crate::telemetry_client::now_ms;
        // The browser's clock may be off; the server's is the one that counts.
        let offset = server_now - now_ms();
        let last_minute = StoredValue::new(i64::MAX);
        let submitted = StoredValue::new(false);
        let tick = gloo_timers::callback::Interval::new(1_000, move || {
            let left = deadline_at - (now_ms() + offset);
            remaining.set(left);
            let minute = (left + 59_999) / 60_000;
            if minute < last_minute.get_value() {
                last_minute.set_value(minute);
                if minute == 1 || minute == 5 || (minute > 0 && minute % 5 == 0) {
                    announcement.set(format!(
                        "{minute} minute{} left.",
                        if minute == 1 { "" } else { "s" }
                    ));
                }
            }
            if left <= 0 && !submitted.get_value() {
                submitted.set_value(true);
                announcement.set("Time is up. Your answers are being submitted.".into());
                let sid = session_id.clone();
                leptos::task::spawn_local(async move {
                    let _ = submit_exam(sid.clone()).await;
                    crate::go_to(&format!("/sessions/{sid}/result"));
                });
            }
        });
        let tick = send_wrapper::SendWrapper::new(tick);
        on_cleanup(move || drop(tick));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = session_id;
    let text = move || {
        let s = (remaining.get().max(0) + 999) / 1000;
        format!("{:02}:{:02}", s / 60, s % 60)
    };
    let warn = move || remaining.get() <= 5 * 60_000;
    view! {
        <p class="countdown" class:warn=warn data-testid="countdown">
            "Time left: " <strong aria-hidden="true">{text}</strong>
            {move || warn().then(|| view! { <span class="warn-text">" · under 5 minutes"</span> })}
        </p>
        <p class="sr-only" role="status" aria-live="polite">{move || announcement.get()}</p>
        {move || (warn() && remaining.get() > 0).then(|| view! {
            <p class="notice notice-error" role="alert">{move || if remaining.get() <= 60_000 { "Less than 1 minute left." } else { "Less than 5 minutes left." }}</p>
        })}
    }
}

/// Sends one answer; what the page should say about it afterwards.
async fn send_answer(session_id: String, question_id: String, value: String, version: i64) -> SaveState {
    let result = save_answer(session_id.clone(), question_id.clone(), value, version).await;
    match result {
        Err(AppError::Unreachable | AppError::Internal) => SaveState::Offline,
        other => {
            // Stored, or refused for good (time is up, submitted): nothing more to send.
            forget_pending(&session_id, &question_id, version);
            match other {
                Ok(_) => SaveState::Saved(js_now()),
                Err(e) => SaveState::Failed(e.to_string()),
            }
        }
    }
}

fn forget_pending(session_id: &str, question_id: &str, version: i64) {
    #[cfg(feature = "hydrate")]
    crate::answer_store::confirm(session_id, question_id, version);
    #[cfg(not(feature = "hydrate"))]
    let _ = (session_id, question_id, version);
}

fn js_now() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys_now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0
    }
}

#[cfg(feature = "hydrate")]
fn js_sys_now() -> i64 {
    crate::telemetry_client::now_ms()
}

#[component]
fn QuestionView(
    q: PlayerQuestion,
    number: usize,
    total: usize,
    on_answer: Callback<(String, String)>,
    marked: RwSignal<HashSet<String>>,
    on_mark: Callback<(String, bool)>,
    /// Shown now (one at a time, or all on one page).
    visible: Signal<bool>,
) -> impl IntoView {
    let saved: Vec<String> = q
        .saved
        .as_deref()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
        .map(|v| match v {
            serde_json::Value::Array(items) => items
                .into_iter()
                .filter_map(|i| i.as_str().map(String::from))
                .collect(),
            serde_json::Value::String(s) => vec![s],
            _ => vec![],
        })
        .unwrap_or_default();
    let qid = q.question_id.clone();
    let (qid_mark, qid_mark2) = (qid.clone(), qid.clone());
    let heading_id = format!("q-{}", q.question_id);
    let body = match q.kind.as_str() {
        "MULTIPLE_CHOICE_SINGLE" | "TRUE_FALSE" => {
            let name = format!("answer-{}", q.question_id);
            q.options
                .into_iter()
                .map(|opt| {
                    let checked = saved.contains(&opt.id);
                    let qid = qid.clone();
                    let value = serde_json::json!([opt.id]).to_string();
                    view! {
                        <label class="option">
                            <input
                                type="radio"
                                name=name.clone()
                                value=opt.id.clone()
                                checked=checked
                                on:change=move |_| on_answer.run((qid.clone(), value.clone()))
                            />
                            <span>{opt.text}</span>
                        </label>
                    }
                })
                .collect_view()
                .into_any()
        }
        "MULTIPLE_CHOICE_MULTI" => {
            let chosen = RwSignal::new(saved.clone());
            q.options
                .into_iter()
                .map(|opt| {
                    let checked = saved.contains(&opt.id);
                    let (qid, id) = (qid.clone(), opt.id.clone());
                    view! {
                        <label class="option">
                            <input
                                type="checkbox"
                                value=opt.id.clone()
                                checked=checked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        c.retain(|x| x != &id);
                                        if on { c.push(id.clone()); }
                                    });
                                    on_answer.run((qid.clone(), serde_json::json!(chosen.get_untracked()).to_string()))
                                }
                            />
                            <span>{opt.text}</span>
                        </label>
                    }
                })
                .collect_view()
                .into_any()
        }
        kind => {
            let initial = saved.first().cloned().unwrap_or_default();
            let id = format!("text-{qid}");
            // Saved about a second after typing stops, and at once when the field is left.
            let pending = StoredValue::new(None::<TimeoutHandle>);
            let send = move |qid: String, text: String| {
                if let Some(h) = pending.get_value() {
                    h.clear();
                }
                on_answer.run((qid, serde_json::Value::String(text).to_string()));
            };
            let qid_input = qid.clone();
            let on_input = move |ev: leptos::ev::Event| {
                let (qid, text) = (qid_input.clone(), event_target_value(&ev));
                if let Some(h) = pending.get_value() {
                    h.clear();
                }
                let handle =
                    set_timeout_with_handle(move || send(qid, text), std::time::Duration::from_millis(800))
                        .ok();
                pending.set_value(handle);
            };
            let on_change = move |ev: leptos::ev::Event| send(qid.clone(), event_target_value(&ev));
            let field = if kind == "ESSAY" {
                // The child text is the value in server-rendered HTML; `prop:value` sets it when
                // the page renders the question itself (after answers kept offline are restored).
                let text = initial.clone();
                view! {
                    <textarea id=id.clone() class="text-answer" rows="8" maxlength="20000" prop:value=initial on:input=on_input on:change=on_change>
                        {text}
                    </textarea>
                }
                .into_any()
            } else {
                let mode = if kind == "NUMERIC" { "decimal" } else { "text" };
                view! {
                    <input id=id.clone() class="text-answer" type="text" inputmode=mode value=initial maxlength="2000" on:input=on_input on:change=on_change />
                }
                .into_any()
            };
            view! {
                <label class="sr-only" for=id>"Your answer"</label>
                {field}
            }
            .into_any()
        }
    };
    let labelled_by = heading_id.clone();
    view! {
        <li class="card question" id=format!("question-{}", q.question_id) tabindex="-1" hidden=move || !visible.get()>
            <fieldset aria-labelledby=labelled_by>
                <legend id=heading_id>
                    <span class="q-number">{format!("Question {number} of {total}")}</span>
                    <span class="q-points">{format!("{} point{}", q.points, if q.points == 1 { "" } else { "s" })}</span>
                    <span class="q-stem">{q.stem}</span>
                </legend>
                {body}
            </fieldset>
            <label class="check mark">
                <input
                    type="checkbox"
                    prop:checked={
                        let qid = qid_mark.clone();
                        move || marked.with(|m| m.contains(&qid))
                    }
                    on:change=move |ev| on_mark.run((qid_mark2.clone(), event_target_checked(&ev)))
                />
                "Mark for review"
            </label>
        </li>
    }
}

#[component]
fn MonitoringLine(monitor: Status) -> impl IntoView {
    let link = move || match monitor.link.get() {
        Link::Connecting => "connecting…",
        Link::Connected => "connected",
        Link::Offline => "offline: events are kept and sent when the connection returns",
    };
    view! {
        <p class="monitoring" data-testid="monitoring">
            <span class="dot" aria-hidden="true"></span>
            "Monitoring is on · "
            <span data-testid="link">{link}</span>
            " · waiting to send: "
            <span data-testid="queued">{move || monitor.queued.get()}</span>
            " · last delivered: #"
            <span data-testid="acked">{move || monitor.acked.get()}</span>
        </p>
    }
}

/// Asks the candidate back into fullscreen when the exam requires it.
#[component]
fn FullscreenPrompt(monitor: Status) -> impl IntoView {
    let enter = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(root) = document().document_element() {
            let _ = root.request_fullscreen();
        }
    };
    view! {
        <Show when=move || monitor.outside_fullscreen.get()>
            <div class="notice notice-error" role="alert">
                <strong>"This exam must be taken in fullscreen. "</strong>
                "Leaving fullscreen is recorded. "
                <button class="btn btn-primary" on:click=enter>"Return to fullscreen"</button>
            </div>
        </Show>
    }
}

/// Every question at a glance, each a link to it: answered, not answered, marked for review.
#[component]
fn Palette(
    items: Vec<(String, usize)>,
    answered: RwSignal<HashSet<String>>,
    marked: RwSignal<HashSet<String>>,
    show_all: RwSignal<bool>,
    current: RwSignal<usize>,
    go_to_question: Callback<usize>,
) -> impl IntoView {
    view! {
        <nav class="palette" aria-label="Questions">
            <ol>
                {items.into_iter().map(|(id, n)| {
                    let (a, m) = (id.clone(), id.clone());
                    let done = Signal::derive(move || answered.with(|s| s.contains(&a)));
                    let flagged = Signal::derive(move || marked.with(|s| s.contains(&m)));
                    let label = Signal::derive(move || {
                        let state = if done.get() { "answered" } else { "not answered" };
                        let review = if flagged.get() { ", marked for review" } else { "" };
                        format!("Question {n}: {state}{review}")
                    });
                    let shown = Signal::derive(move || !show_all.get() && current.get() + 1 == n);
                    view! {
                        <li>
                            <a
                                href=format!("#question-{id}")
                                class:current=shown
                                aria-current=move || shown.get().then_some("step")
                                class:answered=done
                                class:marked=flagged
                                aria-label=label
                                title=label
                                data-testid="palette-item"
                                on:click=move |ev| {
                                    // On one page the link scrolls by itself; one at a time,
                                    // the question has to be shown first.
                                    if !show_all.get_untracked() {
                                        ev.prevent_default();
                                        go_to_question.run(n - 1);
                                    }
                                }
                            >
                                <span aria-hidden="true">{n}</span>
                                <span class="palette-state" aria-hidden="true">
                                    {move || match (done.get(), flagged.get()) {
                                        (_, true) => "⚑",
                                        (true, false) => "✓",
                                        (false, false) => "–",
                                    }}
                                </span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </nav>
    }
}
