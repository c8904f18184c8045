//! A bank written out for another system: the latest version of each question that is not
//! archived, as Moodle XML or as a QTI 3.0 package, with the images its texts show.

use super::{bank_checked, status};
use crate::error::AppError;
use crate::server::db::{self, users::UserRow};
use crate::server::AppState;
use shared::authoring::{AuthoringStatus, BANK_READERS};
use shared::export::{self, BankEntry};
use shared::import::{EmbeddedFile, FILE_REFERENCE_PREFIX};
use shared::question::QuestionContent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    MoodleXml,
    QtiPackage,
}

/// A finished export: a file name, its content type and bytes, and how many things the format
/// could not carry.
pub struct Exported {
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub losses: usize,
}

/// The ids of the bank's files a text shows (`/files/{id}`).
fn file_ids(text: &str) -> Vec<String> {
    text.match_indices("/files/")
        .map(|(i, m)| {
            text[i + m.len()..]
                .chars()
                .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
                .collect::<String>()
        })
        .filter(|id| !id.is_empty())
        .collect()
}

/// Points a question's texts back at files carried with it, and loads those files.
async fn with_files(
    state: &AppState,
    bank_id: &str,
    mut content: QuestionContent,
) -> Result<(QuestionContent, Vec<EmbeddedFile>), AppError> {
    let mut ids = Vec::new();
    content.for_each_text(|t| ids.extend(file_ids(t)));
    ids.sort();
    ids.dedup();
    let mut files: Vec<EmbeddedFile> = Vec::new();
    let mut renames = Vec::new();
    for id in ids {
        let Some(file) = db::bank_files::find(&state.pool, &id)
            .await?
            .filter(|f| f.bank_id == bank_id)
        else {
            continue;
        };
        // Two files of one question with one name keep apart by their id.
        let name = if files.iter().any(|f| f.name == file.name) {
            format!("{id}-{}", file.name)
        } else {
            file.name
        };
        renames.push((format!("/files/{id}"), format!("{FILE_REFERENCE_PREFIX}{name}")));
        files.push(EmbeddedFile {
            name,
            bytes: file.content,
        });
    }
    content.for_each_text(|t| {
        for (from, to) in &renames {
            if t.contains(from.as_str()) {
                *t = t.replace(from.as_str(), to);
            }
        }
    });
    Ok((content, files))
}

pub async fn bank(
    state: &AppState,
    user: UserRow,
    bank_id: &str,
    format: ExportFormat,
) -> Result<Exported, AppError> {
    let (_, bank) = bank_checked(state, user, bank_id, BANK_READERS).await?;
    let mut questions = Vec::new();
    for row in db::question_versions::latest_in_bank(&state.pool, &bank.id).await? {
        if status(&row.status)? == AuthoringStatus::Archived {
            continue;
        }
        let version = super::questions::version_of(row)?;
        questions.push(with_files(state, &bank.id, version.content).await?);
    }
    let entries: Vec<BankEntry> = questions
        .iter()
        .map(|(content, files)| BankEntry {
            category: None,
            content,
            files,
        })
        .collect();
    let stem: String = bank
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let exported = match format {
        ExportFormat::MoodleXml => {
            let (xml, losses) = export::moodle_xml::write(&entries);
            Exported {
                filename: format!("{stem}.moodle.xml"),
                content_type: "application/xml; charset=utf-8",
                bytes: xml.into_bytes(),
                losses: losses.len(),
            }
        }
        ExportFormat::QtiPackage => {
            let (zip, losses) = export::qti::write(&entries).map_err(|e| {
                tracing::error!(error = %e, "a QTI package could not be written");
                AppError::Internal
            })?;
            Exported {
                filename: format!("{stem}.qti.zip"),
                content_type: "application/zip",
                bytes: zip,
                losses: losses.len(),
            }
        }
    };
    tracing::info!(bank_id = %bank.id, questions = entries.len(), losses = exported.losses, "bank exported");
    Ok(exported)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_references_are_found_in_any_text() {
        let text =
            r#"<p><img src="/files/0192-ab" alt="a"> and <img src="/files/0193-cd"></p> /files/ alone"#;
        assert_eq!(file_ids(text), ["0192-ab", "0193-cd"]);
    }
}
