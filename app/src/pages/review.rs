//! The reviewer's queue: flagged sessions, riskiest first, each flag with its evidence.

use crate::api::review::flagged_sessions;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::format::{datetime, time_of_day};
use crate::model::{FlagView, FlaggedSession};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ReviewPage() -> impl IntoView {
    let sessions = Resource::new(|| (), |_| flagged_sessions());
    let live = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    {
        let source = live_updates(move || sessions.refetch(), live);
        on_cleanup(move || drop(source));
    }
    view! {
        <Title text="Review queue" />
        <div class="page-head">
            <h1>"Review queue"</h1>
            <p class="muted" role="status" data-testid="live">
                {move || if live.get() { "● Live: new flags appear on their own" } else { "Live updates paused" }}
            </p>
            <button class="btn" on:click=move |_| sessions.refetch()>"Refresh"</button>
        </div>
        <p class="muted">"Flags are evidence for you to weigh, never a verdict. Riskiest sessions first."</p>
        <Transition fallback=|| view! { <Loading label="Loading flagged sessions…" /> }>
            {move || Suspend::new(async move {
                match sessions.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">"No flagged sessions. When a candidate's browser reports something a rule flags, the session appears here."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="review-list">
                            {list.into_iter().map(|session| view! { <SessionCard session /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The server's flag notices; refetches the queue on each. Closed when dropped.
#[cfg(feature = "hydrate")]
struct LiveFeed {
    source: web_sys::EventSource,
    _listeners: Vec<gloo_events::EventListener>,
}

#[cfg(feature = "hydrate")]
impl Drop for LiveFeed {
    fn drop(&mut self) {
        self.source.close();
    }
}

#[cfg(feature = "hydrate")]
fn live_updates(
    refetch: impl Fn() + 'static,
    live: RwSignal<bool>,
) -> send_wrapper::SendWrapper<Option<LiveFeed>> {
    let feed = web_sys::EventSource::new("/api/review/live")
        .ok()
        .map(|source| LiveFeed {
            _listeners: vec![
                gloo_events::EventListener::new(&source, "flag", move |_| refetch()),
                gloo_events::EventListener::new(&source, "open", move |_| live.set(true)),
                gloo_events::EventListener::new(&source, "error", move |_| live.set(false)),
            ],
            source,
        });
    send_wrapper::SendWrapper::new(feed)
}

#[component]
pub(crate) fn SessionCard(session: FlaggedSession) -> impl IntoView {
    view! {
        <li class="card session-card" data-testid="flagged-session">
            <div class="session-head">
                <h2>
                    <a href=format!("/review/sessions/{}", session.session_id)>{session.candidate_name.clone()}</a>
                    <span class="muted">{format!(" <{}>", session.candidate_email)}</span>
                </h2>
                <span class="badge" aria-label=format!("Risk score {}", session.risk_score)>{format!("Risk {}", session.risk_score)}</span>
            </div>
            <p class="muted">
                {session.exam_title.clone()} " · started " {datetime(session.started_at)} " · status " <strong>{session.status.as_str()}</strong>
            </p>
            <ul class="flags">
                {session.flags.into_iter().map(|flag| view! { <FlagItem flag /> }).collect_view()}
            </ul>
        </li>
    }
}

#[component]
pub(crate) fn FlagItem(flag: FlagView) -> impl IntoView {
    let severity_class = format!("severity severity-{}", flag.severity.as_str().to_lowercase());
    view! {
        <li class="flag" data-testid="flag">
            <div>
                <strong class="flag-type">{flag.flag_type.as_str()}</strong>
                " "
                <span class=severity_class>{format!("{} severity", flag.severity.as_str())}</span>
                " · raised " <time>{datetime(flag.raised_at)}</time>
                " · " {flag.status.clone()}
            </div>
            <p class="muted">{flag.flag_type.describe()}</p>
            <ol class="evidence" aria-label="Evidence">
                {flag.evidence.into_iter().map(|e| view! {
                    <li data-testid="evidence">
                        {format!("#{} {} ({}) at {}", e.seq, e.description, e.kind, time_of_day(e.client_ms))}
                    </li>
                }).collect_view()}
            </ol>
        </li>
    }
}
