//! The review queue: riskiest sessions first, filtered and searched, a page at a time, with
//! open flags selectable for one bulk dismissal. Updates itself from the live feed.

use super::flags::FlagSummary;
use super::live::{use_live_updates, LiveStatus};
use super::state_class;
use crate::api::review::{decide_flags, review_queue};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::error::AppError;
use crate::format::datetime;
use crate::model::{ClaimChoice, QueueFilter, QueuePage, ReviewSession};
use leptos::prelude::*;
use leptos_meta::Title;
use shared::{FlagStatus, FlagType, ReviewState, Severity};

#[component]
pub fn ReviewPage() -> impl IntoView {
    let filter = RwSignal::new(QueueFilter::default());
    // Cursors of the pages before this one, for "Previous page".
    let earlier = RwSignal::new(Vec::<Option<String>>::new());
    let reload = RwSignal::new(0_u32);
    let page = Resource::new(move || (filter.get(), reload.get()), |(f, _)| review_queue(f));
    let selected = RwSignal::new(Vec::<String>::new());
    let live = RwSignal::new(false);
    use_live_updates(move || reload.update(|n| *n += 1), live);
    view! {
        <Title text="Review queue" />
        <div class="page-head">
            <h1>"Review queue"</h1>
            <LiveStatus live />
            <button class="btn" on:click=move |_| reload.update(|n| *n += 1)>"Refresh"</button>
        </div>
        <p class="muted">"Flags are evidence for you to weigh, never a verdict. Riskiest sessions first."</p>
        <Filters filter earlier page />
        <Transition fallback=|| view! { <Loading label="Loading the queue…" /> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <Page page=p filter earlier selected reload /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn parse_opt<T: std::str::FromStr>(raw: &str) -> Option<T> {
    (!raw.is_empty()).then(|| raw.parse().ok()).flatten()
}

#[component]
fn Filters(
    filter: RwSignal<QueueFilter>,
    earlier: RwSignal<Vec<Option<String>>>,
    page: Resource<Result<QueuePage, AppError>>,
) -> impl IntoView {
    // Any change of filter starts again from the first page.
    let set = move |change: Box<dyn FnOnce(&mut QueueFilter)>| {
        earlier.set(Vec::new());
        filter.update(|f| {
            change(f);
            f.after = None;
        });
    };
    let email = RwSignal::new(String::new());
    view! {
        <form class="card filters" role="search" aria-label="Filter the queue"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let text = email.get_untracked();
                set(Box::new(move |f| f.email = text));
            }>
            <div class="filter-grid">
                <label>"Outcome state"
                    <select data-testid="filter-state" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        set(Box::new(move |f| f.state = parse_opt::<ReviewState>(&v)));
                    }>
                        <option value="">"Any state"</option>
                        {ReviewState::ALL.iter().map(|s| view! {
                            <option value=s.as_str() selected=move || filter.with(|f| f.state == Some(*s))>{s.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>"Flag type"
                    <select on:change=move |ev| {
                        let v = event_target_value(&ev);
                        set(Box::new(move |f| f.flag_type = parse_opt::<FlagType>(&v)));
                    }>
                        <option value="">"Any flag"</option>
                        {FlagType::ALL.iter().map(|t| view! { <option value=t.as_str()>{t.as_str()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Severity"
                    <select on:change=move |ev| {
                        let v = event_target_value(&ev);
                        set(Box::new(move |f| f.severity = parse_opt::<Severity>(&v)));
                    }>
                        <option value="">"Any severity"</option>
                        {Severity::ALL.iter().map(|s| view! { <option value=s.as_str()>{super::severity_words(*s)}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Claimed"
                    <select data-testid="filter-claim" on:change=move |ev| {
                        let claim = match event_target_value(&ev).as_str() {
                            "mine" => ClaimChoice::Mine,
                            "unclaimed" => ClaimChoice::Unclaimed,
                            _ => ClaimChoice::Any,
                        };
                        set(Box::new(move |f| f.claim = claim));
                    }>
                        <option value="any">"Anyone's"</option>
                        <option value="mine">"Claimed by me"</option>
                        <option value="unclaimed">"Unclaimed"</option>
                    </select>
                </label>
                <ExamFilter filter earlier page />
                <label>"Candidate email"
                    <input type="search" data-testid="filter-email" placeholder="part of an address" maxlength="200"
                        prop:value=email on:input=move |ev| email.set(event_target_value(&ev)) />
                </label>
            </div>
            <button type="submit" class="btn">"Search"</button>
        </form>
    }
}

/// The exam filter's choices arrive with every page of the queue; until the first one it
/// offers "Any exam".
#[component]
fn ExamFilter(
    filter: RwSignal<QueueFilter>,
    earlier: RwSignal<Vec<Option<String>>>,
    page: Resource<Result<QueuePage, AppError>>,
) -> impl IntoView {
    view! {
        <label>"Exam"
            <select data-testid="filter-exam" on:change=move |ev| {
                let v = event_target_value(&ev);
                earlier.set(Vec::new());
                filter.update(|f| {
                    f.exam_id = (!v.is_empty()).then_some(v);
                    f.after = None;
                });
            }>
                <option value="">"Any exam"</option>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        page.await.map(|p| p.exams).unwrap_or_default().into_iter().map(|e| {
                            let id = e.exam_id.clone();
                            view! {
                                <option value=e.exam_id selected=move || filter.with(|f| f.exam_id.as_deref() == Some(id.as_str()))>
                                    {e.title}
                                </option>
                            }
                        }).collect_view()
                    })}
                </Suspense>
            </select>
        </label>
    }
}

#[component]
fn Page(
    page: QueuePage,
    filter: RwSignal<QueueFilter>,
    earlier: RwSignal<Vec<Option<String>>>,
    selected: RwSignal<Vec<String>>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let total: i64 = page.counts.iter().map(|(_, n)| n).sum();
    let counts = page.counts.clone();
    let next = page.next.clone();
    let has_previous = !earlier.with_untracked(Vec::is_empty);
    let filtered = filter.with_untracked(|f| *f != QueueFilter::default());
    view! {
        <nav class="state-counts" aria-label="Sessions per outcome state">
            <button class="btn btn-quiet" aria-pressed=move || filter.with(|f| f.state.is_none()).to_string()
                on:click=move |_| { earlier.set(Vec::new()); filter.update(|f| { f.state = None; f.after = None; }) }>
                {format!("All ({total})")}
            </button>
            {ReviewState::ALL.iter().copied().map(|s| {
                let n = counts.iter().find(|(c, _)| *c == s).map(|(_, n)| *n).unwrap_or(0);
                view! {
                    <button class="btn btn-quiet" data-testid="state-count"
                        aria-pressed=move || filter.with(|f| f.state == Some(s)).to_string()
                        on:click=move |_| { earlier.set(Vec::new()); filter.update(|f| { f.state = Some(s); f.after = None; }) }>
                        {format!("{} ({n})", s.label())}
                    </button>
                }
            }).collect_view()}
        </nav>
        {move || filter.with(|f| f.exam_id.clone()).map(|id| view! {
            <p>
                <a class="btn" data-testid="csv-link" href=format!("/exports/exams/{id}/sessions.csv") download="">
                    "Download this exam's sessions (CSV)"
                </a>
            </p>
        })}
        <BulkBar selected reload />
        {if page.sessions.is_empty() {
            let text = if filtered {
                "No session matches these filters."
            } else {
                "The queue is clear: no session needs review. Sessions appear here as soon as a rule flags them."
            };
            view! { <p class="empty" data-testid="queue-empty">{text}</p> }.into_any()
        } else {
            view! {
                <ul class="review-list">
                    {page.sessions.into_iter().map(|session| view! { <SessionCard session selected /> }).collect_view()}
                </ul>
            }.into_any()
        }}
        <nav class="pager" aria-label="Queue pages">
            <button class="btn" disabled=!has_previous on:click=move |_| {
                let mut stack = earlier.get_untracked();
                let previous = stack.pop().flatten();
                earlier.set(stack);
                filter.update(|f| f.after = previous);
            }>"← Previous page"</button>
            <button class="btn" disabled=next.is_none() on:click=move |_| {
                let current = filter.with_untracked(|f| f.after.clone());
                earlier.update(|s| s.push(current));
                filter.update(|f| f.after = next.clone());
            }>"Next page →"</button>
        </nav>
    }
}

/// Several open flags dismissed at once, with one note.
#[component]
fn BulkBar(selected: RwSignal<Vec<String>>, reload: RwSignal<u32>) -> impl IntoView {
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<usize>);
    let dismiss = Action::new(move |(ids, note): &(Vec<String>, String)| {
        decide_flags(ids.clone(), FlagStatus::Dismissed, note.clone())
    });
    Effect::new(move |_| match dismiss.value().get() {
        Some(Ok(n)) => {
            error.set(None);
            done.set(Some(n));
            selected.set(Vec::new());
            note.set(String::new());
            reload.update(|r| *r += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <div class="card bulk-bar" data-testid="bulk-bar">
            <p><strong>{move || format!("{} flag(s) selected", selected.with(Vec::len))}</strong>
                <span class="muted">" · tick open flags below to dismiss them together"</span></p>
            <label for="bulk-note">"Note for the dismissal (optional)"</label>
            <input id="bulk-note" type="text" maxlength="2000" prop:value=note on:input=move |ev| note.set(event_target_value(&ev)) />
            <button class="btn" data-testid="bulk-dismiss"
                disabled=move || selected.with(Vec::is_empty) || dismiss.pending().get()
                on:click=move |_| {
                    done.set(None);
                    dismiss.dispatch((selected.get_untracked(), note.get_untracked()));
                }>
                {move || if dismiss.pending().get() { "Dismissing…" } else { "Dismiss selected flags" }}
            </button>
            <div aria-live="assertive">{move || error.get().map(|error| view! { <ErrorNotice error /> })}</div>
            <div aria-live="polite">{move || done.get().map(|n| view! {
                <p class="notice notice-success" role="status">{format!("{n} flag(s) dismissed.")}</p>
            })}</div>
        </div>
    }
}

#[component]
fn SessionCard(session: ReviewSession, selected: RwSignal<Vec<String>>) -> impl IntoView {
    let state = session.review_state;
    let claim = match (&session.claimed_by, session.claimed_by_me) {
        (_, true) => Some("Claimed by you".to_string()),
        (Some(name), false) => Some(format!("Claimed by {name}")),
        (None, _) => None,
    };
    let decidable = !state.is_decided();
    view! {
        <li class="card session-card" data-testid="queue-session">
            <div class="session-head">
                <h2>
                    <a href=format!("/review/sessions/{}", session.session_id)>{session.candidate_name.clone()}</a>
                    <span class="muted">{format!(" <{}>", session.candidate_email)}</span>
                </h2>
                <span class="badge" aria-label=format!("Risk score {}", session.risk_score)>{format!("Risk {}", session.risk_score)}</span>
            </div>
            <p class="muted">
                {session.exam_title.clone()} " · started " {datetime(session.started_at)}
                {session.submitted_at.map(|at| format!(" · submitted {}", datetime(at)))}
            </p>
            <p>
                <span class=state_class(state) data-testid="review-state">{state.label()}</span>
                {claim.map(|c| view! { " " <span class="claim" data-testid="claim">{c}</span> })}
            </p>
            {(!session.accommodations.is_empty()).then(|| view! {
                <p class="muted">"Accommodations: " {session.accommodations.join("; ")}</p>
            })}
            <ul class="flags">
                {session.flags.into_iter().map(|flag| {
                    let id = flag.flag_id.clone();
                    let selectable = decidable && flag.status == FlagStatus::Open;
                    view! {
                        <li class="flag" data-testid="flag">
                            {selectable.then(|| {
                                let checkbox_id = format!("select-{id}");
                                let toggle_id = id.clone();
                                let checked_id = id.clone();
                                view! {
                                    <input type="checkbox" id=checkbox_id.clone() data-testid="select-flag"
                                        prop:checked=move || selected.with(|s| s.contains(&checked_id))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            let id = toggle_id.clone();
                                            selected.update(|s| {
                                                s.retain(|x| *x != id);
                                                if on { s.push(id); }
                                            });
                                        } />
                                    <label for=checkbox_id class="sr-only">{format!("Select the {} flag", flag.flag_type.as_str())}</label>
                                }
                            })}
                            <FlagSummary flag />
                        </li>
                    }
                }).collect_view()}
            </ul>
        </li>
    }
}
