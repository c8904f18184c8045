//! What happened to a session: every decision in order, and its events a page at a time.

use crate::api::review::session_events;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::error::AppError;
use crate::format::{datetime, time_of_day};
use crate::model::{SessionReview, TimelineEvent};
use leptos::prelude::*;

#[component]
pub(super) fn History(review: SessionReview) -> impl IntoView {
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
pub(super) fn Events(session_id: String, count: i64) -> impl IntoView {
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
