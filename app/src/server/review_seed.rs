//! `vigil seed-review [sessions] [events per session]`: a review queue at scale, for the queue
//! benchmark (`bench/review.sh`). One organisation ("Review Scale") with 10 proctored exams,
//! 10,000 candidates enrolled in each as needed, `sessions` submitted attempts (default
//! 100,000) with `events` telemetry events each (default 100, so 10 million), a third of them
//! flagged, and review outcomes spread over every state. Deterministic: attempt `i` always gets
//! the same events, flags and state, so figures compare across runs and backends.

use super::db::{self, events::NewEvent, exams::NewExam, flags::FlagInsert};
use super::demo::{seed_org, DEMO_PASSWORD};
use super::{auth::hash_password, new_id, now_ms};
use crate::error::AppError;
use shared::rules::NewFlag;
use shared::telemetry::{Envelope, EventKind, ENVELOPE_VERSION};
use shared::{FlagType, Role, Severity};
use sqlx::AnyPool;

pub const REVIEW_SCALE_SLUG: &str = "review-scale";
pub const REVIEW_SCALE_REVIEWER: &str = "reviewer@review-scale.vigil.test";
/// Reviewers whose claims the seeded IN_REVIEW sessions are spread over (the first is
/// [`REVIEW_SCALE_REVIEWER`]).
const REVIEWERS: usize = 20;
const EXAMS: usize = 10;
/// Events stored per transaction.
const EVENTS_PER_TX: usize = 50_000;

/// What was seeded, for the benchmark to look up.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub org_id: String,
    pub sessions: usize,
    pub events: usize,
}

/// The review state of attempt `i`: most wait for review, the rest spread over every state.
fn state_of(i: usize) -> &'static str {
    match i % 100 {
        0..=59 => "NOT_REVIEWED",
        60..=69 => "IN_REVIEW",
        70..=89 => "CLEAN",
        90..=94 => "MINOR_VIOLATION",
        95..=97 => "SUSPICIOUS",
        98 => "VERIFIED",
        _ => "REJECTED",
    }
}

/// Attempt `i`'s events: a heartbeat every few seconds, and for flagged attempts (every third)
/// a page hidden for 8 s and a long paste. Returns them and whether the attempt is flagged.
fn events_of(session_id: &str, i: usize, start: i64, n: usize) -> (Vec<Envelope>, bool) {
    let flagged = i.is_multiple_of(3);
    let step = (30 * 60_000 / n.max(1)) as i64;
    let events = (1..=n)
        .map(|k| {
            let kind = match k {
                10 if flagged => EventKind::VisibilityHidden,
                11 if flagged => EventKind::VisibilityVisible,
                20 if flagged => EventKind::Paste {
                    length: 120 + (i % 300) as u32,
                    hash: format!("{:016x}", i),
                },
                30 => EventKind::WindowBlur,
                31 => EventKind::WindowFocus,
                _ => EventKind::Heartbeat,
            };
            Envelope {
                v: ENVELOPE_VERSION,
                session_id: session_id.to_string(),
                seq: k as i64,
                client_ms: start + k as i64 * step,
                kind,
            }
        })
        .collect();
    (events, flagged && n >= 20)
}

/// Seeds the review queue at scale; refuses if it was seeded before.
pub async fn seed_review(
    pool: &AnyPool,
    sessions: usize,
    events_per_session: usize,
) -> Result<Seeded, AppError> {
    if db::orgs::org_id_by_slug(pool, REVIEW_SCALE_SLUG).await?.is_some() {
        return Err(AppError::Conflict(
            "The review-scale data is already seeded in this database; use a fresh one.".into(),
        ));
    }
    let reviewers: &[(&str, &str, &[Role])] =
        &[(REVIEW_SCALE_REVIEWER, "Scale Reviewer", &[Role::ProctorReviewer])];
    let org = seed_org(pool, "Review Scale", REVIEW_SCALE_SLUG, reviewers, "Scale exam 1").await?;
    let reviewer_id = db::users::find_by_email(pool, REVIEW_SCALE_REVIEWER)
        .await?
        .ok_or(AppError::Internal)?
        .id;
    let first = db::exams::find(pool, &org.exam_id)
        .await?
        .ok_or(AppError::Internal)?;
    let now = now_ms();
    let per_exam = sessions.div_ceil(EXAMS).max(1);
    let password_hash = hash_password(DEMO_PASSWORD)?;

    let mut tx = db::begin_write(pool).await?;
    let mut exam_ids = vec![first.id.clone()];
    for e in 1..EXAMS {
        let id = new_id();
        let title = format!("Scale exam {}", e + 1);
        let exam = NewExam {
            id: &id,
            org_id: &org.org_id,
            bank_id: &first.bank_id,
            title: &title,
            description: "",
            status: "ACTIVE",
            opens_at: first.opens_at,
            closes_at: first.closes_at,
            duration_minutes: 30,
            proctoring_enabled: true,
            sensitivity: "MEDIUM",
            show_results: "SCORE",
            randomize: false,
            max_attempts: 1,
            camera: shared::exam_plan::CameraPolicy::Off,
        };
        db::exams::insert(&mut *tx, exam, now).await?;
        exam_ids.push(id);
    }
    let mut reviewer_ids = vec![reviewer_id];
    for k in 1..REVIEWERS {
        let id = new_id();
        let email = format!("reviewer-{k}@review-scale.vigil.test");
        db::users::insert(
            &mut *tx,
            &id,
            &email,
            &format!("Scale Reviewer {k}"),
            &password_hash,
            now,
        )
        .await?;
        db::orgs::add_member(&mut *tx, &org.org_id, &id, None, now).await?;
        db::orgs::grant_role(&mut *tx, &id, &org.org_id, Role::ProctorReviewer, now).await?;
        reviewer_ids.push(id);
    }
    let mut users = Vec::with_capacity(per_exam);
    for u in 0..per_exam {
        let id = new_id();
        let email = format!("scale-{u}@review-scale.vigil.test");
        db::users::insert(
            &mut *tx,
            &id,
            &email,
            &format!("Scale Candidate {u}"),
            &password_hash,
            now,
        )
        .await?;
        db::orgs::add_member(&mut *tx, &org.org_id, &id, None, now).await?;
        db::orgs::grant_role(&mut *tx, &id, &org.org_id, Role::Candidate, now).await?;
        users.push(id);
    }
    tx.commit().await?;

    let base = now - 30 * 24 * 3_600_000;
    // Events waiting to be stored, each with the id a flag's evidence may name.
    let mut pending: Vec<(Envelope, String)> = Vec::new();
    let mut stored_events = 0;
    let mut tx = db::begin_write(pool).await?;
    for i in 0..sessions {
        let exam_id = &exam_ids[i / per_exam % EXAMS];
        let user_id = &users[i % per_exam];
        let enrollment_id = db::enrollments::insert(
            &mut *tx,
            exam_id,
            user_id,
            shared::EnrollmentStatus::Completed,
            Default::default(),
            now,
        )
        .await?;
        let sid = new_id();
        let start = base + i as i64 * 20_000;
        let new = db::exam_sessions::NewExamSession {
            id: &sid,
            exam_id,
            enrollment_id: &enrollment_id,
            user_id,
            attempt_no: 1,
            consented_at: Some(start),
            started_at: start,
            deadline_at: start + 30 * 60_000,
        };
        db::exam_sessions::insert(&mut *tx, new).await?;
        let (events, flagged) = events_of(&sid, i, start, events_per_session);
        let ids: Vec<String> = events.iter().map(|_| new_id()).collect();
        let state = state_of(i);
        let reviewer_id = &reviewer_ids[i % REVIEWERS];
        let (mut risk, mut count) = (0, 0);
        if flagged {
            let flags = [
                (FlagType::TabSwitch, vec![ids[9].clone(), ids[10].clone()]),
                (FlagType::CopyPaste, vec![ids[19].clone()]),
            ];
            for (flag_type, evidence) in flags {
                let flag = NewFlag {
                    flag_type,
                    severity: Severity::Medium,
                    evidence,
                };
                let flag_id = db::flags::insert(&mut *tx, &sid, FlagInsert::from(&flag), start)
                    .await?
                    .ok_or(AppError::Internal)?;
                let decided = !matches!(state, "NOT_REVIEWED" | "IN_REVIEW");
                if decided {
                    let to = if state == "CLEAN" {
                        "DISMISSED"
                    } else {
                        "CONFIRMED"
                    };
                    db::flags::decide(&mut *tx, &flag_id, "OPEN", to, reviewer_id, "seeded", now).await?;
                    if to == "CONFIRMED" {
                        risk += Severity::Medium.weight();
                    }
                } else {
                    risk += Severity::Medium.weight();
                }
                count += 1;
            }
        }
        pending.extend(events.into_iter().zip(ids));
        db::exam_sessions::review::seed_outcome(
            &mut *tx,
            &db::exam_sessions::review::SeedOutcome {
                id: &sid,
                submitted_at: start + 29 * 60_000,
                risk_score: risk,
                flag_count: count,
                review_state: state,
                reviewer: (state != "NOT_REVIEWED").then_some(reviewer_id.as_str()),
                at: now,
            },
        )
        .await?;
        if pending.len() >= EVENTS_PER_TX {
            stored_events += flush_events(&mut tx, pool, &mut pending).await?;
            tx.commit().await?;
            tx = db::begin_write(pool).await?;
        }
        if i % 10_000 == 9_999 {
            tracing::info!(
                sessions = i + 1,
                events = stored_events,
                "seeding the review queue"
            );
        }
    }
    stored_events += flush_events(&mut tx, pool, &mut pending).await?;
    tx.commit().await?;
    Ok(Seeded {
        org_id: org.org_id,
        sessions,
        events: stored_events,
    })
}

/// Stores the pending events and empties the list.
async fn flush_events(
    tx: &mut crate::server::db::WriteTx,
    pool: &AnyPool,
    pending: &mut Vec<(Envelope, String)>,
) -> Result<usize, AppError> {
    let backend = db::Backend::of_pool(pool);
    let events = std::mem::take(pending);
    // Where telemetry has a database file of its own, its events commit there, before the
    // flags that name them.
    let mut own_tx = match db::telemetry_file::own_file(pool) {
        Some(telemetry) => Some(db::begin_write(&telemetry).await?),
        None => None,
    };
    let mut stored = 0;
    let at = now_ms();
    for chunk in events.chunks(db::events::INSERT_CHUNK) {
        let mut rows = Vec::with_capacity(chunk.len());
        for (e, id) in chunk {
            rows.push(NewEvent {
                id: id.clone(),
                envelope: e,
                payload_json: serde_json::to_string(&e.kind).map_err(|_| AppError::Internal)?,
            });
        }
        let into = own_tx.as_mut().unwrap_or(&mut *tx);
        stored += db::events::insert_many(&mut **into, backend, &rows, at).await? as usize;
    }
    if let Some(own_tx) = own_tx {
        own_tx.commit().await?;
    }
    Ok(stored)
}
