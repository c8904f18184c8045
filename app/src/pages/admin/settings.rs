//! The settings tab: the organisation's name, time zone, default proctoring sensitivity,
//! telemetry retention and whether staff must use a second factor.

use crate::api::org_admin::{get_org_settings, SaveOrgSettings};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::model::admin::{OrgSettings, RETENTION_DAYS};
use leptos::prelude::*;
use shared::Sensitivity;

#[component]
pub fn Settings(org_id: String) -> impl IntoView {
    let org = StoredValue::new(org_id);
    let current = Resource::new(move || org.get_value(), get_org_settings);
    view! {
        <section aria-labelledby="settings-title">
            <h2 id="settings-title">"Settings"</h2>
            <Suspense fallback=|| view! { <Loading label="Loading settings…" /> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Ok(s) => view! { <SettingsForm org_id=org.get_value() initial=s /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SettingsForm(org_id: String, initial: OrgSettings) -> impl IntoView {
    let save = ServerAction::<SaveOrgSettings>::new();
    let name = RwSignal::new(initial.name.clone());
    let zone = RwSignal::new(initial.time_zone.clone());
    let sensitivity = RwSignal::new(initial.default_sensitivity);
    let retention = RwSignal::new(initial.telemetry_retention_days.to_string());
    let second_factor = RwSignal::new(initial.staff_second_factor);
    let org = StoredValue::new(org_id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveOrgSettings {
            org_id: org.get_value(),
            settings: OrgSettings {
                name: name.get_untracked(),
                time_zone: zone.get_untracked(),
                default_sensitivity: sensitivity.get_untracked(),
                // An unreadable number is sent as 0, which the server refuses with the range.
                telemetry_retention_days: retention.get_untracked().trim().parse().unwrap_or(0),
                staff_second_factor: second_factor.get_untracked(),
            },
        });
    };
    view! {
        <form class="form card" on:submit=submit data-testid="org-settings">
            <label for="org-name">"Name"</label>
            <input id="org-name" required maxlength="100" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            <label for="org-zone">"Time zone"</label>
            <input id="org-zone" required maxlength="60" aria-describedby="org-zone-hint" prop:value=zone
                on:input=move |ev| zone.set(event_target_value(&ev)) />
            <p id="org-zone-hint" class="hint">"An IANA name such as Europe/Berlin: exam windows are entered and shown in it."</p>
            <label for="org-sensitivity">"Default proctoring sensitivity for new exams"</label>
            <select id="org-sensitivity" on:change=move |ev| {
                if let Ok(s) = event_target_value(&ev).parse() { sensitivity.set(s) }
            }>
                {Sensitivity::ALL.iter().map(|&s| view! {
                    <option value=s.as_str() selected=move || sensitivity.get() == s>{sensitivity_label(s)}</option>
                }).collect_view()}
            </select>
            <label for="org-retention">"Keep telemetry for (days)"</label>
            <input id="org-retention" type="number" required min=*RETENTION_DAYS.start() max=*RETENTION_DAYS.end()
                aria-describedby="org-retention-hint" prop:value=retention on:input=move |ev| retention.set(event_target_value(&ev)) />
            <p id="org-retention-hint" class="hint">"After this, a session's raw events and evidence are deleted; scores and review outcomes stay."</p>
            <label for="org-2fa" class="check">
                <input id="org-2fa" type="checkbox" prop:checked=second_factor
                    on:change=move |ev| second_factor.set(event_target_checked(&ev)) />
                "Staff must use a second factor to sign in"
            </label>
            <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                {move || if save.pending().get() { "Saving…" } else { "Save settings" }}
            </button>
            <div aria-live="polite">
                {move || save.value().get().map(|r| match r {
                    Ok(_) => view! { <p class="notice notice-ok" role="status">"Settings saved."</p> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })}
            </div>
        </form>
    }
}

fn sensitivity_label(s: Sensitivity) -> &'static str {
    match s {
        Sensitivity::Low => "Low: flag only clear patterns",
        Sensitivity::Medium => "Medium (recommended)",
        Sensitivity::High => "High: flag early, review more",
    }
}
