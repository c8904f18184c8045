//! Members' requests to delete their accounts, for the admin to confirm (asked first). Shown
//! only while some wait.

use crate::api::org_admin::{pending_deletions, ConfirmDeletion};
use crate::components::feedback::ErrorNotice;
use crate::components::local_time::LocalTime;
use leptos::prelude::*;

#[component]
pub fn DeletionRequests(org_id: String) -> impl IntoView {
    let org = StoredValue::new(org_id);
    let confirm = ServerAction::<ConfirmDeletion>::new();
    let asking = RwSignal::new(None::<String>);
    let list = Resource::new(
        move || (org.get_value(), confirm.version().get()),
        |(org, _)| pending_deletions(org),
    );
    view! {
        <div aria-live="assertive">{move || confirm.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}</div>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let waiting = list.await.unwrap_or_default();
                (!waiting.is_empty()).then(|| view! {
                    <section class="card" aria-labelledby="deletions-title" data-testid="deletion-requests">
                        <h2 id="deletions-title">"Requests to delete an account"</h2>
                        <ul class="plain-list">
                            {waiting.into_iter().map(|r| {
                                let id = StoredValue::new(r.user_id.clone());
                                let who = format!("{} ({})", r.display_name, r.email);
                                let is_asking = move || asking.get().as_deref() == Some(id.get_value().as_str());
                                view! {
                                    <li>
                                        <strong>{who.clone()}</strong> " asked on " <LocalTime ms=r.requested_at /> " "
                                        <button class="btn btn-quiet btn-small" aria-label=format!("Delete the account of {}", r.display_name)
                                            on:click=move |_| asking.set(Some(id.get_value()))>"Delete account"</button>
                                        {move || is_asking().then(|| view! {
                                            <div class="confirm" role="group" aria-label="Confirm deletion">
                                                <p>{format!("Delete the account of {who}? Their sign-in, name, address and monitoring data are erased; their results stay, anonymised. This cannot be undone.")}</p>
                                                <button class="btn btn-danger" data-testid="confirm-action" on:click=move |_| {
                                                    confirm.dispatch(ConfirmDeletion { org_id: org.get_value(), user_id: id.get_value() });
                                                    asking.set(None);
                                                }>"Yes, delete it"</button>
                                                <button class="btn btn-quiet" on:click=move |_| asking.set(None)>"No, go back"</button>
                                            </div>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Transition>
    }
}
