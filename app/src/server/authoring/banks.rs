//! Creating, listing, describing and reviewing question banks.

use super::{actor, bank_details, bank_for, status, tags_from};
use crate::error::AppError;
use crate::model::authoring::{Bank, BankOrg, BankSummary};
use crate::server::db::{self, authoring_history::Change};
use crate::server::{guard, new_id, now_ms, AppState};
use shared::authoring::{self, AuthoringAction, AuthoringStatus, AUTHORS, BANK_READERS};

/// Creates a draft bank in `org_id`. Returns its id.
pub async fn create(
    state: &AppState,
    org_id: &str,
    name: &str,
    description: &str,
    tags: &str,
) -> Result<String, AppError> {
    let caller = guard::require_role(state, org_id, AUTHORS).await?;
    let (name, description) = bank_details(name, description)?;
    let tags_json = serde_json::to_string(&tags_from(tags)?).map_err(|_| AppError::Internal)?;
    let id = new_id();
    let now = now_ms();
    let mut tx = db::begin_write(&state.pool).await?;
    db::banks::insert(
        &mut *tx,
        db::banks::NewBank {
            id: &id,
            org_id,
            name: &name,
            description: &description,
            department_id: None,
            tags_json: &tags_json,
            created_by: &caller.user.id,
        },
        now,
    )
    .await?;
    db::authoring_history::record(
        &mut *tx,
        Change {
            subject_kind: "BANK",
            subject_id: &id,
            bank_id: &id,
            actor_id: &caller.user.id,
            from: None,
            to: AuthoringStatus::Draft.as_str(),
            note: None,
        },
        now,
    )
    .await?;
    super::audit(&mut tx, db::audit::BANK_CREATED, &caller, org_id, &id, None, now).await?;
    tx.commit().await?;
    tracing::info!(bank_id = %id, "question bank created");
    Ok(id)
}

/// Changes a bank's name, description and tags.
pub async fn update(
    state: &AppState,
    bank_id: &str,
    name: &str,
    description: &str,
    tags: &str,
) -> Result<(), AppError> {
    let (_, bank) = bank_for(state, bank_id, AUTHORS).await?;
    let (name, description) = bank_details(name, description)?;
    let tags_json = serde_json::to_string(&tags_from(tags)?).map_err(|_| AppError::Internal)?;
    let changed = db::banks::update_details(
        &state.pool,
        &bank.id,
        &name,
        &description,
        bank.department_id.as_deref(),
        &tags_json,
        now_ms(),
    )
    .await?;
    if changed {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "This bank is archived: it cannot be changed.".into(),
        ))
    }
}

/// The banks of `org_id` the caller may read, matching `search`.
pub async fn list(state: &AppState, org_id: &str, search: &str) -> Result<Vec<BankSummary>, AppError> {
    guard::require_role(state, org_id, BANK_READERS).await?;
    let search: String = search.trim().chars().take(100).collect();
    db::banks::list(&state.pool, org_id, &search)
        .await?
        .into_iter()
        .map(|r| {
            Ok(BankSummary {
                status: status(&r.status)?,
                id: r.id,
                name: r.name,
                description: r.description,
                updated_at: r.updated_at,
                drafts: r.drafts,
                in_review: r.in_review,
                approved: r.approved,
                rejected: r.rejected,
            })
        })
        .collect()
}

/// A bank with the latest version of each of its questions.
pub async fn detail(state: &AppState, bank_id: &str) -> Result<Bank, AppError> {
    let (_, bank) = bank_for(state, bank_id, BANK_READERS).await?;
    let questions = db::question_versions::latest_in_bank(&state.pool, &bank.id)
        .await?
        .into_iter()
        .map(super::questions::version_of)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Bank {
        status: status(&bank.status)?,
        tags: serde_json::from_str(&bank.tags_json).unwrap_or_default(),
        id: bank.id,
        org_id: bank.org_id,
        name: bank.name,
        description: bank.description,
        review_reason: bank.review_reason,
        questions,
    })
}

/// Moves a bank through its review. Submitting it submits its drafts too, in one transaction.
pub async fn act(
    state: &AppState,
    bank_id: &str,
    action: AuthoringAction,
) -> Result<AuthoringStatus, AppError> {
    let (caller, bank) = bank_for(state, bank_id, BANK_READERS).await?;
    let from = status(&bank.status)?;
    let to = authoring::transition(from, &action, actor(&caller), bank.created_by.as_deref())?;
    let reason = match &action {
        AuthoringAction::Reject { reason } => Some(reason.trim()),
        _ => None,
    };
    let now = now_ms();
    let mut tx = db::begin_write(&state.pool).await?;
    if !db::banks::set_status(&mut *tx, &bank.id, from.as_str(), to.as_str(), reason, now).await? {
        return Err(AppError::Conflict(
            "Someone changed this bank meanwhile: reload it and try again.".into(),
        ));
    }
    let mut changes = vec![(String::from("BANK"), bank.id.clone(), from)];
    if action == AuthoringAction::Submit {
        for (version_id, version_status) in db::question_versions::drafts_in_bank(&mut *tx, &bank.id).await? {
            if db::question_versions::set_status(
                &mut *tx,
                &version_id,
                &version_status,
                to.as_str(),
                None,
                None,
                now,
            )
            .await?
            {
                changes.push(("QUESTION_VERSION".into(), version_id, status(&version_status)?));
            }
        }
    }
    for (kind, id, from) in &changes {
        db::authoring_history::record(
            &mut *tx,
            Change {
                subject_kind: kind,
                subject_id: id,
                bank_id: &bank.id,
                actor_id: &caller.user.id,
                from: Some(from.as_str()),
                to: to.as_str(),
                note: reason,
            },
            now,
        )
        .await?;
    }
    let detail = format!(
        "bank {} → {}; {} question(s) with it",
        from,
        to,
        changes.len() - 1
    );
    super::audit(
        &mut tx,
        db::audit::AUTHORING_STATUS_CHANGED,
        &caller,
        &bank.org_id,
        &bank.id,
        Some(&detail),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}

/// The organisations whose banks the caller may read.
pub async fn orgs(state: &AppState) -> Result<Vec<BankOrg>, AppError> {
    let user = crate::server::auth::current_user(state).await?;
    let mut out = Vec::new();
    for org_id in db::orgs::orgs_with_role(&state.pool, &user.id, BANK_READERS).await? {
        let roles = db::orgs::roles_in_org(&state.pool, &user.id, &org_id).await?;
        out.push(BankOrg {
            name: db::orgs::name(&state.pool, &org_id).await?,
            can_author: shared::roles::permits(&roles, AUTHORS),
            can_review: shared::roles::permits(&roles, &[shared::Role::QualityAssurance]),
            org_id,
        });
    }
    Ok(out)
}
