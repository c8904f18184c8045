//! One session for its reviewer: the decision panel (claim, outcome, second review, reopen),
//! its flags with confirm and dismiss, a flag of the reviewer's own, the attempt as a strip,
//! the history of every decision, and the events a page at a time.
//!
//! Keyboard: `j` / `k` move to the next / previous flag, `c` confirms and `d` dismisses the
//! flag in focus (its note first, where one is needed).

use super::flags::{FlagDecision, FlagSummary};
use super::live::{use_live_updates, LiveStatus};
use super::state_class;
use super::strip::AttemptStrip;
use crate::api::review::{add_review_flag, change_review, get_session_review, session_events};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::error::AppError;
use crate::format::{datetime, time_of_day};
use crate::model::{SessionReview, TimelineEvent};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::review::ReviewAction;
use shared::{FlagStatus, FlagType, ReviewState, Severity};

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

/// What the caller may do to the session's outcome now.
#[component]
fn DecisionPanel(review: SessionReview, refresh: Callback<()>) -> impl IntoView {
    let s = &review.session;
    let session_id = s.session_id.clone();
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let act = Action::new(move |(action, note): &(ReviewAction, String)| {
        change_review(session_id.clone(), *action, note.clone())
    });
    Effect::new(move |_| match act.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            note.set(String::new());
            refresh.run(());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let run = move |action: ReviewAction| {
        act.dispatch((action, note.get_untracked()));
    };
    let state = s.review_state;
    let claimed_by_other = s.claimed_by.is_some() && !s.claimed_by_me;
    let note_field = move |label: &'static str| {
        view! {
            <label for="review-note">{label}</label>
            <textarea id="review-note" rows="3" maxlength="2000" data-testid="review-note"
                prop:value=note on:input=move |ev| note.set(event_target_value(&ev))></textarea>
        }
    };
    let body = match state {
        ReviewState::NotReviewed | ReviewState::InReview if review.can_review && !s.claimed_by_me => {
            if claimed_by_other {
                view! { <p class="muted">"Another reviewer holds this session. You can take it over once their claim lapses."</p> }.into_any()
            } else {
                view! {
                    <button class="btn btn-primary" data-testid="claim-session" on:click=move |_| run(ReviewAction::Claim)>
                        "Claim this session for review"
                    </button>
                }.into_any()
            }
        }
        ReviewState::InReview if s.claimed_by_me => {
            let outcome = RwSignal::new(ReviewState::Clean);
            view! {
                <fieldset class="outcomes">
                    <legend>"Your decision"</legend>
                    {[ReviewState::Clean, ReviewState::MinorViolation, ReviewState::Suspicious].into_iter().map(|o| view! {
                        <label class="choice">
                            <input type="radio" name="outcome" value=o.as_str()
                                prop:checked=move || outcome.get() == o on:change=move |_| outcome.set(o) />
                            {o.label()}
                        </label>
                    }).collect_view()}
                </fieldset>
                {note_field("Note (required unless clean; never shown to the candidate)")}
                <div class="actions">
                    <button class="btn btn-primary" data-testid="record-decision"
                        on:click=move |_| run(ReviewAction::Decide(outcome.get_untracked()))>"Record decision"</button>
                    <button class="btn" data-testid="release-session" on:click=move |_| run(ReviewAction::Release)>"Release the claim"</button>
                </div>
            }.into_any()
        }
        ReviewState::Suspicious if review.can_second_review => view! {
            <p>"The first reviewer found this session suspicious. Make the second review:"</p>
            {note_field("Note (required to reject)")}
            <div class="actions">
                <button class="btn" data-testid="verify-session" on:click=move |_| run(ReviewAction::SecondReview(ReviewState::Verified))>
                    "Verified: no misconduct"
                </button>
                <button class="btn btn-danger" data-testid="reject-session" on:click=move |_| run(ReviewAction::SecondReview(ReviewState::Rejected))>
                    "Rejected: misconduct confirmed"
                </button>
            </div>
        }.into_any(),
        ReviewState::Suspicious if s.first_reviewer_is_me => view! {
            <p class="muted">"You made the first review; quality assurance (another person) makes the second."</p>
        }.into_any(),
        decided if decided.is_decided() && review.can_reopen => view! {
            {note_field("Reason for reopening (required)")}
            <button class="btn" data-testid="reopen-session" on:click=move |_| run(ReviewAction::Reopen)>"Reopen for a new review"</button>
        }.into_any(),
        _ => view! { <p class="muted">"Nothing for you to decide here now."</p> }.into_any(),
    };
    view! {
        <div class="decision-panel" data-testid="decision-panel">
            {body}
            <div aria-live="assertive">{move || error.get().map(|error| view! { <ErrorNotice error /> })}</div>
            {move || act.pending().get().then(|| view! { <p class="muted" role="status">"Saving…"</p> })}
        </div>
    }
}

/// A flag of the reviewer's own at a moment of the attempt.
#[component]
fn AddFlag(session_id: String, started_at: i64, refresh: Callback<()>) -> impl IntoView {
    let flag_type = RwSignal::new(FlagType::SuspiciousActivity);
    let severity = RwSignal::new(Severity::Medium);
    let minute = RwSignal::new(String::from("0"));
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let add = Action::new(move |(t, sev, at, note): &(FlagType, Severity, i64, String)| {
        add_review_flag(session_id.clone(), *t, *sev, *at, note.clone())
    });
    Effect::new(move |_| match add.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            note.set(String::new());
            refresh.run(());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let raw = minute.get_untracked();
        match raw.trim().replace(',', ".").parse::<f64>() {
            Ok(m) if m.is_finite() && (0.0..=10_000.0).contains(&m) => {
                let at = started_at.saturating_add((m * 60_000.0) as i64);
                add.dispatch((
                    flag_type.get_untracked(),
                    severity.get_untracked(),
                    at,
                    note.get_untracked(),
                ));
            }
            _ => error.set(Some(AppError::Invalid(
                "Enter the moment as minutes after the start, e.g. 12.5.".into(),
            ))),
        }
    };
    view! {
        <section class="card" aria-labelledby="add-flag-heading">
            <h2 id="add-flag-heading">"Add a flag of your own"</h2>
            <form class="form" on:submit=submit novalidate>
                <label for="own-flag-type">"Type"</label>
                <select id="own-flag-type" on:change=move |ev| {
                    if let Ok(t) = event_target_value(&ev).parse() { flag_type.set(t) }
                }>
                    {FlagType::ALL.iter().map(|t| view! {
                        <option value=t.as_str() selected=*t == FlagType::SuspiciousActivity>{t.as_str()}</option>
                    }).collect_view()}
                </select>
                <label for="own-flag-severity">"Severity"</label>
                <select id="own-flag-severity" on:change=move |ev| {
                    if let Ok(s) = event_target_value(&ev).parse() { severity.set(s) }
                }>
                    {Severity::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=*s == Severity::Medium>{super::severity_words(*s)}</option>
                    }).collect_view()}
                </select>
                <label for="own-flag-minute">"Minutes after the start"</label>
                <input id="own-flag-minute" type="text" inputmode="decimal" prop:value=minute
                    on:input=move |ev| minute.set(event_target_value(&ev)) />
                <label for="own-flag-note">"What you saw (required)"</label>
                <textarea id="own-flag-note" rows="2" maxlength="2000" prop:value=note
                    on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                <div aria-live="assertive">{move || error.get().map(|error| view! { <ErrorNotice error /> })}</div>
                <button type="submit" class="btn" disabled=move || add.pending().get()>"Add flag"</button>
            </form>
        </section>
    }
}

#[component]
fn History(review: SessionReview) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="history-heading">
            <h2 id="history-heading">"History"</h2>
            {if review.history.is_empty() {
                view! { <p class="muted">"No decisions yet."</p> }.into_any()
            } else {
                view! {
                    <table class="timeline" data-testid="history">
                        <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Note"</th></tr></thead>
                        <tbody>
                            {review.history.into_iter().map(|h| view! {
                                <tr data-testid="history-row">
                                    <td>{datetime(h.at)}</td>
                                    <td>{h.actor.unwrap_or_else(|| "a former user".into())}</td>
                                    <td>{match h.flag {
                                        Some(t) => format!("{t} flag: {} → {}", h.from, h.to),
                                        None => format!("Session: {} → {}", h.from, h.to),
                                    }}</td>
                                    <td>{h.note.unwrap_or_else(|| "—".into())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// Every event, a page at a time: the first page rendered with the rest of the page, later
/// ones appended on request.
#[component]
fn Events(session_id: String, count: i64) -> impl IntoView {
    let id = StoredValue::new(session_id);
    let first = Resource::new(move || id.get_value(), |id| session_events(id, 0));
    let more = RwSignal::new(Vec::<TimelineEvent>::new());
    // Where to continue after the pages loaded on request (`None`: none loaded yet).
    let later_next = RwSignal::new(None::<Option<i64>>);
    let load = Action::new(move |after: &i64| session_events(id.get_value(), *after));
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match load.value().get() {
        Some(Ok(page)) => {
            more.update(|m| m.extend(page.events));
            later_next.set(Some(page.next_after));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let row = |e: TimelineEvent| {
        view! {
            <tr data-testid="timeline-event">
                <td>{e.seq}</td>
                <td>{time_of_day(e.client_ms)}</td>
                <td>{time_of_day(e.server_ms)}</td>
                <td>{e.description} <span class="muted">{format!(" ({})", e.kind)}</span></td>
            </tr>
        }
    };
    view! {
        <section class="card" aria-labelledby="events-title">
            <h2 id="events-title">{format!("All events ({count})")}</h2>
            <Suspense fallback=|| view! { <Loading label="Loading events…" /> }>
                {move || Suspend::new(async move {
                    match first.await {
                        Ok(page) if page.events.is_empty() => view! {
                            <p class="empty">"The browser has not reported any event for this session."</p>
                        }.into_any(),
                        Ok(page) => {
                            let initial_next = page.next_after;
                            view! {
                                <table class="timeline">
                                    <thead>
                                        <tr><th scope="col">"#"</th><th scope="col">"Browser time"</th><th scope="col">"Received"</th><th scope="col">"Event"</th></tr>
                                    </thead>
                                    <tbody>
                                        {page.events.into_iter().map(row).collect_view()}
                                        <For each=move || more.get() key=|e| e.seq children=row />
                                    </tbody>
                                </table>
                                {move || later_next.get().unwrap_or(initial_next).map(|n| view! {
                                    <button class="btn" data-testid="more-events" disabled=move || load.pending().get()
                                        on:click=move |_| { load.dispatch(n); }>
                                        {move || if load.pending().get() { "Loading more events…" } else { "Show more events" }}
                                    </button>
                                })}
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
            <div aria-live="assertive">{move || error.get().map(|error| view! { <ErrorNotice error /> })}</div>
        </section>
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
