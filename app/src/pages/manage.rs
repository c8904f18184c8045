//! The enrollment manager's exams: where to invite candidates and grant extra time.

use crate::api::enrollments::managed_exams;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::format::datetime;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ManagePage() -> impl IntoView {
    let exams = Resource::new(|| (), |_| managed_exams());
    view! {
        <Title text="Enrollments" />
        <h1>"Enrollments"</h1>
        <p class="muted">"Choose an exam to invite candidates, follow their invitations and grant extra time."</p>
        <Suspense fallback=|| view! { <Loading label="Loading exams…" /> }>
            {move || Suspend::new(async move {
                match exams.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">"No exams yet in the organisations where you manage enrollments."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table class="table">
                                <caption class="sr-only">"Exams you manage enrollments for"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Exam"</th>
                                        <th scope="col">"Window"</th>
                                        <th scope="col">"Status"</th>
                                        <th scope="col">"Enrolled"</th>
                                        <th scope="col">"Invitations pending"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|e| view! {
                                        <tr data-testid="managed-exam">
                                            <td>
                                                <a href=format!("/manage/exams/{}", e.exam_id)>{e.title.clone()}</a>
                                                <div class="muted">{e.organization.clone()}</div>
                                            </td>
                                            <td>{format!("{} – {}", datetime(e.opens_at), datetime(e.closes_at))}</td>
                                            <td>{e.status.clone()}</td>
                                            <td>{e.enrolled}</td>
                                            <td>{e.pending_invitations}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
