//! One exam's roster for its enrollment manager: invite by email, see each person's status,
//! grant extra time, relax proctoring rules for one candidate.

use crate::api::enrollments::{
    get_roster, InviteCandidates, SetAccommodation, SetEnrollmentOverrides, SetRuleRelaxations,
};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::format::datetime;
use crate::model::{Roster, RosterEntry};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn RosterPage() -> impl IntoView {
    let params = use_params_map();
    let exam_id = move || params.read().get("exam_id").unwrap_or_default();
    let invite = ServerAction::<InviteCandidates>::new();
    let set_time = ServerAction::<SetAccommodation>::new();
    let set_rules = ServerAction::<SetRuleRelaxations>::new();
    let set_window = ServerAction::<SetEnrollmentOverrides>::new();
    // Confirms the last change the manager made, so a reload is never needed to trust it.
    let last_saved = RwSignal::new(None::<&'static str>);
    Effect::new(move || {
        if let Some(result) = set_time.value().get() {
            last_saved.set(result.is_ok().then_some("Extra time saved."));
        }
    });
    Effect::new(move || {
        if let Some(result) = set_rules.value().get() {
            last_saved.set(result.is_ok().then_some("Proctoring rules saved."));
        }
    });
    Effect::new(move || {
        if let Some(result) = set_window.value().get() {
            last_saved.set(result.is_ok().then_some("Window and attempts saved."));
        }
    });
    // Refetch after every successful change, so the table shows what the server holds.
    let data = Resource::new(
        move || {
            (
                exam_id(),
                invite.version().get(),
                set_time.version().get(),
                set_rules.version().get(),
                set_window.version().get(),
            )
        },
        |(id, _, _, _, _)| get_roster(id),
    );
    view! {
        <Title text="Roster" />
        <p><a href="/manage">"← All exams"</a></p>
        <Transition fallback=|| view! { <Loading label="Loading the roster…" /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(r) => view! { <RosterView roster=r invite set_time set_rules set_window last_saved /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RosterView(
    roster: Roster,
    invite: ServerAction<InviteCandidates>,
    set_time: ServerAction<SetAccommodation>,
    set_rules: ServerAction<SetRuleRelaxations>,
    set_window: ServerAction<SetEnrollmentOverrides>,
    /// What the manager's last change saved, if it succeeded.
    last_saved: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let reports = invite.value();
    let set_error = move || {
        set_time
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| set_rules.value().get().and_then(Result::err))
            .or_else(|| set_window.value().get().and_then(Result::err))
    };
    let time_zone = roster.time_zone.clone();
    let entries = roster.entries.clone();
    let camera = roster.camera;
    let exam_id = roster.exam_id.clone();
    view! {
        <Title text=format!("Roster: {}", roster.exam_title) />
        <h1>{roster.exam_title.clone()}</h1>
        <p class="muted">
            {format!(
                "{} · {} – {} · {} minutes · {} attempt(s)",
                roster.organization,
                datetime(roster.opens_at),
                datetime(roster.closes_at),
                roster.duration_minutes,
                roster.max_attempts
            )}
        </p>

        <section class="card" aria-labelledby="invite-title">
            <h2 id="invite-title">"Invite candidates"</h2>
            <ActionForm action=invite attr:class="form">
                <input type="hidden" name="exam_id" value=roster.exam_id.clone() />
                <label for="invite-emails">"Email addresses"</label>
                <textarea id="invite-emails" name="emails" rows="4" required
                    aria-describedby="invite-emails-hint"
                    placeholder="ada@example.org, grace@example.org"></textarea>
                <p id="invite-emails-hint" class="hint">
                    "One or more addresses, separated by commas or new lines. Each person gets a single-use link that expires after 7 days (or when the exam closes). People without an account create one when they accept."
                </p>
                <fieldset class="inline-fields">
                    <legend>"Extra time for these candidates (optional)"</legend>
                    <label for="invite-percent">"Percent of the duration"</label>
                    <input id="invite-percent" name="extra_percent" type="number" min="0" max="400" step="1" inputmode="numeric" />
                    <label for="invite-minutes">"Minutes"</label>
                    <input id="invite-minutes" name="extra_minutes" type="number" min="0" max="1440" step="1" inputmode="numeric" />
                </fieldset>
                <button type="submit" class="btn btn-primary" disabled=move || invite.pending().get()>
                    {move || if invite.pending().get() { "Sending invitations…" } else { "Send invitations" }}
                </button>
            </ActionForm>
            <div aria-live="polite" data-testid="invite-result">
                {move || reports.get().map(|r| match r {
                    Ok(list) => view! {
                        <div class="notice notice-success" role="status">
                            <p><strong>{format!("{} invitation(s) sent.", list.iter().filter(|r| r.invited).count())}</strong></p>
                            <ul>
                                {list.into_iter().map(|r| view! { <li>{format!("{}: {}", r.email, r.outcome)}</li> }).collect_view()}
                            </ul>
                        </div>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })}
            </div>
        </section>

        <section aria-labelledby="roster-title">
            <h2 id="roster-title">{format!("Candidates ({})", entries.len())}</h2>
            <div aria-live="assertive">{move || set_error().map(|error| view! { <ErrorNotice error /> })}</div>
            <div aria-live="polite" data-testid="roster-saved">{move || last_saved.get().map(|what| view! {
                <p class="notice notice-success" role="status">{what}</p>
            })}</div>
            {if entries.is_empty() {
                view! { <p class="empty">"Nobody is enrolled or invited yet. Invite candidates above."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table" data-testid="roster">
                            <caption class="sr-only">"Candidates and their enrollment status"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Candidate"</th>
                                    <th scope="col">"Status"</th>
                                    <th scope="col">"Attempts"</th>
                                    <th scope="col">"Extra time"</th>
                                    <th scope="col">"Proctoring rules"</th>
                                    <th scope="col">{format!("Own window and attempts ({time_zone})")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {entries.into_iter().map(|entry| view! { <RosterRow entry exam_id=exam_id.clone() camera invite set_time set_rules set_window /> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn RosterRow(
    entry: RosterEntry,
    exam_id: String,
    /// The exam uses the camera: its rules can be turned off for this candidate.
    camera: bool,
    invite: ServerAction<InviteCandidates>,
    set_time: ServerAction<SetAccommodation>,
    set_rules: ServerAction<SetRuleRelaxations>,
    set_window: ServerAction<SetEnrollmentOverrides>,
) -> impl IntoView {
    let who = entry
        .display_name
        .clone()
        .unwrap_or_else(|| "(no account yet)".into());
    let status = match entry.invitation_expires_at {
        Some(at) => format!("{} · link valid until {}", entry.status, datetime(at)),
        None => entry.status.clone(),
    };
    let label = entry.display_name.clone().unwrap_or_else(|| entry.email.clone());
    let rules_label = label.clone();
    let window_label = label.clone();
    // A pending or expired invitation can be sent again: a new link replaces the old one.
    let resend = entry.invitation_expires_at.is_some().then(|| {
        let email = entry.email.clone();
        view! {
            <ActionForm action=invite attr:class="inline-form">
                <input type="hidden" name="exam_id" value=exam_id.clone() />
                <input type="hidden" name="emails" value=email.clone() />
                <input type="hidden" name="extra_percent" value=entry.extra_percent.to_string() />
                <input type="hidden" name="extra_minutes" value=entry.extra_minutes.to_string() />
                <button type="submit" class="btn btn-small" aria-label=format!("Send the invitation to {email} again")>
                    "Send again"
                </button>
            </ActionForm>
        }
    });
    view! {
        <tr data-testid="roster-row" data-email=entry.email.clone()>
            <td>
                <strong>{who}</strong>
                <div class="muted">{entry.email.clone()}</div>
            </td>
            <td>
                <span data-testid="roster-status">{status}</span>
                {resend}
            </td>
            <td>{entry.attempts_used}</td>
            <td>
                {match entry.enrollment_id.clone() {
                    Some(id) => view! {
                        <ActionForm action=set_time attr:class="inline-form accommodation-form">
                            <input type="hidden" name="enrollment_id" value=id />
                            <label>
                                <span class="sr-only">{format!("Extra time in percent for {label}")}</span>
                                <input name="extra_percent" type="number" min="0" max="400" step="1"
                                    value=entry.extra_percent.to_string() inputmode="numeric" />
                                " %"
                            </label>
                            <label>
                                <span class="sr-only">{format!("Extra minutes for {label}")}</span>
                                <input name="extra_minutes" type="number" min="0" max="1440" step="1"
                                    value=entry.extra_minutes.to_string() inputmode="numeric" />
                                " min"
                            </label>
                            <button type="submit" class="btn btn-small" aria-label=format!("Save extra time for {label}")>"Save"</button>
                        </ActionForm>
                    }.into_any(),
                    None => view! {
                        <span>{
                            shared::schedule::Accommodation { extra_percent: entry.extra_percent, extra_minutes: entry.extra_minutes }
                                .describe()
                                .unwrap_or_else(|| "None".into())
                        }</span>
                    }.into_any(),
                }}
            </td>
            <td>
                {entry.enrollment_id.clone().map(|id| {
                    let rules = entry.relaxations;
                    view! {
                        <ActionForm action=set_rules attr:class="inline-form accommodation-form">
                            <input type="hidden" name="enrollment_id" value=id />
                            <label>
                                <span class="sr-only">{format!("Breaks allowed, in minutes, for {rules_label}")}</span>
                                <input name="break_minutes" type="number" min="0" max="240" step="1" inputmode="numeric"
                                    value=rules.break_minutes.to_string() data-testid="break-minutes" />
                                " min breaks"
                            </label>
                            <label class="check-inline">
                                <input name="focus_rule_off" type="checkbox" checked=rules.focus_rule_off data-testid="focus-rule-off" />
                                " assistive technology"
                                <span class="sr-only">{format!(" (focus-loss rule off) for {rules_label}")}</span>
                            </label>
                            {camera.then(|| view! {
                                <label class="check-inline">
                                    <input name="camera_rules_off" type="checkbox" checked=rules.camera_rules_off data-testid="camera-rules-off" />
                                    " camera rules off"
                                    <span class="sr-only">{format!(" for {rules_label}")}</span>
                                </label>
                            })}
                            <button type="submit" class="btn btn-small" aria-label=format!("Save proctoring rules for {rules_label}")>"Save"</button>
                        </ActionForm>
                    }
                })}
            </td>
            <td>
                {entry.enrollment_id.clone().map(|id| {
                    let summary = match (entry.opens_local.is_empty() && entry.closes_local.is_empty(), entry.extra_attempts) {
                        (true, 0) => "The exam's".to_string(),
                        (true, n) => format!("+{n} attempt(s)"),
                        (false, 0) => "Own window".to_string(),
                        (false, n) => format!("Own window, +{n} attempt(s)"),
                    };
                    view! {
                        <details class="override">
                            <summary data-testid="override-summary">{summary}</summary>
                            <ActionForm action=set_window attr:class="form compact">
                                <input type="hidden" name="enrollment_id" value=id />
                                <label>
                                    {format!("Opens for {window_label}")}
                                    <input name="opens_local" type="datetime-local" value=entry.opens_local.clone() />
                                </label>
                                <label>
                                    {format!("Closes for {window_label}")}
                                    <input name="closes_local" type="datetime-local" value=entry.closes_local.clone() />
                                </label>
                                <label>
                                    "Extra attempts"
                                    <input name="extra_attempts" type="number" min="0" max="20" step="1" inputmode="numeric"
                                        value=entry.extra_attempts.to_string() />
                                </label>
                                <p class="hint">"Leave the times empty for the exam's window."</p>
                                <button type="submit" class="btn btn-small" aria-label=format!("Save window and attempts for {window_label}")>"Save"</button>
                            </ActionForm>
                        </details>
                    }
                })}
            </td>
        </tr>
    }
}
