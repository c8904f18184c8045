//! Before an attempt: the exam's facts, and, when proctoring is on, exactly what is recorded.

use crate::api::exams::{get_exam, start_exam};
use crate::camera::{CameraPart, CameraSignals, CameraState, CameraView};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::local_time::LocalWindow;
use crate::model::ExamInfo;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::exam_plan::CameraPolicy;

#[component]
pub fn ExamStartPage() -> impl IntoView {
    let params = use_params_map();
    let exam_id = move || params.read().get("exam_id").unwrap_or_default();
    let exam = Resource::new(exam_id, get_exam);
    view! {
        <Title text="Exam" />
        <Suspense fallback=|| view! { <Loading label="Loading the exam…" /> }>
            {move || Suspend::new(async move {
                match exam.await {
                    Ok(info) => view! { <ExamIntro info /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ExamIntro(info: ExamInfo) -> impl IntoView {
    let consent = RwSignal::new(false);
    // A box ticked before the page's code has loaded (a slow connection) stays ticked: the
    // server-rendered box is never reset on hydration (an attribute, not a property), and its
    // state is read once the code runs.
    let consent_box = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = consent_box.get() {
            if input.checked() {
                consent.set(true);
            }
        }
    });
    let exam_id = info.exam_id.clone();
    let start = Action::new(move |agreed: &bool| start_exam(exam_id.clone(), *agreed));
    let result = start.value();
    Effect::new(move |_| {
        if let Some(Ok(session_id)) = result.get() {
            crate::go_to(&format!("/sessions/{session_id}"));
        }
    });
    let proctored = info.proctoring_enabled;
    let resume = info.open_session_id.clone();
    // A submitted attempt leaves its result to view, and another may start if attempts are left.
    let submitted = info.submitted_session_id.clone();
    let attempts_left = info.attempts_left;
    let again = submitted.is_some() && attempts_left > 0;
    let can_start = submitted.is_none() || again;
    let camera_policy = info.camera;
    let camera_on = proctored && camera_policy.is_on();
    let camera = CameraSignals::new();
    // An exam that requires the camera starts only once the camera check shows it working.
    // (The browser enforces this; during the attempt a camera that goes away is flagged.)
    let camera_missing =
        move || camera_on && camera_policy == CameraPolicy::Required && camera.state.get() != CameraState::On;

    view! {
        <Title text=info.title.clone() />
        <article class="card">
            <h1>{info.title.clone()}</h1>
            <p>{info.description.clone()}</p>
            <dl class="facts">
                <dt>"Questions"</dt>
                <dd>{info.question_count}</dd>
                <dt>"Duration"</dt>
                <dd>{format!("{} minutes, timed by the server", info.duration_minutes)}</dd>
                <dt>"Open"</dt>
                <dd><LocalWindow opens=info.opens_at closes=info.closes_at /></dd>
            </dl>
            {match resume {
                Some(session_id) => view! {
                    <p>"You have an attempt in progress."</p>
                    <a class="btn btn-primary" href=format!("/sessions/{session_id}")>"Resume exam"</a>
                }.into_any(),
                None => view! {
                    {submitted.map(|done| view! {
                        <p>
                            "You have submitted this exam."
                            {again.then(|| format!(" You may start another attempt ({attempts_left} left)."))}
                        </p>
                        <a class=if again { "btn" } else { "btn btn-primary" } href=format!("/sessions/{done}/result")>"View your result"</a>
                    })}
                    {can_start.then(|| view! {
                        {proctored.then(|| view! { <MonitoringNotice camera=camera_on /> })}
                        {camera_on.then(|| view! { <CameraView part=CameraPart::Check { policy: camera_policy, signals: camera } /> })}
                        {proctored.then(|| view! {
                            <label class="check">
                                <input type="checkbox" node_ref=consent_box checked=move || consent.get() on:change=move |ev| consent.set(event_target_checked(&ev)) />
                                "I have read what is monitored during this exam and I agree to it."
                            </label>
                        })}
                        <div aria-live="assertive">
                            {move || result.get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
                        </div>
                        <button
                            class="btn btn-primary"
                            disabled=move || start.pending().get() || (proctored && !consent.get()) || camera_missing()
                            aria-describedby=move || camera_missing().then_some("camera-needed")
                            on:click=move |_| { start.dispatch(consent.get_untracked()); }
                        >
                            {move || if start.pending().get() { "Starting…" } else { "Start exam" }}
                        </button>
                        <Show when=camera_missing>
                            <p class="hint" id="camera-needed">"Turn on your camera in the camera check above to start this exam."</p>
                        </Show>
                    })}
                }.into_any(),
            }}
        </article>
    }
}

/// Plain words about what the browser records, shown before consent. `camera`: the exam
/// counts faces with the candidate's camera.
#[component]
pub fn MonitoringNotice(#[prop(optional)] camera: bool) -> impl IntoView {
    view! {
        <section class="notice notice-info" aria-labelledby="monitoring-title">
            <h2 id="monitoring-title">"What is monitored during this exam"</h2>
            <p>"While the exam page is open, your browser records:"</p>
            <ul>
                <li>"when the exam page is hidden and shown again (for example when you switch to another tab or window), and when the window loses and regains focus;"</li>
                <li>"copying, cutting and pasting: how many characters, and for a paste a fingerprint that tells two identical pastes apart — never the text itself;"</li>
                <li>"the right-click menu, and the print-screen, copy, cut, paste, select-all and developer-tools keys;"</li>
                <li>"leaving or entering fullscreen, window resizes, whether more than one screen is attached, and a sign that developer tools may be open;"</li>
                <li>"going offline and coming back online, and a signal every 5 seconds that the page is still open;"</li>
                <li>"which question is on screen and when an answer was saved;"</li>
                {camera.then(|| view! {
                    <li>"your camera: every 2 seconds one still picture is examined on this device to count the faces in it, and only that number is sent, with when the camera was turned on or off, refused, or missing. No picture or video is stored or sent; the camera turns off when the exam ends;"</li>
                })}
                <li>"the time of each of these events."</li>
            </ul>
            <p>
                {if camera {
                    "Vigil does not record your screen, your microphone, any picture from your camera, or what you type outside the exam. "
                } else {
                    "Vigil does not record your screen, your camera, your microphone or what you type outside the exam. "
                }}
                "A reviewer sees the events above; a flag is never a verdict on its own."
            </p>
        </section>
    }
}
