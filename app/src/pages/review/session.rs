//! One session for its reviewer: the decision panel (claim, outcome, second review, reopen),
//! its flags with confirm and dismiss, a flag of the reviewer's own, the attempt as a strip,
//! the history of every decision, and the events a page at a time.
//!
//! The decision panel and a flag of the reviewer's own are in [`super::decision`], the history
//! and the events in [`super::history`].
//!
//! Keyboard: `j` / `k` move to the next / previous flag, `c` confirms and `d` dismisses the
//! flag in focus (its note first, where one is needed).

use super::decision::{AddFlag, DecisionPanel};
use super::flags::{FlagDecision, FlagSummary};
use super::history::{Events, History};
use super::live::{use_live_updates, LiveStatus};
use super::state_class;
use super::strip::AttemptStrip;
use crate::api::review::get_session_review;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::format::{datetime, time_of_day};
use crate::model::SessionReview;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::FlagStatus;

#[component]
pub fn SessionReviewPage() -> impl IntoView {
    let params = use_params_map();
    let session_id = move || params.read().get("session_id").unwrap_or_default();
    let reload = RwSignal::new(0_u32);
    let review = Resource::new(
        move || (session_id(), reload.get()),
        |(id, _)| get_session_review(id),
    );
    let live = RwSignal::new(false);
    use_live_updates(move || reload.update(|n| *n += 1), live);
    #[cfg(feature = "hydrate")]
    shortcuts::install();
    view! {
        <Title text="Session review" />
        <div class="page-head">
            <p><a href="/review">"← Back to the review queue"</a></p>
            <LiveStatus live />
        </div>
        <Transition fallback=|| view! { <Loading label="Loading the session's evidence…" /> }>
            {move || Suspend::new(async move {
                match review.await {
                    Ok(r) => view! { <Review review=r reload /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Review(review: SessionReview, reload: RwSignal<u32>) -> impl IntoView {
    let s = review.session.clone();
    let highlighted = RwSignal::new(Vec::<String>::new());
    let chosen_flag = RwSignal::new(None::<String>);
    let may_decide_flags =
        review.can_review && !s.review_state.is_decided() && (s.claimed_by.is_none() || s.claimed_by_me);
    let refresh = Callback::new(move |_| reload.update(|n| *n += 1));
    let strip_flags = s.flags.clone();
    view! {
        <Title text=format!("Review: {}", s.candidate_name) />
        <section class="card" aria-labelledby="session-title">
            <div class="session-head">
                <h1 id="session-title">{format!("{} — {}", s.candidate_name, s.exam_title)}</h1>
                <span class="badge" data-testid="risk" aria-label=format!("Risk score {}", s.risk_score)>{format!("Risk {}", s.risk_score)}</span>
            </div>
            <p class="muted">
                {s.candidate_email.clone()} " · started " {datetime(s.started_at)}
                {s.submitted_at.map(|at| format!(" · submitted {}", datetime(at)))}
            </p>
            <p>
                "Outcome: " <span class=state_class(s.review_state) data-testid="review-state">{s.review_state.label()}</span>
                {match (&s.claimed_by, s.claimed_by_me, s.claim_lapses_at) {
                    (_, true, Some(at)) => Some(format!(" · claimed by you until {} unless you act", time_of_day(at))),
                    (Some(name), false, Some(at)) => Some(format!(" · claimed by {name} (lapses at {} if idle)", time_of_day(at))),
                    _ => None,
                }.map(|c| view! { <span data-testid="claim">{c}</span> })}
            </p>
            {(!s.accommodations.is_empty()).then(|| view! {
                <div class="notice" data-testid="accommodations">
                    <strong>"Accommodations for this candidate: "</strong>
                    {s.accommodations.join("; ")}
                </div>
            })}
            <DecisionPanel review=review.clone() refresh />
        </section>
        <section class="card" aria-labelledby="strip-heading">
            <h2 id="strip-heading">"The attempt"</h2>
            <AttemptStrip strip=review.strip.clone() flags=strip_flags highlighted=highlighted.into() />
        </section>
        <section aria-labelledby="flags-heading">
            <h2 id="flags-heading">{format!("Flags ({})", s.flags.len())}</h2>
            {if s.flags.is_empty() {
                view! { <p class="empty">"No flags on this session."</p> }.into_any()
            } else {
                view! {
                    <ol class="flags review-flags">
                        {s.flags.iter().cloned().enumerate().map(|(i, flag)| {
                            let id = flag.flag_id.clone();
                            let flag_id = flag.flag_id.clone();
                            let evidence: Vec<String> = flag.evidence.iter().map(|e| e.event_id.clone()).collect();
                            let open = flag.status == FlagStatus::Open;
                            let chosen = { let id = id.clone(); move || chosen_flag.get().as_deref() == Some(id.as_str()) };
                            let chosen_class = chosen.clone();
                            view! {
                                <li class=move || if chosen_class() { "card flag flag-item chosen" } else { "card flag flag-item" }
                                    tabindex="-1" data-testid="review-flag">
                                    <FlagSummary flag />
                                    <button class="btn btn-quiet" aria-pressed=move || chosen().to_string()
                                        on:click=move |_| {
                                            if chosen_flag.get_untracked().as_deref() == Some(id.as_str()) {
                                                chosen_flag.set(None);
                                                highlighted.set(Vec::new());
                                            } else {
                                                chosen_flag.set(Some(id.clone()));
                                                highlighted.set(evidence.clone());
                                            }
                                        }>
                                        "Highlight its evidence on the strip"
                                    </button>
                                    {(may_decide_flags && open).then(|| view! {
                                        <FlagDecision flag_id=flag_id.clone() number=i + 1 decided=refresh />
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
        {may_decide_flags.then(|| view! { <AddFlag session_id=s.session_id.clone() started_at=s.started_at refresh /> })}
        <History review=review.clone() />
        <Events session_id=s.session_id.clone() count=review.event_count />
    }
}

#[cfg(feature = "hydrate")]
mod shortcuts {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;

    /// `j`/`k` move between flags, `c`/`d` press the focused flag's confirm/dismiss button.
    pub fn install() {
        let listener = gloo_events::EventListener::new(&window(), "keydown", |ev| {
            let Some(ev) = ev.dyn_ref::<web_sys::KeyboardEvent>() else {
                return;
            };
            if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            let typing = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
            if typing {
                return;
            }
            let doc = document();
            let Ok(items) = doc.query_selector_all(".flag-item") else {
                return;
            };
            let current = doc
                .active_element()
                .and_then(|el| el.closest(".flag-item").ok().flatten());
            let index = current.as_ref().and_then(|cur| {
                (0..items.length()).find(|i| items.get(*i).is_some_and(|n| n.is_same_node(Some(cur))))
            });
            let focus = |i: u32| {
                if let Some(el) = items
                    .get(i)
                    .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = el.focus();
                }
            };
            match ev.key().as_str() {
                "j" => focus(
                    index
                        .map(|i| (i + 1).min(items.length().saturating_sub(1)))
                        .unwrap_or(0),
                ),
                "k" => focus(index.map(|i| i.saturating_sub(1)).unwrap_or(0)),
                key @ ("c" | "d") => {
                    let button = current
                        .and_then(|cur| {
                            cur.query_selector(&format!("[data-shortcut='{key}']"))
                                .ok()
                                .flatten()
                        })
                        .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok());
                    if let Some(b) = button {
                        b.click();
                    }
                }
                _ => {}
            }
        });
        let listener = send_wrapper::SendWrapper::new(listener);
        on_cleanup(move || drop(listener));
    }
}
