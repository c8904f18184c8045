//! The organisation's own settings: its name, time zone, default proctoring sensitivity, how
//! long telemetry is kept, and whether staff must use a second factor.

use super::super::db::{self, audit};
use super::super::exams::zone;
use super::super::{auth, now_ms, AppState};
use super::admin;
use crate::error::AppError;
use crate::model::admin::{OrgSettings, RETENTION_DAYS};

pub async fn get(state: &AppState, org_id: &str) -> Result<OrgSettings, AppError> {
    admin(state, org_id).await?;
    let org = db::orgs::find(&state.pool, org_id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such organisation.".into()))?;
    Ok(OrgSettings {
        name: org.name,
        time_zone: org.time_zone,
        default_sensitivity: org
            .default_sensitivity
            .parse()
            .unwrap_or(shared::Sensitivity::Medium),
        telemetry_retention_days: org.telemetry_retention_days,
        staff_second_factor: org.staff_second_factor != 0,
    })
}

/// Checks every field and names each problem; nothing is saved unless all are right.
fn checked(input: &OrgSettings) -> Result<OrgSettings, AppError> {
    let mut problems = Vec::new();
    let name = shared::validation::normalize_label(&input.name, "the organisation's name")
        .map_err(|e| problems.push(e))
        .unwrap_or_default();
    let time_zone = input.time_zone.trim().to_string();
    if !zone::known(&time_zone) {
        problems.push(format!(
            "\"{}\" is not a time zone Vigil knows: use an IANA name such as Europe/Berlin or America/New_York.",
            time_zone.chars().take(60).collect::<String>()
        ));
    }
    if !RETENTION_DAYS.contains(&input.telemetry_retention_days) {
        problems.push(format!(
            "Keep telemetry between {} and {} days.",
            RETENTION_DAYS.start(),
            RETENTION_DAYS.end()
        ));
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems.join(" ")));
    }
    Ok(OrgSettings {
        name,
        time_zone,
        ..input.clone()
    })
}

pub async fn save(state: &AppState, org_id: &str, input: &OrgSettings) -> Result<OrgSettings, AppError> {
    let caller = admin(state, org_id).await?;
    let next = checked(input)?;
    let mut tx = db::begin_write(&state.pool).await?;
    let before = db::orgs::find(&mut *tx, org_id)
        .await?
        .ok_or(AppError::Internal)?;
    // Requiring it without having it would lock the admin out of this very page.
    if next.staff_second_factor
        && before.staff_second_factor == 0
        && !super::super::second_factor::enabled(&state.pool, &caller.user.id).await?
    {
        return Err(AppError::Invalid(
            "Turn on two-step sign-in for your own account first (Your account), then require it of staff."
                .into(),
        ));
    }
    db::orgs::update_settings(
        &mut *tx,
        org_id,
        db::orgs::OrgSettingsUpdate {
            name: &next.name,
            time_zone: &next.time_zone,
            default_sensitivity: next.default_sensitivity.as_str(),
            telemetry_retention_days: next.telemetry_retention_days,
            staff_second_factor: next.staff_second_factor,
        },
    )
    .await?;
    let detail = changes(&before, &next);
    let ip = auth::request_ip();
    let entry = audit::Entry::in_org(
        audit::ORG_SETTINGS_CHANGED,
        &caller.user.id,
        org_id,
        None,
        Some(&detail),
    );
    audit::record(&mut *tx, entry.from_ip(ip.as_deref()), now_ms()).await?;
    tx.commit().await?;
    Ok(next)
}

/// "time zone UTC → Europe/Berlin; retention 90 → 30 days", for the audit log.
fn changes(before: &db::orgs::OrgRow, after: &OrgSettings) -> String {
    let mut parts = Vec::new();
    if before.name != after.name {
        parts.push(format!("name {} → {}", before.name, after.name));
    }
    if before.time_zone != after.time_zone {
        parts.push(format!("time zone {} → {}", before.time_zone, after.time_zone));
    }
    if before.default_sensitivity != after.default_sensitivity.as_str() {
        parts.push(format!(
            "default sensitivity {} → {}",
            before.default_sensitivity,
            after.default_sensitivity.as_str()
        ));
    }
    if before.telemetry_retention_days != after.telemetry_retention_days {
        parts.push(format!(
            "retention {} → {} days",
            before.telemetry_retention_days, after.telemetry_retention_days
        ));
    }
    if (before.staff_second_factor != 0) != after.staff_second_factor {
        parts.push(format!(
            "staff second factor {}",
            if after.staff_second_factor {
                "required"
            } else {
                "optional"
            }
        ));
    }
    if parts.is_empty() {
        "no change".to_string()
    } else {
        parts.join("; ")
    }
}
