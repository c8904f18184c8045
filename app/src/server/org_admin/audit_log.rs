//! The organisation's audit log as its admin reads it: newest first, filtered by action, by
//! who acted and by day (in the organisation's time zone), a page at a time.

use super::super::db::{self, audit};
use super::super::exams::zone;
use super::super::AppState;
use super::{admin, contains_pattern};
use crate::error::AppError;
use crate::model::admin::{AuditEntry, AuditPage, AuditQuery};

pub const PAGE: i64 = 50;

pub async fn page(state: &AppState, org_id: &str, q: &AuditQuery) -> Result<AuditPage, AppError> {
    admin(state, org_id).await?;
    let action = q.action.trim();
    if !action.is_empty() && !audit::ORG_ACTIONS.contains(&action) {
        return Err(AppError::Invalid("Choose an action from the list.".into()));
    }
    if q.actor.chars().count() > 200 {
        return Err(AppError::Invalid("Search for at most 200 characters.".into()));
    }
    let zone_name = db::exams::org_time_zone(&state.pool, org_id).await?;
    let bound = |day: &str| -> Result<Option<(i64, i64)>, AppError> {
        if day.trim().is_empty() {
            Ok(None)
        } else {
            zone::day_bounds(day, &zone_name)
                .map(Some)
                .map_err(AppError::Invalid)
        }
    };
    let from = bound(&q.from_day)?.map(|(start, _)| start).unwrap_or(i64::MIN);
    let to = bound(&q.to_day)?.map(|(_, end)| end).unwrap_or(i64::MAX);
    if from >= to {
        return Err(AppError::Invalid(
            "The first day comes after the last one.".into(),
        ));
    }
    // Strictly before the end of the range, or before where the last page ended.
    let (before_at, before_id) = match &q.before {
        Some((at, id)) if *at < to => (*at, id.clone()),
        _ => (to, String::new()),
    };
    let pattern = if q.actor.trim().is_empty() {
        String::new()
    } else {
        contains_pattern(&q.actor)
    };
    let filter = audit::OrgFilter {
        action,
        actor_pattern: &pattern,
        from,
        // The range's end itself is excluded: with no id, `a.id < ''` never holds.
        before_at,
        before_id: &before_id,
    };
    let mut rows = audit::list_for_org(&state.pool, org_id, &filter, PAGE + 1).await?;
    let more = rows.len() as i64 > PAGE;
    rows.truncate(PAGE as usize);
    Ok(AuditPage {
        entries: rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: r.at,
                action: r.action,
                actor: r.actor,
                subject: r.subject,
                address: r.ip,
                detail: r.detail,
            })
            .collect(),
        more,
    })
}
