//! `/reports`: the exams whose reports the caller may read; `/reports/exams/:exam_id` one
//! exam's report ([`exam`]), where a candidate's attempts are found ([`attempts`]);
//! `/reports/attempts/:session_id` one attempt's answers sheet ([`sheet`]).

pub mod attempts;
pub mod exam;
pub mod sheet;

use crate::api::reports::report_exams;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::local_time::LocalTime;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ReportsPage() -> impl IntoView {
    let exams = Resource::new(|| (), |_| report_exams());
    view! {
        <Title text="Reports" />
        <h1>"Reports"</h1>
        <p class="muted">"How each exam went and how well its questions worked."</p>
        <Suspense fallback=|| view! { <Loading label="Loading exams…" /> }>
            {move || Suspend::new(async move {
                match exams.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">"No exam to report on yet: reports appear here once an exam is published."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap"><table class="table" data-testid="report-exams">
                            <caption class="sr-only">"Exams with reports"</caption>
                            <thead><tr>
                                <th scope="col">"Exam"</th><th scope="col">"Organisation"</th>
                                <th scope="col">"Closes"</th><th scope="col">"Submitted attempts"</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|e| view! {
                                    <tr>
                                        <td><a href=format!("/reports/exams/{}", e.exam_id)>{e.title.clone()}</a></td>
                                        <td>{e.org_name.clone()}</td>
                                        <td><LocalTime ms=e.closes_at /></td>
                                        <td>{e.submitted}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
