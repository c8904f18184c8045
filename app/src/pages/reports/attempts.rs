//! On an exam's report: find a candidate's submitted attempts by name or email, each linked to
//! its answers sheet.

use crate::api::reports::report_attempts;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::format::datetime;
use leptos::prelude::*;

#[component]
pub fn AttemptFinder(exam_id: String) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    // Searched when the form is sent, not at every key: the list can be long.
    let search = RwSignal::new(None::<String>);
    let found = Resource::new(
        move || search.get(),
        move |q| {
            let exam_id = exam_id.clone();
            async move {
                match q {
                    Some(q) => report_attempts(exam_id, q).await.map(Some),
                    None => Ok(None),
                }
            }
        },
    );
    view! {
        <section aria-labelledby="attempts-title">
            <h2 id="attempts-title">"Answers sheets"</h2>
            <form class="toolbar" role="search" on:submit=move |ev| {
                ev.prevent_default();
                search.set(Some(typed.get_untracked()));
            }>
                <label for="attempt-search">"Candidate's name or email"</label>
                <input id="attempt-search" type="search" maxlength="200" prop:value=typed
                    on:input=move |ev| typed.set(event_target_value(&ev)) />
                <button type="submit" class="btn">"Find attempts"</button>
            </form>
            <Transition fallback=|| view! { <Loading label="Looking…" /> }>
                {move || Suspend::new(async move {
                    match found.await {
                        Ok(None) => view! { <p class="muted">"Find a candidate to open an attempt's answers, to read or print."</p> }.into_any(),
                        Ok(Some(m)) if m.lines.is_empty() => view! { <p class="empty" role="status">"No submitted attempt matches."</p> }.into_any(),
                        Ok(Some(m)) => view! {
                            <div class="table-wrap"><table class="table" data-testid="attempt-matches">
                                <caption class="sr-only">"Submitted attempts found"</caption>
                                <thead><tr><th scope="col">"Candidate"</th><th scope="col">"Attempt"</th><th scope="col">"Score"</th><th scope="col">"Submitted"</th><th scope="col">"Answers"</th></tr></thead>
                                <tbody>
                                    {m.lines.into_iter().map(|l| view! {
                                        <tr>
                                            <th scope="row">{l.candidate.clone()}<div class="muted">{l.email}</div></th>
                                            <td>{l.attempt_no}</td>
                                            <td>{match (l.percent, l.passed) {
                                                (Some(p), Some(true)) => format!("{p:.1}% (passed)"),
                                                (Some(p), _) => format!("{p:.1}% (not passed)"),
                                                (None, _) => "waiting for grading".into(),
                                            }}</td>
                                            <td>{datetime(l.submitted_at)}</td>
                                            <td><a href=format!("/reports/attempts/{}", l.session_id)>{format!("Answers of {}, attempt {}", l.candidate, l.attempt_no)}</a></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                            {m.more.then(|| view! { <p class="muted">"More attempts match than are listed: type more of the name or email."</p> })}
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
