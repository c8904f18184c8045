//! The members tab: search, each member's roles and department, changing roles, removing
//! someone (asked first), and inviting staff ([`super::invite`]).

use super::deletions::DeletionRequests;
use super::invite::InviteStaffPanel;
use crate::api::org_admin::{departments, org_members, RemoveMember, SetMemberDepartment, SetMemberRoles};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::model::admin::{Department, Member, GRANTABLE_ROLES};
use leptos::prelude::*;
use shared::Role;

/// The actions a member row can take, shared by every row.
#[derive(Clone, Copy)]
struct RowActions {
    org: StoredValue<String>,
    set_roles: ServerAction<SetMemberRoles>,
    remove: ServerAction<RemoveMember>,
    set_department: ServerAction<SetMemberDepartment>,
    /// The member whose roles are being edited, or who is about to be removed.
    editing: RwSignal<Option<String>>,
    removing: RwSignal<Option<String>>,
}

#[component]
pub fn Members(org_id: String) -> impl IntoView {
    let org = StoredValue::new(org_id.clone());
    let search = RwSignal::new(String::new());
    let role = RwSignal::new(None::<Role>);
    let actions = RowActions {
        org,
        set_roles: ServerAction::new(),
        remove: ServerAction::new(),
        set_department: ServerAction::new(),
        editing: RwSignal::new(None),
        removing: RwSignal::new(None),
    };
    let list = Resource::new(
        move || {
            (
                org.get_value(),
                search.get(),
                role.get(),
                actions.set_roles.version().get(),
                actions.remove.version().get(),
                actions.set_department.version().get(),
            )
        },
        |(org, search, role, ..)| org_members(org, search, role),
    );
    let depts = Resource::new(move || org.get_value(), departments);
    // The last change's refusal (the last admin, a member gone meanwhile), said once.
    let refusal = move || {
        actions
            .set_roles
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| actions.remove.value().get().and_then(Result::err))
            .or_else(|| actions.set_department.value().get().and_then(Result::err))
    };
    view! {
        <DeletionRequests org_id=org_id.clone() />
        <section aria-labelledby="members-title">
            <h2 id="members-title">"Members"</h2>
            <div class="toolbar" role="search">
                <label for="member-search">"Search members"</label>
                <input id="member-search" type="search" placeholder="Name or email" maxlength="200"
                    on:input=move |ev| search.set(event_target_value(&ev)) prop:value=search />
                <label for="member-role">"Role"</label>
                <select id="member-role" on:change=move |ev| role.set(event_target_value(&ev).parse().ok())>
                    <option value="">"Any role"</option>
                    {Role::ALL.iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                </select>
            </div>
            <div aria-live="assertive">{move || refusal().map(|error| view! { <ErrorNotice error /> })}</div>
            <Transition fallback=|| view! { <Loading label="Loading members…" /> }>
                {move || Suspend::new(async move {
                    let departments = depts.await.unwrap_or_default();
                    match list.await {
                        Ok(found) if found.members.is_empty() => view! {
                            <p class="empty">"No member matches your search."</p>
                        }.into_any(),
                        Ok(found) => {
                            let shown = found.members.len();
                            let total = found.total;
                            view! {
                                <p class="muted" role="status">
                                    {if total as usize > shown {
                                        format!("Showing the first {shown} of {total} members: narrow the search to find others.")
                                    } else {
                                        format!("{total} member(s).")
                                    }}
                                </p>
                                <MemberTable members=found.members departments actions />
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <InviteStaffPanel org_id />
    }
}

#[component]
fn MemberTable(members: Vec<Member>, departments: Vec<Department>, actions: RowActions) -> impl IntoView {
    view! {
        <div class="table-wrap"><table class="table" data-testid="members">
            <caption class="sr-only">"Members of the organisation"</caption>
            <thead><tr>
                <th scope="col">"Member"</th>
                <th scope="col">"Roles"</th>
                <th scope="col">"Department"</th>
                <th scope="col"><span class="sr-only">"Actions"</span></th>
            </tr></thead>
            <tbody>
                {members.into_iter().map(|m| view! { <MemberRow member=m departments=departments.clone() actions /> }).collect_view()}
            </tbody>
        </table></div>
    }
}

#[component]
fn MemberRow(member: Member, departments: Vec<Department>, actions: RowActions) -> impl IntoView {
    let user_id = StoredValue::new(member.user_id.clone());
    let name = member.display_name.clone();
    let is_editing = move || actions.editing.get().as_deref() == Some(user_id.get_value().as_str());
    let is_removing = move || actions.removing.get().as_deref() == Some(user_id.get_value().as_str());
    let current_department = member.department_id.clone().unwrap_or_default();
    let roles = member.roles.clone();
    let remove_label = format!("Remove {name}");
    let roles_label = format!("Change roles of {name}");
    let dept_label = format!("Department of {name}");
    view! {
        <tr data-testid="member-row">
            <td>
                <strong>{member.display_name.clone()}</strong>
                {member.is_you.then(|| view! { " " <span class="badge">"You"</span> })}
                <div class="muted">{member.email.clone()}</div>
            </td>
            <td>
                <ul class="plain-list" data-testid="member-roles">
                    {member.roles.iter().map(|r| view! { <li>{r.label()}</li> }).collect_view()}
                </ul>
                {move || is_editing().then(|| view! { <RoleEditor held=roles.clone() user_id=user_id.get_value() actions /> })}
            </td>
            <td>
                <select aria-label=dept_label
                    on:change=move |ev| {
                        actions.set_department.dispatch(SetMemberDepartment {
                            org_id: actions.org.get_value(),
                            user_id: user_id.get_value(),
                            department_id: event_target_value(&ev),
                        });
                    }>
                    <option value="" selected=current_department.is_empty()>"None"</option>
                    {departments.into_iter().map(|d| {
                        let selected = d.id == current_department;
                        view! { <option value=d.id.clone() selected=selected>{d.name.clone()}</option> }
                    }).collect_view()}
                </select>
            </td>
            <td>
                <div class="actions">
                    <button class="btn btn-quiet btn-small" aria-label=roles_label
                        aria-expanded=move || is_editing().to_string()
                        on:click=move |_| actions.editing.set(if is_editing() { None } else { Some(user_id.get_value()) })>
                        "Change roles"
                    </button>
                    <button class="btn btn-quiet btn-small" aria-label=remove_label
                        on:click=move |_| actions.removing.set(Some(user_id.get_value()))>"Remove"</button>
                </div>
                {move || is_removing().then(|| {
                    let who = name.clone();
                    view! {
                        <div class="confirm" role="group" aria-label="Confirm removal">
                            <p>{format!("Remove {who} from the organisation? Their roles here end at once; their account and past work stay.")}</p>
                            <button class="btn btn-danger" data-testid="confirm-action"
                                on:click=move |_| {
                                    actions.remove.dispatch(RemoveMember { org_id: actions.org.get_value(), user_id: user_id.get_value() });
                                    actions.removing.set(None);
                                }>"Yes, remove"</button>
                            <button class="btn btn-quiet" on:click=move |_| actions.removing.set(None)>"No, keep"</button>
                        </div>
                    }
                })}
            </td>
        </tr>
    }
}

/// Checkboxes for the roles an admin grants; saving replaces the member's roles with them.
#[component]
fn RoleEditor(held: Vec<Role>, user_id: String, actions: RowActions) -> impl IntoView {
    let chosen = RwSignal::new(held);
    let user_id = StoredValue::new(user_id);
    view! {
        <fieldset class="inline-fields" data-testid="role-editor">
            <legend>"Roles"</legend>
            <super::RoleChecks offered=GRANTABLE_ROLES.to_vec() chosen />
            <button class="btn btn-primary btn-small" disabled=move || actions.set_roles.pending().get()
                on:click=move |_| {
                    actions.set_roles.dispatch(SetMemberRoles {
                        org_id: actions.org.get_value(),
                        user_id: user_id.get_value(),
                        roles: chosen.get_untracked(),
                    });
                    actions.editing.set(None);
                }>"Save roles"</button>
            <button class="btn btn-quiet btn-small" on:click=move |_| actions.editing.set(None)>"Cancel"</button>
        </fieldset>
    }
}
