//! Writing questions, reviewing their versions and reading their history.

use super::{actor, bank_for, status};
use crate::error::AppError;
use crate::model::authoring::{QuestionHistory, QuestionVersion, Saved, StatusChange};
use crate::server::db::{self, authoring_history::Change, question_versions::VersionRow};
use crate::server::{new_id, now_ms, AppState};
use shared::authoring::{self, AuthoringAction, AuthoringStatus, Edit, AUTHORS, BANK_READERS};
use shared::question::{Body, QuestionContent};

/// The kind stored beside a version: what the player delivers, or what it cannot yet.
pub(crate) fn kind_name(body: &Body) -> &'static str {
    match (body.kind(), body) {
        (Some(kind), _) => kind.as_str(),
        (None, Body::Matching { .. }) => "MATCHING",
        (None, _) => "DESCRIPTION",
    }
}

pub(crate) fn version_of(row: VersionRow) -> Result<QuestionVersion, AppError> {
    let content: QuestionContent = serde_json::from_str(&row.content_json).map_err(|e| {
        tracing::error!(error = %e, version_id = %row.id, "a stored question version does not read");
        AppError::Internal
    })?;
    Ok(QuestionVersion {
        status: status(&row.status)?,
        question_id: row.question_id,
        version_id: row.id,
        version_no: row.version_no,
        author_id: row.created_by,
        author_name: row.author_name,
        updated_at: row.updated_at,
        review_reason: row.review_reason,
        content,
    })
}

/// Tags trimmed and without repeats; the rest of the content as the author wrote it.
fn tidy(mut content: QuestionContent) -> QuestionContent {
    content.title = content.title.trim().to_string();
    let mut tags: Vec<String> = Vec::new();
    for tag in content.tags.iter().map(|t| t.trim()) {
        if !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            tags.push(tag.to_string());
        }
    }
    content.tags = tags;
    content
}

/// Saves a question: a new one (no `question_id`), an edit of its draft in place, or, when the
/// latest version is approved, a new version as a draft (exams keep the approved one).
pub async fn save(
    state: &AppState,
    bank_id: &str,
    question_id: Option<&str>,
    content: QuestionContent,
) -> Result<Saved, AppError> {
    let (caller, bank) = bank_for(state, bank_id, AUTHORS).await?;
    if status(&bank.status)? == AuthoringStatus::Archived {
        return Err(AppError::Conflict(
            "This bank is archived: its questions cannot change.".into(),
        ));
    }
    let content = tidy(content);
    let problems = content.problems();
    if !problems.is_empty() {
        return Err(AppError::InvalidFields(problems));
    }
    let content_json = serde_json::to_string(&content).map_err(|_| AppError::Internal)?;
    let version_id = new_id();
    let new = db::question_versions::NewVersion {
        id: &version_id,
        question_id: "",
        kind: kind_name(&content.body),
        title: &content.title,
        difficulty: content.difficulty.as_str(),
        content_json: &content_json,
        created_by: Some(&caller.user.id),
    };
    let now = now_ms();
    let mut tx = db::begin_write(&state.pool).await?;
    let saved = match question_id {
        None => {
            let question_id = new_id();
            db::question_versions::insert_question(
                &mut *tx,
                db::question_versions::NewQuestion {
                    id: &question_id,
                    bank_id: &bank.id,
                    kind: new.kind,
                    title: new.title,
                    source_id: content.source_id.as_deref(),
                    created_by: &caller.user.id,
                },
                now,
            )
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(d) if d.is_unique_violation() => {
                    AppError::Conflict("A question with this identifier is already in the bank.".into())
                }
                e => e.into(),
            })?;
            let version_no = db::question_versions::insert_version(
                &mut *tx,
                db::question_versions::NewVersion {
                    question_id: &question_id,
                    ..new
                },
                now,
            )
            .await?;
            Saved {
                question_id,
                version_id,
                version_no,
                new_version: true,
            }
        }
        Some(question_id) => {
            let latest = db::question_versions::history(&mut *tx, question_id)
                .await?
                .into_iter()
                .next()
                .filter(|v| v.bank_id == bank.id)
                .ok_or_else(|| AppError::NotFound("There is no such question in this bank.".into()))?;
            let from = status(&latest.status)?;
            match authoring::edit(from, actor(&caller))? {
                Edit::InPlace => {
                    if !db::question_versions::update_draft(&mut *tx, &latest.id, from.as_str(), &new, now)
                        .await?
                    {
                        return Err(AppError::Conflict(
                            "Someone changed this question meanwhile: reload it and try again.".into(),
                        ));
                    }
                    Saved {
                        question_id: question_id.to_string(),
                        version_id: latest.id,
                        version_no: latest.version_no,
                        new_version: false,
                    }
                }
                Edit::NewVersion => {
                    let version_no = db::question_versions::insert_version(
                        &mut *tx,
                        db::question_versions::NewVersion { question_id, ..new },
                        now,
                    )
                    .await?;
                    Saved {
                        question_id: question_id.to_string(),
                        version_id,
                        version_no,
                        new_version: true,
                    }
                }
            }
        }
    };
    if saved.new_version {
        db::authoring_history::record(
            &mut *tx,
            Change {
                subject_kind: "QUESTION_VERSION",
                subject_id: &saved.version_id,
                bank_id: &bank.id,
                actor_id: &caller.user.id,
                from: None,
                to: AuthoringStatus::Draft.as_str(),
                note: None,
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(saved)
}

/// Moves a question version through review: submitted by an author, approved or rejected by
/// someone else in quality assurance, archived. Only a question's latest version moves.
pub async fn act(
    state: &AppState,
    version_id: &str,
    action: AuthoringAction,
) -> Result<AuthoringStatus, AppError> {
    let version = db::question_versions::find(&state.pool, version_id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such question version.".into()))?;
    let (caller, bank) = bank_for(state, &version.bank_id, BANK_READERS).await?;
    let latest = db::question_versions::history(&state.pool, &version.question_id).await?;
    if latest.first().map(|v| v.id.as_str()) != Some(version.id.as_str()) {
        return Err(AppError::Conflict(
            "A newer version of this question exists: act on that one.".into(),
        ));
    }
    let from = status(&version.status)?;
    let to = authoring::transition(from, &action, actor(&caller), version.created_by.as_deref())?;
    let (reviewer, reason) = match &action {
        AuthoringAction::Approve => (Some(caller.user.id.as_str()), None),
        AuthoringAction::Reject { reason } => (Some(caller.user.id.as_str()), Some(reason.trim())),
        _ => (None, None),
    };
    let now = now_ms();
    let mut tx = db::begin_write(&state.pool).await?;
    if !db::question_versions::set_status(
        &mut *tx,
        &version.id,
        from.as_str(),
        to.as_str(),
        reviewer,
        reason,
        now,
    )
    .await?
    {
        return Err(AppError::Conflict(
            "Someone changed this question meanwhile: reload it and try again.".into(),
        ));
    }
    db::authoring_history::record(
        &mut *tx,
        Change {
            subject_kind: "QUESTION_VERSION",
            subject_id: &version.id,
            bank_id: &bank.id,
            actor_id: &caller.user.id,
            from: Some(from.as_str()),
            to: to.as_str(),
            note: reason,
        },
        now,
    )
    .await?;
    let detail = format!("question version {} → {}", from, to);
    super::audit(
        &mut tx,
        db::audit::AUTHORING_STATUS_CHANGED,
        &caller,
        &bank.org_id,
        &version.id,
        Some(&detail),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}

/// A new draft question with the latest content of another, in the same bank: a starting point
/// for a variant. It has no source identifier, so it never counts as the original on import.
pub async fn duplicate(state: &AppState, question_id: &str) -> Result<Saved, AppError> {
    let latest = db::question_versions::history(&state.pool, question_id)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::NotFound("There is no such question.".into()))?;
    let bank_id = latest.bank_id.clone();
    let mut content = version_of(latest)?.content;
    content.title = format!("{} (copy)", content.title)
        .chars()
        .take(shared::question::limits::TITLE_CHARS)
        .collect();
    content.source_id = None;
    save(state, &bank_id, None, content).await
}

/// Every version of a question and every change of their states.
pub async fn history(state: &AppState, question_id: &str) -> Result<QuestionHistory, AppError> {
    let rows = db::question_versions::history(&state.pool, question_id).await?;
    let bank_id = rows
        .first()
        .map(|r| r.bank_id.clone())
        .ok_or_else(|| AppError::NotFound("There is no such question.".into()))?;
    bank_for(state, &bank_id, BANK_READERS).await?;
    let changes = db::authoring_history::for_question(&state.pool, question_id)
        .await?
        .into_iter()
        .map(|h| {
            Ok(StatusChange {
                from: h.from_state.as_deref().map(status).transpose()?,
                to: status(&h.to_state)?,
                version_id: h.subject_id,
                actor_name: h.actor_name,
                at: h.at,
                note: h.note,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(QuestionHistory {
        versions: rows.into_iter().map(version_of).collect::<Result<_, _>>()?,
        changes,
    })
}
