//! Passkeys on the account page: the ones the person has (added, last used), adding one from
//! this device, and removing one (asked first).

use crate::api::account::{my_passkeys, RemovePasskey};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::local_time::LocalTime;
use crate::components::passkey;
use crate::model::account::PasskeySummary;
use leptos::prelude::*;

#[component]
pub fn PasskeysCard() -> impl IntoView {
    let add = Action::new_unsync(|name: &String| passkey::add(name.clone()));
    let remove = ServerAction::<RemovePasskey>::new();
    let asking = RwSignal::new(None::<String>);
    let keys = Resource::new(
        move || (add.version().get(), remove.version().get()),
        |_| my_passkeys(),
    );
    let name = RwSignal::new("This device".to_string());
    view! {
        <section class="card" aria-labelledby="passkeys-title">
            <h2 id="passkeys-title">"Passkeys"</h2>
            <p class="muted">"A passkey signs you in with this device's screen lock or a security key, without your password. It also counts as your second step after a password."</p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match keys.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty" data-testid="passkeys-empty">"No passkey yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="plain-list" data-testid="passkeys">
                                {list.into_iter().map(|key| view! { <PasskeyItem key remove asking /> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
            <form class="form" on:submit=move |ev| {
                ev.prevent_default();
                add.dispatch(name.get_untracked());
            }>
                <label for="passkey-name">"Name for the new passkey"</label>
                <input id="passkey-name" required maxlength="60" aria-describedby="passkey-name-hint"
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                <p id="passkey-name-hint" class="hint">"Such as the device or key it is on, so you can tell them apart."</p>
                <button type="submit" class="btn btn-primary" disabled=move || add.pending().get()>
                    {move || if add.pending().get() { "Waiting for your device…" } else { "Add a passkey" }}
                </button>
            </form>
            <div aria-live="assertive">
                {move || add.value().get().map(|r| match r {
                    Ok(()) => view! { <p class="notice notice-ok" role="status">"Passkey added."</p> }.into_any(),
                    Err(e) => view! { <p class="notice notice-error" role="alert">{e}</p> }.into_any(),
                })}
                {move || remove.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
            </div>
        </section>
    }
}

#[component]
fn PasskeyItem(
    key: PasskeySummary,
    remove: ServerAction<RemovePasskey>,
    asking: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = StoredValue::new(key.id.clone());
    let name = StoredValue::new(key.name.clone());
    let is_asking = move || asking.get().as_deref() == Some(id.get_value().as_str());
    view! {
        <li data-testid="passkey">
            <strong>{key.name.clone()}</strong>
            <span class="muted">" · added " <LocalTime ms=key.created_at /></span>
            <span class="muted">{match key.last_used_at {
                Some(at) => view! { " · last used " <LocalTime ms=at /> }.into_any(),
                None => view! { " · not used yet" }.into_any(),
            }}</span>
            " "
            <button class="btn btn-quiet btn-small" aria-label=format!("Remove passkey {}", key.name)
                on:click=move |_| asking.set(Some(id.get_value()))>"Remove"</button>
            {move || is_asking().then(|| view! {
                <div class="confirm" role="group" aria-label="Confirm removal">
                    <p>{format!("Remove the passkey “{}”? It will no longer sign you in.", name.get_value())}</p>
                    <button class="btn btn-danger" data-testid="confirm-action" on:click=move |_| {
                        remove.dispatch(RemovePasskey { passkey_id: id.get_value() });
                        asking.set(None);
                    }>"Yes, remove it"</button>
                    <button class="btn btn-quiet" on:click=move |_| asking.set(None)>"No, keep it"</button>
                </div>
            })}
        </li>
    }
}
