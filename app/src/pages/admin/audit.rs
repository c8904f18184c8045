//! The audit log tab: who did what and when in the organisation, newest first, filtered by
//! action, by who acted and by day, a page at a time (older, and back to newer).

use crate::api::org_admin::org_audit_log;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::local_time::LocalTime;
use crate::model::admin::{AuditEntry, AuditQuery, ORG_AUDIT_ACTIONS};
use leptos::prelude::*;

#[component]
pub fn AuditLog(org_id: String) -> impl IntoView {
    let org = StoredValue::new(org_id);
    let action = RwSignal::new(String::new());
    let actor = RwSignal::new(String::new());
    let from_day = RwSignal::new(String::new());
    let to_day = RwSignal::new(String::new());
    // Where each page before the one shown ended: "Older" pushes, "Newer" pops.
    let cursors = RwSignal::new(Vec::<(i64, String)>::new());
    let query = move |before: Option<(i64, String)>| AuditQuery {
        action: action.get(),
        actor: actor.get(),
        from_day: from_day.get(),
        to_day: to_day.get(),
        before,
    };
    let first = Resource::new(
        move || (org.get_value(), query(cursors.read().last().cloned())),
        |(org, q)| org_audit_log(org, q),
    );
    view! {
        <section aria-labelledby="audit-title">
            <h2 id="audit-title">"Audit log"</h2>
            <div class="filters card" role="search">
                <div class="filter-grid">
                    <label>"Action"
                        <select on:change=move |ev| { cursors.set(Vec::new()); action.set(event_target_value(&ev)) }>
                            <option value="">"Any action"</option>
                            {ORG_AUDIT_ACTIONS.iter().map(|a| view! { <option value=*a>{a.replace('_', " ").to_lowercase()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>"Who acted (email)"
                        <input type="search" maxlength="200" prop:value=actor on:change=move |ev| { cursors.set(Vec::new()); actor.set(event_target_value(&ev)) } />
                    </label>
                    <label>"From day"
                        <input type="date" prop:value=from_day on:change=move |ev| { cursors.set(Vec::new()); from_day.set(event_target_value(&ev)) } />
                    </label>
                    <label>"To day"
                        <input type="date" prop:value=to_day on:change=move |ev| { cursors.set(Vec::new()); to_day.set(event_target_value(&ev)) } />
                    </label>
                </div>
            </div>
            <Transition fallback=|| view! { <Loading label="Loading the audit log…" /> }>
                {move || Suspend::new(async move {
                    match first.await {
                        Ok(page) if page.entries.is_empty() => view! { <p class="empty">"No entry matches."</p> }.into_any(),
                        Ok(page) => {
                            let more = page.more;
                            let last = page.entries.last().map(|e| (e.at, e.id.clone()));
                            view! {
                                <div class="table-wrap"><table class="table" data-testid="audit-log">
                                    <caption class="sr-only">"Audit log entries, newest first"</caption>
                                    <thead><tr>
                                        <th scope="col">"When"</th><th scope="col">"Action"</th><th scope="col">"Who"</th>
                                        <th scope="col">"About"</th><th scope="col">"Detail"</th><th scope="col">"Address"</th>
                                    </tr></thead>
                                    <tbody><Rows entries=page.entries /></tbody>
                                </table></div>
                                <div class="pager">
                                    <button class="btn btn-quiet" disabled=move || cursors.read().is_empty()
                                        on:click=move |_| cursors.update(|v| { v.pop(); })>"← Newer entries"</button>
                                    <button class="btn btn-quiet" disabled=!more
                                        on:click=move |_| if let Some(c) = last.clone() { cursors.update(|v| v.push(c)) }>"Older entries →"</button>
                                </div>
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Rows(entries: Vec<AuditEntry>) -> impl IntoView {
    entries
        .into_iter()
        .map(|e| {
            view! {
                <tr data-testid="audit-entry">
                    <td><LocalTime ms=e.at /></td>
                    <td><code>{e.action.clone()}</code></td>
                    <td>{e.actor.clone().unwrap_or_else(|| "—".into())}</td>
                    <td>{e.subject.clone().unwrap_or_default()}</td>
                    <td>{e.detail.clone().unwrap_or_default()}</td>
                    <td>{e.address.clone().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view()
}
