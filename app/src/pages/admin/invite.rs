//! Inviting staff by email with the roles they will hold, and the invitations still open.

use crate::api::org_admin::{departments, pending_staff_invitations, InviteStaff, WithdrawStaffInvitation};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::local_time::LocalTime;
use crate::model::admin::GRANTABLE_ROLES;
use leptos::prelude::*;
use shared::Role;

#[component]
pub fn InviteStaffPanel(org_id: String) -> impl IntoView {
    let org = StoredValue::new(org_id);
    let invite = ServerAction::<InviteStaff>::new();
    let withdraw = ServerAction::<WithdrawStaffInvitation>::new();
    let emails = RwSignal::new(String::new());
    let roles = RwSignal::new(Vec::<Role>::new());
    let department = RwSignal::new(String::new());
    let depts = Resource::new(move || org.get_value(), departments);
    let pending = Resource::new(
        move || (org.get_value(), invite.version().get(), withdraw.version().get()),
        |(org, ..)| pending_staff_invitations(org),
    );
    // A sent batch clears the form for the next one.
    Effect::new(move |_| {
        if let Some(Ok(_)) = invite.value().get() {
            emails.set(String::new());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        invite.dispatch(InviteStaff {
            org_id: org.get_value(),
            emails: emails.get_untracked(),
            roles: roles.get_untracked(),
            department_id: department.get_untracked(),
        });
    };
    view! {
        <section class="card" aria-labelledby="invite-title">
            <h2 id="invite-title">"Invite staff"</h2>
            <form class="form" on:submit=submit>
                <label for="staff-emails">"Email addresses"</label>
                <textarea id="staff-emails" rows="3" required aria-describedby="staff-emails-hint"
                    prop:value=emails on:input=move |ev| emails.set(event_target_value(&ev))></textarea>
                <p id="staff-emails-hint" class="hint">"Separated by commas, spaces or lines; at most 100. Each gets a link valid for 7 days."</p>
                <fieldset class="inline-fields">
                    <legend>"Roles they will hold"</legend>
                    <super::RoleChecks offered=GRANTABLE_ROLES.iter().copied().filter(|r| *r != Role::Candidate).collect() chosen=roles />
                </fieldset>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let list = depts.await.unwrap_or_default();
                        (!list.is_empty()).then(|| view! {
                            <label for="invite-department">"Department"</label>
                            <select id="invite-department" on:change=move |ev| department.set(event_target_value(&ev))>
                                <option value="">"None"</option>
                                {list.into_iter().map(|d| view! { <option value=d.id.clone()>{d.name.clone()}</option> }).collect_view()}
                            </select>
                        })
                    })}
                </Suspense>
                <button type="submit" class="btn btn-primary" disabled=move || invite.pending().get()>
                    {move || if invite.pending().get() { "Sending…" } else { "Send invitations" }}
                </button>
            </form>
            <div aria-live="polite">
                {move || invite.value().get().map(|r| match r {
                    Ok(reports) => view! {
                        <p class="notice notice-ok" role="status">
                            {format!("Invitation sent to {}.", reports.iter().map(|r| r.email.as_str()).collect::<Vec<_>>().join(", "))}
                        </p>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })}
            </div>
            <h3>"Open invitations"</h3>
            <div aria-live="assertive">{move || withdraw.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}</div>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match pending.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">"No invitation is waiting for an answer."</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="table-wrap"><table class="table" data-testid="staff-invitations">
                                <thead><tr><th scope="col">"Email"</th><th scope="col">"Roles"</th><th scope="col">"Expires"</th><th scope="col"><span class="sr-only">"Actions"</span></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|i| {
                                        let id = i.id.clone();
                                        view! {
                                            <tr>
                                                <td>{i.email.clone()}</td>
                                                <td>{i.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")}</td>
                                                <td><LocalTime ms=i.expires_at /></td>
                                                <td><button class="btn btn-quiet btn-small" aria-label=format!("Withdraw the invitation to {}", i.email)
                                                    on:click=move |_| { withdraw.dispatch(WithdrawStaffInvitation { org_id: org.get_value(), invitation_id: id.clone() }); }>
                                                    "Withdraw"</button></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
