//! Question versions as candidates see them, parsed and rendered once per process: thousands of
//! candidates open the same exam within a minute, and parsing each question's JSON and cleaning
//! its HTML for every one of them was work repeated for nothing. An entry serves only while the
//! stored text it was made from is the same, so an edited draft is never shown stale.

use super::render;
use crate::error::AppError;
use shared::question::QuestionContent;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// A question version ready for the page.
#[derive(Debug)]
pub struct ShownVersion {
    pub content: QuestionContent,
    /// The stem as cleaned HTML, or `None` for plain text.
    pub stem_html: Option<String>,
}

/// How many versions are kept; past it the cache starts afresh (an exam week's questions are
/// far fewer, and a version is a few kilobytes).
const CAPACITY: usize = 4096;

/// Versions by id, each with the stored JSON it was made from.
type Entries = HashMap<String, (String, Arc<ShownVersion>)>;

#[derive(Clone, Default)]
pub struct ShownQuestions(Arc<Mutex<Entries>>);

impl std::fmt::Debug for ShownQuestions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShownQuestions")
            .field("versions", &self.entries().len())
            .finish()
    }
}

impl ShownQuestions {
    /// The version `version_id` whose stored JSON is `content_json`, parsed and rendered.
    pub fn get(&self, version_id: &str, content_json: &str) -> Result<Arc<ShownVersion>, AppError> {
        let hit = self
            .entries()
            .get(version_id)
            .filter(|(json, _)| json == content_json)
            .map(|(_, shown)| Arc::clone(shown));
        if let Some(shown) = hit {
            return Ok(shown);
        }
        let content: QuestionContent = serde_json::from_str(content_json).map_err(|e| {
            tracing::error!(error = %e, version_id, "unreadable question version");
            AppError::Internal
        })?;
        let shown = Arc::new(ShownVersion {
            stem_html: render::html_of(&content.stem),
            content,
        });
        let mut entries = self.entries();
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(
            version_id.to_string(),
            (content_json.to_string(), Arc::clone(&shown)),
        );
        Ok(shown)
    }

    fn entries(&self) -> MutexGuard<'_, Entries> {
        // A panic while holding the lock leaves a map that is still whole: keep using it.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use shared::question::{Body, Difficulty, Text, TextFormat};

    fn stem_json(text: &str) -> String {
        let content = QuestionContent {
            title: "q".into(),
            stem: Text {
                format: TextFormat::Markdown,
                text: text.into(),
            },
            body: Body::Essay {
                grader_guidance: None,
            },
            general_feedback: None,
            points: 1.0,
            difficulty: Difficulty::Easy,
            tags: Vec::new(),
            source_id: None,
        };
        serde_json::to_string(&content).expect("serialises")
    }

    #[test]
    fn a_changed_version_is_rendered_again() {
        let cache = ShownQuestions::default();
        let first = cache.get("v1", &stem_json("**old**")).expect("parses");
        assert_eq!(first.stem_html.as_deref(), Some("<p><strong>old</strong></p>\n"));
        let again = cache.get("v1", &stem_json("**old**")).expect("parses");
        assert!(
            Arc::ptr_eq(&first, &again),
            "the same text is served from the cache"
        );
        let edited = cache.get("v1", &stem_json("*new*")).expect("parses");
        assert_eq!(edited.stem_html.as_deref(), Some("<p><em>new</em></p>\n"));
    }

    #[test]
    fn unreadable_json_is_an_error_not_a_panic() {
        let cache = ShownQuestions::default();
        assert!(cache.get("v2", "{not json").is_err());
    }
}
