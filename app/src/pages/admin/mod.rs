//! `/admin`: an organisation run by its admin, one part at a time (members, departments,
//! settings, the audit log), chosen with `?tab=`; `?org=` picks the organisation when the
//! admin runs several.

mod audit;
mod deletions;
mod departments;
mod invite;
mod members;
mod settings;

use crate::api::org_admin::administered_orgs;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::model::admin::AdministeredOrg;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Members,
    Departments,
    Settings,
    Audit,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Members, Tab::Departments, Tab::Settings, Tab::Audit];

    fn key(self) -> &'static str {
        match self {
            Tab::Members => "members",
            Tab::Departments => "departments",
            Tab::Settings => "settings",
            Tab::Audit => "audit",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Members => "Members",
            Tab::Departments => "Departments",
            Tab::Settings => "Settings",
            Tab::Audit => "Audit log",
        }
    }

    fn parse(key: Option<String>) -> Tab {
        Tab::ALL
            .into_iter()
            .find(|t| Some(t.key()) == key.as_deref())
            .unwrap_or(Tab::Members)
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let orgs = Resource::new(|| (), |_| administered_orgs());
    view! {
        <Title text="Organisation" />
        <Suspense fallback=|| view! { <Loading label="Loading your organisations…" /> }>
            {move || Suspend::new(async move {
                match orgs.await {
                    Ok(list) if list.is_empty() => view! {
                        <h1>"Organisation"</h1>
                        <p class="empty">"You do not administer any organisation."</p>
                    }.into_any(),
                    Ok(list) => view! { <Administer orgs=list /> }.into_any(),
                    Err(error) => view! { <h1>"Organisation"</h1><ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Administer(orgs: Vec<AdministeredOrg>) -> impl IntoView {
    let query = use_query_map();
    let chosen = {
        let orgs = orgs.clone();
        move || {
            let wanted = query.read().get("org");
            orgs.iter()
                .find(|o| Some(&o.id) == wanted.as_ref())
                .or_else(|| orgs.first())
                .cloned()
        }
    };
    let tab = move || Tab::parse(query.read().get("tab"));
    let several = orgs.len() > 1;
    view! {
        {move || chosen().map(|org| {
            let current = tab();
            let org_id = org.id.clone();
            view! {
                <div class="page-head">
                    <h1>{org.name.clone()}</h1>
                    {several.then(|| view! {
                        <nav aria-label="Your organisations" class="toolbar">
                            {orgs.iter().map(|o| view! {
                                <a href=format!("/admin?org={}", o.id)
                                    aria-current=(o.id == org.id).then_some("page")>{o.name.clone()}</a>
                            }).collect_view()}
                        </nav>
                    })}
                </div>
                <nav class="tabs" aria-label="Organisation administration">
                    {Tab::ALL.into_iter().map(|t| view! {
                        <a href=format!("/admin?org={}&tab={}", org.id, t.key())
                            aria-current=(t == current).then_some("page")>{t.label()}</a>
                    }).collect_view()}
                </nav>
                {match current {
                    Tab::Members => view! { <members::Members org_id /> }.into_any(),
                    Tab::Departments => view! { <departments::Departments org_id /> }.into_any(),
                    Tab::Settings => view! { <settings::Settings org_id /> }.into_any(),
                    Tab::Audit => view! { <audit::AuditLog org_id /> }.into_any(),
                }}
            }
        })}
    }
}

/// A checkbox per role in `offered`, bound to `chosen`. The ids are not needed: each input sits
/// in its label, which names it for screen readers.
#[component]
fn RoleChecks(offered: Vec<shared::Role>, chosen: RwSignal<Vec<shared::Role>>) -> impl IntoView {
    offered
        .into_iter()
        .map(|r| {
            view! {
                <label class="check mark">
                    <input type="checkbox" prop:checked=move || chosen.read().contains(&r)
                        on:change=move |ev| chosen.update(|c| {
                            c.retain(|x| *x != r);
                            if event_target_checked(&ev) { c.push(r) }
                        }) />
                    {r.label()}
                </label>
            }
        })
        .collect_view()
}
