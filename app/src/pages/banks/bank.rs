//! One bank: its details and state, its questions' latest versions with what each person may
//! do to them (submit, approve, reject with a reason, archive), and the import panel.

use super::bulk::{BulkActions, Selection};
use super::details::BankDetailsForm;
use super::import::ImportPanel;
use super::StatusBadge;
use crate::api::banks::{
    bank_orgs, get_bank, BankAction, BulkQuestionAction, CommitImport, DuplicateQuestion, MoveQuestions,
    QuestionAction, UpdateBank,
};
use crate::api::reports::bank_usage;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::format::datetime;
use crate::model::authoring::{Bank, BankOrg, QuestionVersion};
use crate::model::reports::QuestionUsage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::authoring::{AuthoringAction, AuthoringStatus};
use std::collections::HashMap;

/// The changes made from the forms under the question list.
#[derive(Clone, Copy)]
struct BankEdits {
    details: ServerAction<UpdateBank>,
    bulk: ServerAction<BulkQuestionAction>,
    move_to: ServerAction<MoveQuestions>,
    commit: ServerAction<CommitImport>,
}

/// What the caller may do in the bank's organisation.
#[derive(Clone, Copy, PartialEq, Eq)]
struct May {
    author: bool,
    review: bool,
}

#[component]
pub fn BankPage() -> impl IntoView {
    let params = use_params_map();
    let bank_id = move || params.read().get("bank_id").unwrap_or_default();
    let bank_act = ServerAction::<BankAction>::new();
    let question_act = ServerAction::<QuestionAction>::new();
    let duplicate = ServerAction::<DuplicateQuestion>::new();
    // These reload the bank on success only: a refusal keeps the form as typed. The page owns
    // them, as the reload redraws the parts that use them.
    let edits = BankEdits {
        details: ServerAction::new(),
        bulk: ServerAction::new(),
        move_to: ServerAction::new(),
        commit: ServerAction::new(),
    };
    let edited = RwSignal::new(0_u32);
    {
        use crate::components::reload::on_success;
        on_success(move || edits.details.value().get(), edited);
        on_success(move || edits.bulk.value().get(), edited);
        on_success(move || edits.move_to.value().get(), edited);
        on_success(move || edits.commit.value().get(), edited);
    }
    let data = Resource::new(
        move || {
            (
                bank_id(),
                bank_act.version().get(),
                question_act.version().get(),
                duplicate.version().get(),
                edited.get(),
            )
        },
        |(id, ..)| async move {
            let bank = get_bank(id.clone()).await?;
            let orgs = bank_orgs().await?;
            let usage = bank_usage(id).await?;
            Ok::<_, crate::error::AppError>((bank, orgs, usage))
        },
    );
    view! {
        <Title text="Question bank" />
        <p><a href="/banks">"← All question banks"</a></p>
        <Transition fallback=|| view! { <Loading label="Loading the bank…" /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((bank, orgs, usage)) => {
                        let org: Option<BankOrg> = orgs.into_iter().find(|o| o.org_id == bank.org_id);
                        let may = May {
                            author: org.as_ref().is_some_and(|o| o.can_author),
                            review: org.as_ref().is_some_and(|o| o.can_review),
                        };
                        let usage: HashMap<String, QuestionUsage> =
                            usage.into_iter().map(|u| (u.question_id.clone(), u)).collect();
                        view! { <BankView bank may usage bank_act question_act duplicate edits /> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn BankView(
    bank: Bank,
    may: May,
    /// How each question did in the exams that used it.
    usage: HashMap<String, QuestionUsage>,
    bank_act: ServerAction<BankAction>,
    question_act: ServerAction<QuestionAction>,
    duplicate: ServerAction<DuplicateQuestion>,
    edits: BankEdits,
) -> impl IntoView {
    let errors = move || {
        bank_act
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| question_act.value().get().and_then(Result::err))
            .or_else(|| duplicate.value().get().and_then(Result::err))
    };
    let bank_id = bank.id.clone();
    let submit_bank = {
        let bank_id = bank_id.clone();
        move |_| {
            bank_act.dispatch(BankAction {
                bank_id: bank_id.clone(),
                action: AuthoringAction::Submit,
            });
        }
    };
    let can_submit = may.author && matches!(bank.status, AuthoringStatus::Draft | AuthoringStatus::Rejected);
    let questions = bank.questions.clone();
    let archived = bank.status == AuthoringStatus::Archived;
    let selected: Selection = RwSignal::new(Default::default());
    view! {
        <Title text=bank.name.clone() />
        <header class="bank-header">
            <h1>{bank.name.clone()}</h1>
            <StatusBadge status=bank.status />
        </header>
        {(!bank.description.is_empty()).then(|| view! { <p>{bank.description.clone()}</p> })}
        {(!bank.tags.is_empty()).then(|| view! { <p class="muted">"Tags: " {bank.tags.join(", ")}</p> })}
        <p class="muted">
            "Download the bank: "
            <a href=format!("/exports/banks/{}/moodle.xml", bank.id) download>"Moodle XML"</a>
            " · "
            <a href=format!("/exports/banks/{}/qti.zip", bank.id) download>"QTI 3.0 package"</a>
        </p>
        {bank.review_reason.clone().filter(|_| bank.status == AuthoringStatus::Rejected).map(|r| view! {
            <div class="notice notice-warning" role="note"><strong>"Rejected: "</strong>{r}</div>
        })}
        {can_submit.then(|| view! {
            <button class="btn btn-primary" on:click=submit_bank disabled=move || bank_act.pending().get()>
                "Submit the bank and its drafts for review"
            </button>
        })}
        <BankDecision bank_id=bank.id.clone() status=bank.status may bank_act />
        <div aria-live="assertive">{move || errors().map(|error| view! { <ErrorNotice error /> })}</div>

        <section aria-labelledby="questions-title">
            <h2 id="questions-title">{format!("Questions ({})", questions.len())}</h2>
            {(may.author && !archived).then(|| view! {
                <p><a class="btn btn-primary" href=format!("/banks/{}/questions/new", bank_id)>"Write a question"</a></p>
            })}
            {if questions.is_empty() {
                view! { <p class="empty">"This bank has no questions yet. Write one, or import them from a file below."</p> }.into_any()
            } else {
                view! {
                    <BulkActions bank_id=bank_id.clone() org_id=bank.org_id.clone() selected may_author=may.author && !archived
                        may_review=may.review act=edits.bulk move_to=edits.move_to />
                    <div class="table-wrap">
                        <table class="table" data-testid="questions">
                            <caption class="sr-only">"The latest version of each question, with its state"</caption>
                            <thead>
                                <tr>
                                    <th scope="col"><span class="sr-only">"Selected"</span></th>
                                    <th scope="col">"Question"</th>
                                    <th scope="col">"Type"</th>
                                    <th scope="col">"State"</th>
                                    <th scope="col">"Version"</th>
                                    <th scope="col">"Author"</th>
                                    <th scope="col">"In exams"</th>
                                    <th scope="col">"Actions"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {questions.into_iter().map(|q| {
                                    let used = usage.get(&q.question_id).cloned();
                                    view! { <QuestionRow q used bank_id=bank_id.clone() may question_act duplicate selected /> }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        {(may.author && !archived).then(|| view! { <BankDetailsForm bank=bank.clone() update=edits.details /> })}
        {(may.author && !archived).then(|| view! { <ImportPanel bank_id=bank_id.clone() commit=edits.commit /> })}
    }
}

#[component]
fn QuestionRow(
    q: QuestionVersion,
    used: Option<QuestionUsage>,
    bank_id: String,
    may: May,
    question_act: ServerAction<QuestionAction>,
    duplicate: ServerAction<DuplicateQuestion>,
    selected: Selection,
) -> impl IntoView {
    let key = (q.question_id.clone(), q.version_id.clone());
    let key_checked = key.clone();
    // Which confirmation the row shows: none, a reason to reject, or archiving.
    let asking = RwSignal::new(None::<&'static str>);
    let reason = RwSignal::new(String::new());
    let title = q.content.title.clone();
    let version_id = q.version_id.clone();
    let act = move |action: AuthoringAction| {
        question_act.dispatch(QuestionAction {
            version_id: version_id.clone(),
            action,
        });
        asking.set(None);
    };
    let status = q.status;
    let can_submit = may.author && matches!(status, AuthoringStatus::Draft | AuthoringStatus::Rejected);
    let can_decide = may.review && status == AuthoringStatus::InReview;
    let can_archive = may.author && status != AuthoringStatus::Archived;
    let (a1, a2, a3, a4) = (act.clone(), act.clone(), act.clone(), act);
    let reason_id = format!("reason-{}", q.version_id);
    let label = title.clone();
    view! {
        <tr data-testid="question-row" data-title=title.clone()>
            <td>
                <input type="checkbox" aria-label=format!("Select {}", title.clone())
                    prop:checked=move || selected.with(|s| s.contains(&key_checked))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        let key = key.clone();
                        selected.update(|s| { if on { s.insert(key); } else { s.remove(&key); } });
                    } />
            </td>
            <td>
                <a href=format!("/banks/{}/questions/{}", bank_id, q.question_id)><strong>{title.clone()}</strong></a>
                {q.review_reason.clone().filter(|_| status == AuthoringStatus::Rejected).map(|r| view! {
                    <div class="muted" data-testid="review-reason">"Rejected: " {r}</div>
                })}
            </td>
            <td>{q.content.body.label()}</td>
            <td><StatusBadge status /></td>
            <td>{format!("v{}", q.version_no)}<div class="muted">{datetime(q.updated_at)}</div></td>
            <td>{q.author_name.clone().unwrap_or_default()}</td>
            <td data-testid="question-usage">{match used {
                None => view! { <span class="muted">"Not used yet"</span> }.into_any(),
                Some(u) => view! {
                    {format!("{} attempt(s) in {} exam(s)", u.attempts, u.exams)}
                    <div class="muted">{format!(
                        "facility {} · discrimination {}",
                        u.facility.map(|v| format!("{v:.0}%")).unwrap_or_else(|| "—".into()),
                        u.discrimination.map(|v| format!("{v:.0}")).unwrap_or_else(|| "—".into()),
                    )}</div>
                }.into_any(),
            }}</td>
            <td class="actions">
                {can_submit.then(|| view! {
                    <button class="btn btn-small" on:click=move |_| a1(AuthoringAction::Submit)
                        aria-label=format!("Submit {label} for review")>"Submit"</button>
                })}
                {can_decide.then(|| {
                    let label = title.clone();
                    view! {
                        <button class="btn btn-small" on:click=move |_| a2(AuthoringAction::Approve)
                            aria-label=format!("Approve {label}")>"Approve"</button>
                        <button class="btn btn-small btn-danger" on:click=move |_| asking.set(Some("reject"))
                            aria-label=format!("Reject {}…", title.clone())>"Reject…"</button>
                    }
                })}
                {may.author.then(|| {
                    let question_id = q.question_id.clone();
                    let label = title.clone();
                    view! {
                        <button class="btn btn-small btn-quiet" aria-label=format!("Duplicate {label}")
                            on:click=move |_| { duplicate.dispatch(DuplicateQuestion { question_id: question_id.clone() }); }>
                            "Duplicate"
                        </button>
                    }
                })}
                {can_archive.then(|| view! {
                    <button class="btn btn-small btn-quiet" on:click=move |_| asking.set(Some("archive"))>"Archive…"</button>
                })}
                {move || match asking.get() {
                    Some("reject") => {
                        let a3 = a3.clone();
                        view! {
                            <form class="confirm" on:submit=move |ev| {
                                ev.prevent_default();
                                a3(AuthoringAction::Reject { reason: reason.get_untracked() });
                            }>
                                <label for=reason_id.clone()>"Why is it rejected? The author reads this."</label>
                                <textarea id=reason_id.clone() required maxlength="2000" rows="2"
                                    on:input=move |ev| reason.set(event_target_value(&ev)) prop:value=reason></textarea>
                                <button type="submit" class="btn btn-small btn-danger">"Reject"</button>
                                <button type="button" class="btn btn-small btn-quiet" on:click=move |_| asking.set(None)>"Cancel"</button>
                            </form>
                        }.into_any()
                    }
                    Some(_) => {
                        let a4 = a4.clone();
                        view! {
                            <div class="confirm" role="group" aria-label="Confirm archiving">
                                <p>"Archive this question? Exams keep the versions they use."</p>
                                <button class="btn btn-small btn-danger" on:click=move |_| a4(AuthoringAction::Archive)>"Archive"</button>
                                <button class="btn btn-small btn-quiet" on:click=move |_| asking.set(None)>"Cancel"</button>
                            </div>
                        }.into_any()
                    }
                    None => ().into_any(),
                }}
            </td>
        </tr>
    }
}

/// QA's decision on a bank in review (a rejection needs a reason), and archiving for authors,
/// each asked for first.
#[component]
fn BankDecision(
    bank_id: String,
    status: AuthoringStatus,
    may: May,
    bank_act: ServerAction<BankAction>,
) -> impl IntoView {
    let asking = RwSignal::new(None::<&'static str>);
    let reason = RwSignal::new(String::new());
    let act = move |action: AuthoringAction| {
        bank_act.dispatch(BankAction {
            bank_id: bank_id.clone(),
            action,
        });
        asking.set(None);
    };
    let can_decide = may.review && status == AuthoringStatus::InReview;
    let can_archive = may.author && status != AuthoringStatus::Archived;
    let (approve, reject, archive) = (act.clone(), act.clone(), act);
    view! {
        <div class="actions" role="group" aria-label="The bank's state">
            {can_decide.then(|| view! {
                <button class="btn btn-primary" disabled=move || bank_act.pending().get()
                    on:click=move |_| approve(AuthoringAction::Approve)>"Approve the bank"</button>
                <button class="btn btn-danger" on:click=move |_| asking.set(Some("reject"))>"Reject the bank…"</button>
            })}
            {can_archive.then(|| view! {
                <button class="btn btn-quiet" on:click=move |_| asking.set(Some("archive"))>"Archive the bank…"</button>
            })}
        </div>
        {move || match asking.get() {
            Some("reject") => {
                let reject = reject.clone();
                view! {
                    <form class="confirm" on:submit=move |ev| {
                        ev.prevent_default();
                        reject(AuthoringAction::Reject { reason: reason.get_untracked() });
                    }>
                        <label for="bank-reason">"Why is the bank rejected? Its authors read this."</label>
                        <textarea id="bank-reason" required maxlength="2000" rows="2"
                            on:input=move |ev| reason.set(event_target_value(&ev)) prop:value=reason></textarea>
                        <button type="submit" class="btn btn-danger">"Reject the bank"</button>
                        <button type="button" class="btn btn-quiet" on:click=move |_| asking.set(None)>"Cancel"</button>
                    </form>
                }.into_any()
            }
            Some(_) => {
                let archive = archive.clone();
                view! {
                    <div class="confirm" role="group" aria-label="Confirm archiving the bank">
                        <p>"Archive this bank? Its questions can no longer change; exams keep the versions they use."</p>
                        <button class="btn btn-danger" on:click=move |_| archive(AuthoringAction::Archive)>"Archive the bank"</button>
                        <button class="btn btn-quiet" on:click=move |_| asking.set(None)>"Cancel"</button>
                    </div>
                }.into_any()
            }
            None => ().into_any(),
        }}
    }
}
