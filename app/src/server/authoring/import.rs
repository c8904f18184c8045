//! Importing a file into a bank: parse, preview, commit. The preview parses the file and keeps
//! its bytes; the commit parses the same bytes again and writes every new question, with its
//! images, in one transaction, or nothing. A question the bank already holds (the same
//! identifier from its source, or the same content) is not imported twice.

use super::{bank_checked, bank_for, status};
use crate::error::AppError;
use crate::model::authoring::{ImportFinding, ImportFormat, ImportItem, ImportPreview, ImportResult};
use crate::server::db::{self, authoring_history::Change, users::UserRow};
use crate::server::{new_id, now_ms, AppState};
use sha2::{Digest, Sha256};
use shared::authoring::{AuthoringStatus, AUTHORS};
use shared::import::{self, aiken, gift, moodle_xml, qti, Parsed, FILE_REFERENCE_PREFIX};
use shared::question::QuestionContent;
use std::collections::{HashMap, HashSet};

/// The largest file accepted (a QTI package with its images).
pub const MAX_UPLOAD_BYTES: usize = qti::package::MAX_PACKAGE_BYTES;
/// Previews one person may make in an hour: each keeps its file until committed.
const UPLOADS_PER_HOUR: i64 = 60;
const HOUR_MS: i64 = 60 * 60 * 1000;

/// Which format a file is in, from its bytes (its name only breaks the tie between GIFT and
/// Aiken, which are both plain text).
pub fn detect(filename: &str, bytes: &[u8]) -> Result<ImportFormat, AppError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(ImportFormat::QtiPackage);
    }
    let text = import::text_of(bytes).map_err(|f| AppError::Invalid(f.message))?;
    let head: String = text.trim_start().chars().take(4096).collect();
    if head.starts_with('<') {
        return if head.contains("<quiz") {
            Ok(ImportFormat::MoodleXml)
        } else if head.contains("assessmentItem") || head.contains("qti-assessment-item") {
            Ok(ImportFormat::QtiItem)
        } else {
            Err(AppError::Invalid(
                "This XML file is neither Moodle XML (<quiz>) nor a QTI item.".into(),
            ))
        };
    }
    let aiken_name = filename.to_lowercase().ends_with(".txt") || filename.to_lowercase().ends_with(".aiken");
    let aiken_lines = text.lines().any(|l| l.trim_start().starts_with("ANSWER:"));
    if aiken_name && aiken_lines && !text.contains('{') {
        Ok(ImportFormat::Aiken)
    } else {
        Ok(ImportFormat::Gift)
    }
}

fn parse(format: ImportFormat, bytes: &[u8]) -> Parsed {
    let text = || import::text_of(bytes);
    let whole = |f: import::Finding| Parsed {
        questions: Vec::new(),
        findings: vec![f],
    };
    match format {
        ImportFormat::QtiPackage => qti::parse_package(bytes),
        ImportFormat::Gift => text().map_or_else(whole, gift::parse),
        ImportFormat::Aiken => text().map_or_else(whole, aiken::parse),
        ImportFormat::MoodleXml => text().map_or_else(whole, moodle_xml::parse),
        ImportFormat::QtiItem => text().map_or_else(whole, qti::parse_item),
    }
}

/// What identifies a question across imports: its identifier in the source, or else a
/// fingerprint of its content.
fn key_of(content: &QuestionContent) -> String {
    match &content.source_id {
        Some(id) => id.clone(),
        None => {
            let json = serde_json::to_vec(content).unwrap_or_default();
            format!("sha256:{}", hex::encode(Sha256::digest(json)))
        }
    }
}

fn findings_of(parsed: &Parsed) -> Vec<ImportFinding> {
    parsed
        .findings
        .iter()
        .map(|f| ImportFinding {
            location: f.location.to_string(),
            skipped: f.skipped,
            message: f.message.clone(),
        })
        .collect()
}

/// Parses an uploaded file and keeps it for the commit. Nothing is written to the bank.
pub async fn preview(
    state: &AppState,
    user: UserRow,
    bank_id: &str,
    filename: &str,
    bytes: &[u8],
) -> Result<ImportPreview, AppError> {
    let (caller, bank) = bank_checked(state, user, bank_id, AUTHORS).await?;
    if status(&bank.status)? == AuthoringStatus::Archived {
        return Err(AppError::Conflict(
            "This bank is archived: nothing can be imported into it.".into(),
        ));
    }
    if bytes.is_empty() {
        return Err(AppError::Invalid("The file is empty.".into()));
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(AppError::Invalid("The file is larger than 64 MB.".into()));
    }
    let filename: String = filename.chars().filter(|c| !c.is_control()).take(255).collect();
    let now = now_ms();
    if db::imports::count_recent(&state.pool, &caller.user.id, now - HOUR_MS).await? >= UPLOADS_PER_HOUR {
        return Err(AppError::TooManyRequests(
            "You have previewed 60 imports in the last hour: wait a while before the next.".into(),
        ));
    }
    // Previews left uncommitted for a day are forgotten (each keeps a whole file).
    db::imports::forget_stale(&state.pool, &caller.user.id, now - 24 * HOUR_MS).await?;
    let format = detect(&filename, bytes)?;
    let parsed = parse(format, bytes);
    if parsed.questions.is_empty() {
        let reason = parsed
            .findings
            .iter()
            .map(|f| format!("{}: {}", f.location, f.message))
            .take(5)
            .collect::<Vec<_>>()
            .join(" ");
        return Err(AppError::Invalid(format!(
            "No question in this file can be imported as {}. {reason}",
            format.label()
        )));
    }
    let existing: HashSet<String> = db::question_versions::source_ids(&state.pool, &bank.id)
        .await?
        .into_iter()
        .collect();
    let mut seen = HashSet::new();
    let mut findings = findings_of(&parsed);
    let items: Vec<ImportItem> = parsed
        .questions
        .iter()
        .map(|q| {
            for f in &q.files {
                if let Err(reason) = shared::media::check_image(&f.name, &f.bytes) {
                    findings.push(ImportFinding {
                        location: q.location.to_string(),
                        skipped: false,
                        message: format!("{reason} It is left out; the question keeps its text."),
                    });
                }
            }
            let key = key_of(&q.content);
            ImportItem {
                location: q.location.to_string(),
                title: q.content.title.clone(),
                kind: q.content.body.label().to_string(),
                category: q.category.clone(),
                duplicate: existing.contains(&key) || !seen.insert(key),
                files: q.files.len(),
            }
        })
        .collect();
    let upload_id = new_id();
    db::imports::insert(
        &state.pool,
        db::imports::NewUpload {
            id: &upload_id,
            bank_id: &bank.id,
            user_id: &caller.user.id,
            format: format.as_str(),
            filename: &filename,
            content: bytes,
        },
        now,
    )
    .await?;
    let duplicates = items.iter().filter(|i| i.duplicate).count();
    tracing::info!(bank_id = %bank.id, upload_id = %upload_id, format = format.as_str(), questions = items.len(), duplicates, "import previewed");
    Ok(ImportPreview {
        upload_id,
        bank_id: bank.id,
        filename,
        format,
        new_questions: items.len() - duplicates,
        duplicates,
        items,
        findings,
    })
}

/// Writes what the preview showed, in one transaction. Only the person who uploaded the file
/// commits it, and only once.
pub async fn commit(state: &AppState, upload_id: &str) -> Result<ImportResult, AppError> {
    let upload = db::imports::find(&state.pool, upload_id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such import: preview the file again.".into()))?;
    let (caller, bank) = bank_for(state, &upload.bank_id, AUTHORS).await?;
    if upload.user_id != caller.user.id {
        return Err(AppError::NotFound(
            "There is no such import: preview the file again.".into(),
        ));
    }
    if status(&bank.status)? == AuthoringStatus::Archived {
        return Err(AppError::Conflict(
            "This bank is archived: nothing can be imported into it.".into(),
        ));
    }
    let format = ImportFormat::parse(&upload.format).ok_or(AppError::Internal)?;
    let parsed = parse(format, &upload.content);
    let now = now_ms();
    let mut tx = db::begin_write(&state.pool).await?;
    if !db::imports::mark_committed(&mut *tx, &upload.id, now).await? {
        return Err(AppError::Conflict("This file has been imported already.".into()));
    }
    let mut existing: HashSet<String> = db::question_versions::source_ids(&mut *tx, &bank.id)
        .await?
        .into_iter()
        .collect();
    let (mut created, mut duplicates, mut files) = (0, 0, 0);
    for q in parsed.questions {
        let key = key_of(&q.content);
        if !existing.insert(key.clone()) {
            duplicates += 1;
            continue;
        }
        let mut content = q.content;
        // The question's images become files of the bank; its texts point at their new address.
        let mut addresses = HashMap::new();
        for f in &q.files {
            let Ok(content_type) = shared::media::check_image(&f.name, &f.bytes) else {
                continue;
            };
            let id = db::bank_files::insert_or_find(
                &mut tx,
                db::bank_files::NewFile {
                    id: &new_id(),
                    bank_id: &bank.id,
                    name: &f.name,
                    content_type,
                    sha256: &hex::encode(Sha256::digest(&f.bytes)),
                    content: &f.bytes,
                    created_by: &caller.user.id,
                },
                now,
            )
            .await?;
            addresses.insert(
                format!("{FILE_REFERENCE_PREFIX}{}", f.name),
                format!("/files/{id}"),
            );
            files += 1;
        }
        if !addresses.is_empty() {
            content.for_each_text(|text| {
                for (from, to) in &addresses {
                    if text.contains(from.as_str()) {
                        *text = text.replace(from.as_str(), to);
                    }
                }
            });
        }
        content.source_id = Some(key);
        let question_id = new_id();
        let version_id = new_id();
        let content_json = serde_json::to_string(&content).map_err(|_| AppError::Internal)?;
        let kind = super::questions::kind_name(&content.body);
        db::question_versions::insert_question(
            &mut *tx,
            db::question_versions::NewQuestion {
                id: &question_id,
                bank_id: &bank.id,
                kind,
                title: &content.title,
                source_id: content.source_id.as_deref(),
                created_by: &caller.user.id,
            },
            now,
        )
        .await
        .map_err(|e| match e {
            // Another import of the same questions committed between this one's read and write:
            // the unique (bank, source id) key refuses the second, and nothing of it is kept.
            sqlx::Error::Database(d) if d.is_unique_violation() => AppError::Conflict(
                "These questions were imported meanwhile by someone else: preview the file again.".into(),
            ),
            e => e.into(),
        })?;
        db::question_versions::insert_version(
            &mut *tx,
            db::question_versions::NewVersion {
                id: &version_id,
                question_id: &question_id,
                kind,
                title: &content.title,
                difficulty: content.difficulty.as_str(),
                content_json: &content_json,
                created_by: Some(&caller.user.id),
            },
            now,
        )
        .await?;
        db::authoring_history::record(
            &mut *tx,
            Change {
                subject_kind: "QUESTION_VERSION",
                subject_id: &version_id,
                bank_id: &bank.id,
                actor_id: &caller.user.id,
                from: None,
                to: AuthoringStatus::Draft.as_str(),
                note: Some(&format!("Imported from {} ({})", upload.filename, format.label())),
            },
            now,
        )
        .await?;
        created += 1;
    }
    let detail = format!(
        "{created} question(s) from {} ({}), {duplicates} duplicate(s) left",
        upload.filename,
        format.label()
    );
    super::audit(
        &mut tx,
        db::audit::QUESTIONS_IMPORTED,
        &caller,
        &bank.org_id,
        &bank.id,
        Some(&detail),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(bank_id = %bank.id, upload_id = %upload.id, created, duplicates, "import committed");
    Ok(ImportResult {
        created,
        duplicates,
        files,
    })
}
