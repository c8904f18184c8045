//! The page behind an invitation link: what the exam is, and accepting it, creating an
//! account first when the invited address has none.

use crate::api::invitations::{invitation, AcceptInvitation};
use crate::components::accept::{NewAccountFields, SignInToAccept};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::local_time::{LocalTime, LocalWindow};
use crate::model::InvitationView;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let data = Resource::new(token, invitation);
    view! {
        <Title text="Invitation" />
        <Suspense fallback=|| view! { <Loading label="Checking your invitation…" /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <Accept view token=token() /> }.into_any(),
                    Err(error) => view! {
                        <section class="card narrow">
                            <h1>"Invitation"</h1>
                            <ErrorNotice error />
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Accept(view: InvitationView, token: String) -> impl IntoView {
    let action = ServerAction::<AcceptInvitation>::new();
    let value = action.value();
    Effect::new(move |_| {
        if let Some(Ok(exam_id)) = value.get() {
            crate::go_to(&format!("/exams/{exam_id}"));
        }
    });
    let error = move || value.get().and_then(Result::err);
    let signed_in_right = view.signed_in_as.as_deref() == Some(view.email.as_str());
    let next = format!("/invitations/{token}");
    let form = if view.account_exists && !signed_in_right {
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
                    {move || error().map(|error| view! { <ErrorNotice error /> })}
                </div>
                <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Accepting…" } else { "Accept invitation" }}
                </button>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <section class="card narrow">
            <h1>"You are invited"</h1>
            <p class="lead">{format!("{} invites you to take “{}”.", view.organization, view.exam_title)}</p>
            <dl class="facts">
                <dt>"Invited address"</dt>
                <dd data-testid="invited-email">{view.email.clone()}</dd>
                <dt>"Window"</dt>
                <dd><LocalWindow opens=view.opens_at closes=view.closes_at /></dd>
                <dt>"Duration"</dt>
                <dd>{format!("{} minutes", view.duration_minutes)}</dd>
                {view.accommodation.clone().map(|a| view! { <dt>"Extra time"</dt><dd>{a}</dd> })}
                <dt>"Link valid until"</dt>
                <dd><LocalTime ms=view.expires_at /></dd>
            </dl>
            {form}
        </section>
    }
}
