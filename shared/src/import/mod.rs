//! Question banks from other systems, parsed into Vigil's own model. Every parser is pure
//! (bytes in, questions and findings out: no IO), never panics on any input, and says what it
//! skipped and why, with the line or item it skipped, so nothing is dropped silently.
//!
//! Compiled only with the `interchange` feature, which the server enables: the browser's bundle never
//! carries these parsers.

pub mod aiken;
pub mod gift;
pub mod moodle_xml;
pub mod qti;

use crate::question::{QuestionContent, Text, TextFormat};
use serde::{Deserialize, Serialize};

/// The largest file a parser reads. A real bank of thousands of questions is a few megabytes.
pub const MAX_SOURCE_BYTES: usize = 16 * 1024 * 1024;

/// Where in the source something was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "at", rename_all = "snake_case")]
pub enum Location {
    /// A line of a text format (1-based).
    Line(u32),
    /// The n-th item of a structured format (1-based).
    Item(u32),
    /// A file inside a package.
    Entry(String),
    /// The source as a whole.
    Whole,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Line(n) => write!(f, "line {n}"),
            Location::Item(n) => write!(f, "item {n}"),
            Location::Entry(name) => write!(f, "{name}"),
            Location::Whole => f.write_str("the file"),
        }
    }
}

/// Something a person should know about an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub location: Location,
    /// Whether the question at `location` was left out (`true`) or kept with a change (`false`).
    pub skipped: bool,
    pub message: String,
}

/// A question read from the source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportedQuestion {
    pub location: Location,
    /// The category path the source filed it under (GIFT's `$CATEGORY:`, Moodle's categories).
    pub category: Option<String>,
    /// Whether the question's text had a blank for an answer inside it (GIFT's missing word).
    pub embedded_answer: bool,
    pub content: QuestionContent,
    /// Files the source carried inside the question (Moodle XML's base64 images), referred to
    /// from its texts as `@@PLUGINFILE@@/name`.
    pub files: Vec<EmbeddedFile>,
}

/// A file carried inside an imported question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbeddedFile {
    /// A bare file name: no folder, never `..`.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Where a text refers to a file that came with its question (Moodle's spelling).
pub const FILE_REFERENCE_PREFIX: &str = "@@PLUGINFILE@@/";

/// What a parser made of a source: the questions, and everything worth saying about it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Parsed {
    pub questions: Vec<ImportedQuestion>,
    pub findings: Vec<Finding>,
}

/// Parses XML without a DTD (so no entity is ever expanded) and with at most `nodes` nodes. The
/// reason it cannot is worded to follow "The file", "The item" or "The manifest".
pub(crate) fn xml(src: &str, nodes: u32) -> Result<roxmltree::Document<'_>, String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: nodes,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(src, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => {
            "declares a DTD, which question files never need: it was refused (entities are never expanded)."
                .to_string()
        }
        e => format!("is not well-formed XML: {e}."),
    })
}

impl Parsed {
    /// Keeps what happened to a question that was kept anyway.
    fn notes(&mut self, location: &Location, notes: Vec<String>) {
        self.findings.extend(notes.into_iter().map(|message| Finding {
            location: location.clone(),
            skipped: false,
            message,
        }));
    }

    /// Keeps a question that can be saved as it is; skips one that cannot, saying why.
    fn admit(&mut self, question: ImportedQuestion) {
        let problems = question.content.problems();
        if problems.is_empty() {
            self.questions.push(question);
        } else {
            let reasons: Vec<String> = problems.into_iter().map(|p| p.message).collect();
            self.skip(
                question.location,
                format!(
                    "This {} question was skipped: {}",
                    question.content.body.label(),
                    reasons.join(" ")
                ),
            );
        }
    }

    fn skip(&mut self, location: Location, message: impl Into<String>) {
        self.findings.push(Finding {
            location,
            skipped: true,
            message: message.into(),
        });
    }
}

/// A name for a question that has none: the start of its text, without markup.
pub(crate) fn title_from(stem: &Text, location: &Location) -> String {
    let mut plain = String::new();
    let mut in_tag = false;
    for c in stem.text.chars() {
        match c {
            '<' if stem.format == TextFormat::Html => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if plain.is_empty() {
        return format!("Question at {location}");
    }
    let mut title: String = plain.chars().take(60).collect();
    if plain.chars().count() > 60 {
        title.push('…');
    }
    title
}

/// Reads bytes as UTF-8 text (without a byte-order mark), or says why not.
pub fn text_of(bytes: &[u8]) -> Result<&str, Finding> {
    let whole = |message: &str| Finding {
        location: Location::Whole,
        skipped: true,
        message: message.to_string(),
    };
    if bytes.len() > MAX_SOURCE_BYTES {
        return Err(whole("The file is larger than 16 MB."));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        whole(&format!(
            "The file is not UTF-8 text (the first bad byte is at offset {}); save it as UTF-8 and try again.",
            e.valid_up_to()
        ))
    })
}
