//! The grader's queue: submitted attempts whose essays wait for points and feedback.

use crate::api::grading::grading_queue;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::format::datetime;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn GradingPage() -> impl IntoView {
    let queue = Resource::new(|| (), |_| grading_queue());
    view! {
        <Title text="Grading" />
        <h1>"Grading"</h1>
        <p class="muted">"Objective questions are graded on submit. Essays wait here for you, oldest first."</p>
        <Suspense fallback=|| view! { <Loading label="Loading attempts to grade…" /> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">"Nothing to grade. Submitted attempts with essays appear here."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="plain-list">
                            {list.into_iter().map(|item| view! {
                                <li class="card" data-testid="to-grade">
                                    <h2>
                                        <a href=format!("/grading/sessions/{}", item.session_id)>{item.candidate_name.clone()}</a>
                                    </h2>
                                    <p class="muted">{format!("{} · submitted {}", item.exam_title, datetime(item.submitted_at))}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
