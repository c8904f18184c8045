//! The enrollment manager's server functions: their exams, an exam's roster, invitations and
//! accommodations. The candidate's side of an invitation is in `api::invitations`.

use crate::error::AppError;
use crate::model::{InviteReport, ManagedExam, Roster};
use leptos::prelude::*;

/// Exams in the organisations where the caller manages enrollments, soonest first.
#[server(prefix = "/api", endpoint = "managed_exams")]
pub async fn managed_exams() -> Result<Vec<ManagedExam>, AppError> {
    use crate::server::{auth, db, respond, state};
    respond(
        async {
            let state = state()?;
            let user = auth::current_user(&state).await?;
            let orgs =
                db::orgs::orgs_with_role(&state.pool, &user.id, shared::roles::ENROLLMENT_MANAGERS).await?;
            let mut out = Vec::new();
            for org_id in orgs {
                let organization = db::orgs::name(&state.pool, &org_id).await?;
                for e in db::exams::managed_in_org(&state.pool, &org_id).await? {
                    out.push(ManagedExam {
                        enrolled: e.enrolled,
                        pending_invitations: e.pending_invitations,
                        exam_id: e.id,
                        title: e.title,
                        organization: organization.clone(),
                        status: e.status,
                        opens_at: e.opens_at,
                        closes_at: e.closes_at,
                    });
                }
            }
            out.sort_by(|a, b| a.opens_at.cmp(&b.opens_at).then(a.title.cmp(&b.title)));
            Ok(out)
        }
        .await,
    )
}

/// Everyone enrolled in or invited to an exam.
#[server(prefix = "/api", endpoint = "roster")]
pub async fn get_roster(exam_id: String) -> Result<Roster, AppError> {
    use crate::model::RosterEntry;
    use crate::server::{db, exams::zone, guard, now_ms, respond, state};
    respond(
        async {
            let state = state()?;
            let exam = db::exams::find(&state.pool, &exam_id)
                .await?
                .ok_or_else(|| AppError::NotFound("There is no such exam.".into()))?;
            guard::require_role(&state, &exam.org_id, shared::roles::ENROLLMENT_MANAGERS).await?;
            let now = now_ms();
            let time_zone = db::exams::org_time_zone(&state.pool, &exam.org_id).await?;
            let enrolled = db::enrollments::roster(&state.pool, &exam.id).await?;
            let mut entries: Vec<RosterEntry> = Vec::new();
            for i in db::invitations::pending_for_exam(&state.pool, &exam.id).await? {
                // An invited person with an account also has an INVITED enrollment: one line.
                if enrolled.iter().any(|r| r.email == i.email) || entries.iter().any(|e| e.email == i.email) {
                    continue;
                }
                entries.push(RosterEntry {
                    enrollment_id: None,
                    email: i.email,
                    display_name: None,
                    status: if now >= i.expires_at {
                        "Invitation expired"
                    } else {
                        "Invited"
                    }
                    .into(),
                    extra_percent: i.extra_time_percent,
                    extra_minutes: i.extra_time_minutes,
                    attempts_used: 0,
                    invitation_expires_at: Some(i.expires_at),
                    relaxations: Default::default(),
                    opens_local: String::new(),
                    closes_local: String::new(),
                    extra_attempts: 0,
                });
            }
            for r in enrolled {
                entries.push(RosterEntry {
                    status: db::enrollments::parse_status(&r.status).label().into(),
                    enrollment_id: Some(r.enrollment_id),
                    email: r.email,
                    display_name: Some(r.display_name),
                    extra_percent: r.extra_time_percent,
                    extra_minutes: r.extra_time_minutes,
                    attempts_used: r.attempts_used,
                    invitation_expires_at: None,
                    relaxations: serde_json::from_str(&r.relaxations_json).unwrap_or_default(),
                    opens_local: r
                        .opens_at_override
                        .map(|t| zone::to_local(t, &time_zone))
                        .unwrap_or_default(),
                    closes_local: r
                        .closes_at_override
                        .map(|t| zone::to_local(t, &time_zone))
                        .unwrap_or_default(),
                    extra_attempts: r.extra_attempts,
                });
            }
            Ok(Roster {
                organization: db::orgs::name(&state.pool, &exam.org_id).await?,
                exam_id: exam.id,
                exam_title: exam.title,
                opens_at: exam.opens_at,
                closes_at: exam.closes_at,
                duration_minutes: exam.duration_minutes,
                max_attempts: exam.max_attempts,
                time_zone,
                camera: exam
                    .camera_policy
                    .parse::<shared::exam_plan::CameraPolicy>()
                    .is_ok_and(|p| p.is_on()),
                entries,
            })
        }
        .await,
    )
}

/// Invites the addresses in `emails` (separated by commas, semicolons, spaces or lines), each
/// with the same extra time. Refuses the whole request if any address is not valid.
#[server(prefix = "/api", endpoint = "invite")]
pub async fn invite_candidates(
    exam_id: String,
    emails: String,
    extra_percent: Option<String>,
    extra_minutes: Option<String>,
) -> Result<Vec<InviteReport>, AppError> {
    use crate::server::{db, guard, invitations, respond, state};
    respond(
        async {
            let state = state()?;
            let exam = db::exams::find(&state.pool, &exam_id)
                .await?
                .ok_or_else(|| AppError::NotFound("There is no such exam.".into()))?;
            let caller =
                guard::require_role(&state, &exam.org_id, shared::roles::ENROLLMENT_MANAGERS).await?;
            let accommodation = accommodation_from(extra_percent.as_deref(), extra_minutes.as_deref())?;
            let emails = invitations::parse_emails(&emails)?;
            invitations::invite(&state, &caller, &exam, &emails, accommodation).await
        }
        .await,
    )
}

/// Sets one enrollment's extra time. Applies to attempts started afterwards.
#[server(prefix = "/api", endpoint = "set_accommodation")]
pub async fn set_accommodation(
    enrollment_id: String,
    extra_percent: Option<String>,
    extra_minutes: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{accommodations, respond, state};
    respond(
        async {
            let state = state()?;
            let (caller, enrollment, exam) =
                accommodations::managed_enrollment(&state, &enrollment_id).await?;
            let accommodation = accommodation_from(extra_percent.as_deref(), extra_minutes.as_deref())?;
            accommodations::set_extra_time(&state, &caller, &enrollment, &exam, accommodation).await
        }
        .await,
    )
}

/// Relaxes proctoring rules for one candidate: breaks of up to `break_minutes` away are not
/// flagged; `focus_rule_off` (a ticked box sends "on") turns the focus-loss rule off, and
/// `camera_rules_off` the camera rules.
#[server(prefix = "/api", endpoint = "set_rule_relaxations")]
pub async fn set_rule_relaxations(
    enrollment_id: String,
    break_minutes: Option<String>,
    focus_rule_off: Option<String>,
    camera_rules_off: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{accommodations, respond, state};
    respond(
        async {
            let state = state()?;
            let (caller, enrollment, exam) =
                accommodations::managed_enrollment(&state, &enrollment_id).await?;
            let ticked = |v: Option<String>| matches!(v.as_deref(), Some("on" | "true"));
            let relaxations = accommodations::relaxations_from(
                break_minutes.as_deref(),
                ticked(focus_rule_off),
                ticked(camera_rules_off),
            )?;
            accommodations::set_relaxations(&state, &caller, &enrollment, &exam, relaxations).await
        }
        .await,
    )
}

/// Reads the two extra-time fields of a form: empty means none.
#[cfg(feature = "ssr")]
fn accommodation_from(
    percent: Option<&str>,
    minutes: Option<&str>,
) -> Result<shared::schedule::Accommodation, AppError> {
    fn number(raw: Option<&str>, what: &str) -> Result<i64, AppError> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(0),
            Some(s) => s
                .parse()
                .map_err(|_| AppError::Invalid(format!("Extra time in {what} must be a whole number."))),
        }
    }
    shared::schedule::Accommodation::new(number(percent, "percent")?, number(minutes, "minutes")?)
        .map_err(AppError::Invalid)
}

/// Gives one candidate their own window (`opens_local`/`closes_local` in the organisation's
/// time zone, empty for the exam's) and `extra_attempts` beyond the exam's.
#[server(prefix = "/api", endpoint = "set_enrollment_overrides")]
pub async fn set_enrollment_overrides(
    enrollment_id: String,
    opens_local: Option<String>,
    closes_local: Option<String>,
    extra_attempts: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{accommodations, respond, state};
    respond(
        async {
            super::check_id(&enrollment_id)?;
            let state = state()?;
            let (caller, enrollment, exam) =
                accommodations::managed_enrollment(&state, &enrollment_id).await?;
            let extra = match extra_attempts.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => 0,
                Some(n) => n.parse::<i64>().map_err(|_| {
                    AppError::Invalid("Extra attempts must be a whole number from 0 to 20.".into())
                })?,
            };
            accommodations::set_overrides(
                &state,
                &caller,
                &enrollment,
                &exam,
                opens_local.as_deref().unwrap_or_default(),
                closes_local.as_deref().unwrap_or_default(),
                extra,
            )
            .await
        }
        .await,
    )
}
