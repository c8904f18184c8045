//! Question banks: the list per organisation with counts by state, and a form for a new bank.
//! One bank's page is in [`bank`], its import panel in [`import`].

pub mod bank;
mod bulk;
mod details;
pub mod editor;
pub mod import;
#[cfg(feature = "hydrate")]
pub(crate) mod upload;

use crate::api::banks::{bank_orgs, list_banks, CreateBank};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::format::datetime;
use crate::model::authoring::BankOrg;
use leptos::prelude::*;
use leptos_meta::Title;
use shared::authoring::AuthoringStatus;

/// A state in words and a shape of its own, never colour alone.
#[component]
pub fn StatusBadge(status: AuthoringStatus) -> impl IntoView {
    let icon = match status {
        AuthoringStatus::Draft => "✎",
        AuthoringStatus::InReview => "⧗",
        AuthoringStatus::Approved => "✓",
        AuthoringStatus::Rejected => "✗",
        AuthoringStatus::Archived => "▣",
    };
    view! {
        <span class=format!("badge status-{}", status.as_str().to_lowercase()) data-testid="status">
            <span aria-hidden="true">{icon}" "</span>
            {status.label()}
        </span>
    }
}

#[component]
pub fn BanksPage() -> impl IntoView {
    let orgs = Resource::new(|| (), |_| bank_orgs());
    view! {
        <Title text="Question banks" />
        <h1>"Question banks"</h1>
        <Suspense fallback=|| view! { <Loading label="Loading your organisations…" /> }>
            {move || Suspend::new(async move {
                match orgs.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">"You do not write or review questions in any organisation."</p>
                    }.into_any(),
                    Ok(list) => list.into_iter().map(|org| view! { <OrgBanks org /> }).collect_view().into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrgBanks(org: BankOrg) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let create = ServerAction::<CreateBank>::new();
    let org_id = org.org_id.clone();
    let banks = Resource::new(
        move || (org_id.clone(), search.get(), create.version().get()),
        |(org, search, _)| list_banks(org, Some(search)),
    );
    // A new bank opens at once, ready for its questions.
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            crate::go_to(&format!("/banks/{id}"));
        }
    });
    let heading_id = format!("org-{}", org.org_id);
    let search_id = format!("search-{}", org.org_id);
    view! {
        <section aria-labelledby=heading_id.clone()>
            <h2 id=heading_id.clone()>{org.name.clone()}</h2>
            <div class="toolbar">
                <label for=search_id.clone()>"Search banks"</label>
                <input id=search_id type="search" placeholder="Name or description"
                    on:input=move |ev| search.set(event_target_value(&ev)) prop:value=search />
            </div>
            <Transition fallback=|| view! { <Loading label="Loading banks…" /> }>
                {move || Suspend::new(async move {
                    match banks.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">{if search.get_untracked().is_empty() { "No question banks yet." } else { "No bank matches your search." }}</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <div class="table-wrap">
                                <table class="table" data-testid="banks">
                                    <caption class="sr-only">"Question banks and how many questions stand in each state"</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">"Bank"</th>
                                            <th scope="col">"State"</th>
                                            <th scope="col">"Drafts"</th>
                                            <th scope="col">"In review"</th>
                                            <th scope="col">"Approved"</th>
                                            <th scope="col">"Rejected"</th>
                                            <th scope="col">"Changed"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list.into_iter().map(|b| view! {
                                            <tr data-testid="bank-row">
                                                <td>
                                                    <a href=format!("/banks/{}", b.id)>{b.name.clone()}</a>
                                                    <div class="muted">{b.description.clone()}</div>
                                                </td>
                                                <td><StatusBadge status=b.status /></td>
                                                <td>{b.drafts}</td>
                                                <td>{b.in_review}</td>
                                                <td>{b.approved}</td>
                                                <td>{b.rejected}</td>
                                                <td>{datetime(b.updated_at)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
            {org.can_author.then(|| view! { <NewBankForm org_id=org.org_id.clone() create /> })}
        </section>
    }
}

#[component]
fn NewBankForm(org_id: String, create: ServerAction<CreateBank>) -> impl IntoView {
    let field_error = move |field: &'static str| {
        create.value().get().and_then(Result::err).and_then(|e| match e {
            crate::error::AppError::InvalidFields(fields) => {
                fields.into_iter().find(|f| f.field == field).map(|f| f.message)
            }
            _ => None,
        })
    };
    let other_error = move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .filter(|e| !matches!(e, crate::error::AppError::InvalidFields(_)))
    };
    let prefix = format!("new-bank-{org_id}");
    let (name_id, desc_id, tags_id) = (
        format!("{prefix}-name"),
        format!("{prefix}-description"),
        format!("{prefix}-tags"),
    );
    let name_error_id = format!("{prefix}-name-error");
    let tags_hint = format!("{prefix}-tags-hint");
    view! {
        <details class="card">
            <summary>"New question bank"</summary>
            <ActionForm action=create attr:class="form">
                <input type="hidden" name="org_id" value=org_id />
                <label for=name_id.clone()>"Name"</label>
                <input id=name_id name="name" required maxlength="200"
                    aria-describedby=name_error_id.clone() aria-invalid=move || field_error("name").is_some().to_string() />
                <p id=name_error_id class="field-error" aria-live="polite">{move || field_error("name")}</p>
                <label for=desc_id.clone()>"Description"</label>
                <textarea id=desc_id name="description" rows="3" maxlength="5000"></textarea>
                <p class="field-error" aria-live="polite">{move || field_error("description")}</p>
                <label for=tags_id.clone()>"Tags"</label>
                <input id=tags_id name="tags" placeholder="networking, week 1" aria-describedby=tags_hint.clone() />
                <p id=tags_hint class="hint">"Separated by commas."</p>
                <div aria-live="assertive">{move || other_error().map(|error| view! { <ErrorNotice error /> })}</div>
                <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Creating…" } else { "Create bank" }}
                </button>
            </ActionForm>
        </details>
    }
}
