//! `/join/:token`: the page behind a staff invitation link: which organisation, which roles,
//! and accepting, creating an account first when the invited address has none.

use crate::api::org_admin::{staff_invitation, AcceptStaffInvitation};
use crate::components::accept::{NewAccountFields, SignInToAccept};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::local_time::LocalTime;
use crate::model::admin::StaffInvitationView;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn JoinPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let data = Resource::new(token, staff_invitation);
    view! {
        <Title text="Join an organisation" />
        <Suspense fallback=|| view! { <Loading label="Checking your invitation…" /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <Join view token=token() /> }.into_any(),
                    Err(error) => view! {
                        <section class="card narrow"><h1>"Invitation"</h1><ErrorNotice error /></section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Join(view: StaffInvitationView, token: String) -> impl IntoView {
    let action = ServerAction::<AcceptStaffInvitation>::new();
    let value = action.value();
    Effect::new(move |_| {
        if let Some(Ok(_)) = value.get() {
            crate::go_to("/");
        }
    });
    let signed_in_right = view.signed_in_as.as_deref() == Some(view.email.as_str());
    let form = if view.account_exists && !signed_in_right {
        let next = format!("/join/{token}");
        view! { <SignInToAccept email=view.email.clone() signed_in_as=view.signed_in_as.clone() next /> }
            .into_any()
    } else {
        let new_account = !view.account_exists;
        let email = view.email.clone();
        view! {
            <ActionForm action=action attr:class="form">
                <input type="hidden" name="token" value=token />
                {new_account.then(|| view! { <NewAccountFields email=email.clone() /> })}
                <div aria-live="assertive">
                    {move || value.get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
                </div>
                <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Joining…" } else { "Join the organisation" }}
                </button>
            </ActionForm>
        }
        .into_any()
    };
    let roles = view
        .roles
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <section class="card narrow">
            <h1>"You are invited"</h1>
            <p class="lead">{format!("Join {} on Vigil.", view.organization)}</p>
            <dl class="facts">
                <dt>"Invited address"</dt>
                <dd data-testid="invited-email">{view.email.clone()}</dd>
                <dt>"Your roles"</dt>
                <dd data-testid="invited-roles">{roles}</dd>
                {view.department.clone().map(|d| view! { <dt>"Department"</dt><dd>{d}</dd> })}
                <dt>"Link valid until"</dt>
                <dd><LocalTime ms=view.expires_at /></dd>
            </dl>
            {form}
        </section>
    }
}
