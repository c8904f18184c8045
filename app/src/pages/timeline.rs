//! One session's evidence for a reviewer: its flags, then every event in order.

use crate::api::review::get_session_timeline;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::format::time_of_day;
use crate::model::SessionTimeline;
use crate::pages::review::SessionCard;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn TimelinePage() -> impl IntoView {
    let params = use_params_map();
    let session_id = move || params.read().get("session_id").unwrap_or_default();
    let timeline = Resource::new(session_id, get_session_timeline);
    view! {
        <Title text="Session evidence" />
        <p><a href="/review">"← Back to the review queue"</a></p>
        <Suspense fallback=|| view! { <Loading label="Loading the session's evidence…" /> }>
            {move || Suspend::new(async move {
                match timeline.await {
                    Ok(t) => view! { <Timeline t /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Timeline(t: SessionTimeline) -> impl IntoView {
    let count = t.events.len();
    view! {
        <ul class="review-list">
            <SessionCard session=t.session />
        </ul>
        <section class="card" aria-labelledby="events-title">
            <h2 id="events-title">{format!("All events ({count})")}</h2>
            {if count == 0 {
                view! { <p class="empty">"The browser has not reported any event for this session."</p> }.into_any()
            } else {
                view! {
                    <table class="timeline">
                        <thead>
                            <tr><th scope="col">"#"</th><th scope="col">"Browser time"</th><th scope="col">"Received"</th><th scope="col">"Event"</th></tr>
                        </thead>
                        <tbody>
                            {t.events.into_iter().map(|e| view! {
                                <tr data-testid="timeline-event">
                                    <td>{e.seq}</td>
                                    <td>{time_of_day(e.client_ms)}</td>
                                    <td>{time_of_day(e.server_ms)}</td>
                                    <td>{e.description} <span class="muted">{format!(" ({})", e.kind)}</span></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
