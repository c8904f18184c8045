//! The departments tab: the list with what each holds, a new one, renaming in place, and
//! deleting an empty one (asked first).

use crate::api::org_admin::{departments, CreateDepartment, DeleteDepartment, RenameDepartment};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::model::admin::Department;
use leptos::prelude::*;

#[derive(Clone, Copy)]
struct Actions {
    org: StoredValue<String>,
    rename: ServerAction<RenameDepartment>,
    delete: ServerAction<DeleteDepartment>,
    renaming: RwSignal<Option<String>>,
    deleting: RwSignal<Option<String>>,
}

#[component]
pub fn Departments(org_id: String) -> impl IntoView {
    let org = StoredValue::new(org_id.clone());
    let create = ServerAction::<CreateDepartment>::new();
    let actions = Actions {
        org,
        rename: ServerAction::new(),
        delete: ServerAction::new(),
        renaming: RwSignal::new(None),
        deleting: RwSignal::new(None),
    };
    let list = Resource::new(
        move || {
            (
                org.get_value(),
                create.version().get(),
                actions.rename.version().get(),
                actions.delete.version().get(),
            )
        },
        |(org, ..)| departments(org),
    );
    let refusal = move || {
        actions
            .rename
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.delete.value().get().and_then(Result::err))
    };
    view! {
        <section aria-labelledby="departments-title">
            <h2 id="departments-title">"Departments"</h2>
            <div aria-live="assertive">{move || refusal().map(|error| view! { <ErrorNotice error /> })}</div>
            <Transition fallback=|| view! { <Loading label="Loading departments…" /> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">"No departments yet. Departments group members and question banks, for example by faculty."</p>
                        }.into_any(),
                        Ok(list) => view! { <DepartmentTable list actions /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
            <ActionForm action=create attr:class="form card">
                <input type="hidden" name="org_id" value=org_id />
                <label for="new-department">"New department"</label>
                <input id="new-department" name="name" required maxlength="100" placeholder="Computer Science" />
                <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Adding…" } else { "Add department" }}
                </button>
                <div aria-live="polite">
                    {move || create.value().get().map(|r| match r {
                        Ok(d) => view! { <p class="notice notice-ok" role="status">{format!("Added {}.", d.name)}</p> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    })}
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn DepartmentTable(list: Vec<Department>, actions: Actions) -> impl IntoView {
    view! {
        <div class="table-wrap"><table class="table" data-testid="departments">
            <thead><tr>
                <th scope="col">"Department"</th><th scope="col">"Members"</th><th scope="col">"Question banks"</th>
                <th scope="col"><span class="sr-only">"Actions"</span></th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|d| view! { <DepartmentRow department=d actions /> }).collect_view()}
            </tbody>
        </table></div>
    }
}

#[component]
fn DepartmentRow(department: Department, actions: Actions) -> impl IntoView {
    let id = StoredValue::new(department.id.clone());
    let name = StoredValue::new(department.name.clone());
    let new_name = RwSignal::new(department.name.clone());
    let is = move |s: RwSignal<Option<String>>| s.get().as_deref() == Some(id.get_value().as_str());
    let empty = department.members == 0 && department.banks == 0;
    view! {
        <tr data-testid="department-row">
            <td>
                {move || if is(actions.renaming) {
                    let input_id = format!("rename-{}", id.get_value());
                    view! {
                        <form class="inline-form" on:submit=move |ev| {
                            ev.prevent_default();
                            actions.rename.dispatch(RenameDepartment {
                                org_id: actions.org.get_value(), department_id: id.get_value(), name: new_name.get_untracked(),
                            });
                            actions.renaming.set(None);
                        }>
                            <label class="sr-only" for=input_id.clone()>"New name"</label>
                            <input id=input_id required maxlength="100" prop:value=new_name
                                on:input=move |ev| new_name.set(event_target_value(&ev)) />
                            <button type="submit" class="btn btn-primary btn-small">"Save"</button>
                            <button type="button" class="btn btn-quiet btn-small" on:click=move |_| actions.renaming.set(None)>"Cancel"</button>
                        </form>
                    }.into_any()
                } else {
                    view! { <strong>{name.get_value()}</strong> }.into_any()
                }}
            </td>
            <td>{department.members}</td>
            <td>{department.banks}</td>
            <td>
                <div class="actions">
                    <button class="btn btn-quiet btn-small" aria-label=format!("Rename {}", department.name)
                        on:click=move |_| actions.renaming.set(Some(id.get_value()))>"Rename"</button>
                    <button class="btn btn-quiet btn-small" aria-label=format!("Delete {}", department.name)
                        title=(!empty).then_some("Only an empty department can be deleted")
                        on:click=move |_| actions.deleting.set(Some(id.get_value()))>"Delete"</button>
                </div>
                {move || is(actions.deleting).then(|| view! {
                    <div class="confirm" role="group" aria-label="Confirm deletion">
                        <p>{format!("Delete the department {}? This cannot be undone.", name.get_value())}</p>
                        <button class="btn btn-danger" data-testid="confirm-action" on:click=move |_| {
                            actions.delete.dispatch(DeleteDepartment { org_id: actions.org.get_value(), department_id: id.get_value() });
                            actions.deleting.set(None);
                        }>"Yes, delete"</button>
                        <button class="btn btn-quiet" on:click=move |_| actions.deleting.set(None)>"No, keep it"</button>
                    </div>
                })}
            </td>
        </tr>
    }
}
