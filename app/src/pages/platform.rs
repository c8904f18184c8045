//! `/platform`: every organisation on this Vigil, for its operators (SUPER_ADMIN): a new one
//! with its first admin invited, and suspending or reactivating one (asked first).

use crate::api::platform::{
    platform_orgs, platform_self_sign_up, CreateOrg, ReactivateOrg, SetSelfSignUp, SuspendOrg,
};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::local_time::LocalTime;
use crate::model::admin::PlatformOrg;
use leptos::prelude::*;
use leptos_meta::Title;

#[derive(Clone, Copy)]
struct Actions {
    suspend: ServerAction<SuspendOrg>,
    reactivate: ServerAction<ReactivateOrg>,
    asking: RwSignal<Option<String>>,
}

#[component]
pub fn PlatformPage() -> impl IntoView {
    let create = ServerAction::<CreateOrg>::new();
    let actions = Actions {
        suspend: ServerAction::new(),
        reactivate: ServerAction::new(),
        asking: RwSignal::new(None),
    };
    let orgs = Resource::new(
        move || {
            (
                create.version().get(),
                actions.suspend.version().get(),
                actions.reactivate.version().get(),
            )
        },
        |_| platform_orgs(),
    );
    let refusal = move || {
        actions
            .suspend
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.reactivate.value().get().and_then(Result::err))
    };
    view! {
        <Title text="Organisations" />
        <h1>"Organisations"</h1>
        <div aria-live="assertive">{move || refusal().map(|error| view! { <ErrorNotice error /> })}</div>
        <Transition fallback=|| view! { <Loading label="Loading organisations…" /> }>
            {move || Suspend::new(async move {
                match orgs.await {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"No organisation yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap"><table class="table" data-testid="platform-orgs">
                            <caption class="sr-only">"Organisations on this platform"</caption>
                            <thead><tr>
                                <th scope="col">"Organisation"</th><th scope="col">"Members"</th><th scope="col">"Admins"</th>
                                <th scope="col">"State"</th><th scope="col">"Created"</th><th scope="col"><span class="sr-only">"Actions"</span></th>
                            </tr></thead>
                            <tbody>{list.into_iter().map(|org| view! { <OrgRow org actions /> }).collect_view()}</tbody>
                        </table></div>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
        <section class="card" aria-labelledby="new-org-title">
            <h2 id="new-org-title">"New organisation"</h2>
            <ActionForm action=create attr:class="form">
                <label for="org-name">"Name"</label>
                <input id="org-name" name="name" required maxlength="100" placeholder="Faculty of Law" />
                <label for="org-zone">"Time zone"</label>
                <input id="org-zone" name="time_zone" required maxlength="60" value="UTC" aria-describedby="org-zone-hint" />
                <p id="org-zone-hint" class="hint">"An IANA name such as Europe/Berlin; its admin can change it."</p>
                <label for="org-admin">"First admin's email"</label>
                <input id="org-admin" name="admin_email" type="email" required aria-describedby="org-admin-hint" />
                <p id="org-admin-hint" class="hint">"They get a link to join as the organisation's admin and invite everyone else."</p>
                <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Creating…" } else { "Create and invite" }}
                </button>
            </ActionForm>
            <div aria-live="polite">
                {move || create.value().get().map(|r| match r {
                    Ok(report) => view! {
                        <p class="notice notice-ok" role="status">{format!("Created. An invitation went to {}.", report.email)}</p>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })}
            </div>
        </section>
        <SignUpSetting />
    }
}

/// Whether anyone may make an account, or only those invited.
#[component]
fn SignUpSetting() -> impl IntoView {
    let set = ServerAction::<SetSelfSignUp>::new();
    let open = Resource::new(move || set.version().get(), |_| platform_self_sign_up());
    view! {
        <section class="card" aria-labelledby="signup-title">
            <h2 id="signup-title">"Who can make an account"</h2>
            <Transition fallback=|| view! { <Loading label="Loading…" /> }>
                {move || Suspend::new(async move {
                    match open.await {
                        Ok(on) => view! {
                            <p data-testid="self-sign-up-state">
                                {if on {
                                    "Anyone can sign up; they confirm their email address before they can sign in."
                                } else {
                                    "Invitation only: accounts come from exam or staff invitations."
                                }}
                            </p>
                            <button class="btn" disabled=move || set.pending().get()
                                on:click=move |_| { set.dispatch(SetSelfSignUp { on: !on }); }>
                                {if on { "Make it invitation only" } else { "Let anyone sign up" }}
                            </button>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
            <div aria-live="assertive">
                {move || set.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
            </div>
        </section>
    }
}

#[component]
fn OrgRow(org: PlatformOrg, actions: Actions) -> impl IntoView {
    let id = StoredValue::new(org.id.clone());
    let name = StoredValue::new(org.name.clone());
    let suspended = org.suspended_at.is_some();
    let asking = move || actions.asking.get().as_deref() == Some(id.get_value().as_str());
    view! {
        <tr data-testid="platform-org">
            <td><strong>{org.name.clone()}</strong><div class="muted">{org.slug.clone()}</div></td>
            <td>{org.members}</td>
            <td>{org.admins}</td>
            <td>
                {match org.suspended_at {
                    Some(at) => view! { <span class="badge state-bad">"⏸ Suspended"</span><div class="muted"><LocalTime ms=at /></div> }.into_any(),
                    None => view! { <span class="badge state-ok">"✓ Active"</span> }.into_any(),
                }}
            </td>
            <td><LocalTime ms=org.created_at /></td>
            <td>
                {if suspended {
                    view! {
                        <button class="btn btn-quiet btn-small" aria-label=format!("Reactivate {}", org.name)
                            on:click=move |_| { actions.reactivate.dispatch(ReactivateOrg { org_id: id.get_value() }); }>"Reactivate"</button>
                    }.into_any()
                } else if org.platform_home {
                    view! { <span class="muted">"Operators' own"</span> }.into_any()
                } else {
                    view! {
                        <button class="btn btn-quiet btn-small" aria-label=format!("Suspend {}", org.name)
                            on:click=move |_| actions.asking.set(Some(id.get_value()))>"Suspend"</button>
                    }.into_any()
                }}
                {move || asking().then(|| view! {
                    <div class="confirm" role="group" aria-label="Confirm suspension">
                        <p>{format!("Suspend {}? Its people are signed out and cannot sign in until it is reactivated. Nothing is deleted.", name.get_value())}</p>
                        <button class="btn btn-danger" data-testid="confirm-action" on:click=move |_| {
                            actions.suspend.dispatch(SuspendOrg { org_id: id.get_value() });
                            actions.asking.set(None);
                        }>"Yes, suspend"</button>
                        <button class="btn btn-quiet" on:click=move |_| actions.asking.set(None)>"No, go back"</button>
                    </div>
                })}
            </td>
        </tr>
    }
}
