//! Moodle's XML question format (`<quiz><question type="…">…</question></quiz>`), as Moodle
//! exports a question bank.
//!
//! Read: categories, multichoice (single and multiple, fractions as weights), truefalse,
//! shortanswer (with `usecase`), numerical (tolerances and the `*` answer), essay (grader
//! information), matching and description; names, id numbers, tags, default marks, general and
//! per-answer feedback, each text's format, CDATA, and images embedded as base64 (`<file>`
//! elements referred to as `@@PLUGINFILE@@/name`, and the old `<image_base64>` form).
//! Every other question type (cloze, calculated, drag and drop, …) is skipped by line with its
//! type named. A document with a DTD is refused as a whole: no entity is ever expanded.

use super::{
    title_from, EmbeddedFile, ImportedQuestion, Location, Parsed, FILE_REFERENCE_PREFIX, MAX_SOURCE_BYTES,
};
use crate::question::{
    option_id, AcceptedAnswer, Body, ChoiceOption, Difficulty, MatchPair, NumericAnswer, NumericMatch,
    QuestionContent, Text, TextFormat,
};
use base64::Engine as _;
use roxmltree::Node;

/// Most XML nodes one file may hold: a bank of 10,000 questions needs well under a million.
const MAX_NODES: u32 = 2_000_000;
/// Largest image or file inside one question, once decoded.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

fn element<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn elements<'a, 'i: 'a>(node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// The text inside an element (CDATA included), all of it.
fn inner(node: Node) -> String {
    node.children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect()
}

/// `<x><text>…</text></x>` → "…", trimmed.
fn text_child(node: Node) -> String {
    element(node, "text")
        .map(inner)
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn format_of(node: Node, default: TextFormat) -> TextFormat {
    match node.attribute("format") {
        Some("html") => TextFormat::Html,
        Some("markdown") => TextFormat::Markdown,
        Some("moodle_auto_format" | "plain_text") => TextFormat::Plain,
        _ => default,
    }
}

/// An element holding a `<text>` and a `format` attribute.
fn rich(node: Node, default: TextFormat) -> Text {
    Text {
        format: format_of(node, default),
        text: text_child(node),
    }
}

fn optional_rich(parent: Node, name: &str, default: TextFormat) -> Option<Text> {
    element(parent, name)
        .map(|n| rich(n, default))
        .filter(|t| !t.is_blank())
}

fn number(raw: &str) -> Option<f64> {
    raw.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A file name as it may be stored: the last part of a path, never `..` or hidden.
fn safe_name(raw: &str) -> Option<String> {
    let name = raw.rsplit(['/', '\\']).next()?.trim();
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name.len() <= 255
        && !name.chars().any(|c| c.is_control());
    ok.then(|| name.to_string())
}

struct Question<'a, 'i> {
    node: Node<'a, 'i>,
    location: Location,
    files: Vec<EmbeddedFile>,
    notes: Vec<String>,
}

impl Question<'_, '_> {
    /// Collects the base64 `<file>` elements under `node`.
    fn collect_files(&mut self, node: Node) {
        for file in node
            .descendants()
            .filter(|n| n.is_element() && n.tag_name().name() == "file")
        {
            let raw_name = file.attribute("name").unwrap_or_default();
            let Some(name) = safe_name(raw_name) else {
                self.notes.push(format!(
                    "The file named “{raw_name}” was left out: its name is not a plain file name."
                ));
                continue;
            };
            if file.attribute("encoding").is_some_and(|e| e != "base64") {
                self.notes
                    .push(format!("The file {name} was left out: it is not base64."));
                continue;
            }
            self.decode(name, &inner(file));
        }
    }

    fn decode(&mut self, name: String, data: &str) {
        // Base64 is 4 characters per 3 bytes: refuse before decoding what would be too big.
        let compact: String = data.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() / 4 * 3 > MAX_FILE_BYTES {
            self.notes
                .push(format!("The file {name} was left out: it is larger than 5 MB."));
            return;
        }
        if self.files.iter().any(|f| f.name == name) {
            self.notes
                .push(format!("A second file named {name} was left out."));
            return;
        }
        match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
            Ok(bytes) => self.files.push(EmbeddedFile { name, bytes }),
            Err(_) => self.notes.push(format!(
                "The file {name} was left out: its base64 content is damaged."
            )),
        }
    }
}

/// Parses a Moodle XML file.
pub fn parse(src: &str) -> Parsed {
    let mut parsed = Parsed::default();
    if src.len() > MAX_SOURCE_BYTES {
        parsed.skip(Location::Whole, "The file is larger than 16 MB.");
        return parsed;
    }
    let doc = match super::xml(src, MAX_NODES) {
        Ok(doc) => doc,
        Err(reason) => {
            parsed.skip(Location::Whole, format!("The file {reason}"));
            return parsed;
        }
    };
    let root = doc.root_element();
    if root.tag_name().name() != "quiz" {
        parsed.skip(
            Location::Whole,
            "This is not a Moodle XML question file (its root element is not <quiz>).",
        );
        return parsed;
    }
    let mut category: Option<String> = None;
    for node in elements(root, "question") {
        let line = doc.text_pos_at(node.range().start).row;
        let location = Location::Line(line);
        let kind = node.attribute("type").unwrap_or_default();
        if kind == "category" {
            category = element(node, "category")
                .map(text_child)
                .filter(|c| !c.is_empty());
            continue;
        }
        let mut q = Question {
            node,
            location: location.clone(),
            files: Vec::new(),
            notes: Vec::new(),
        };
        match question(&mut q, kind) {
            Ok(content) => {
                parsed.notes(&location, std::mem::take(&mut q.notes));
                parsed.admit(ImportedQuestion {
                    location,
                    category: category.clone(),
                    embedded_answer: false,
                    content,
                    files: q.files,
                });
            }
            Err(reason) => parsed.skip(location, reason),
        }
    }
    parsed
}

fn question(q: &mut Question, kind: &str) -> Result<QuestionContent, String> {
    let node = q.node;
    let text_node = element(node, "questiontext");
    let mut stem = text_node
        .map(|n| rich(n, TextFormat::Html))
        .unwrap_or_else(|| Text {
            format: TextFormat::Html,
            text: String::new(),
        });
    let format = stem.format;
    q.collect_files(node);
    // The old form: one image beside the question text.
    if let Some(data) = element(node, "image_base64")
        .map(inner)
        .filter(|d| !d.trim().is_empty())
    {
        let name = element(node, "image")
            .map(inner)
            .and_then(|n| safe_name(&n))
            .unwrap_or_else(|| "image.png".into());
        q.decode(name.clone(), &data);
        if q.files.iter().any(|f| f.name == name) {
            let src = format!("{FILE_REFERENCE_PREFIX}{name}");
            match stem.format {
                TextFormat::Html => stem
                    .text
                    .push_str(&format!("<p><img src=\"{src}\" alt=\"\"></p>")),
                TextFormat::Markdown | TextFormat::Plain => {
                    stem.format = TextFormat::Markdown;
                    stem.text.push_str(&format!("\n\n![]({src})"));
                }
            }
        }
    }

    let body = match kind {
        "multichoice" => {
            let single = element(node, "single").map(inner).map(|s| s.trim().to_string());
            let multiple = matches!(single.as_deref(), Some("false" | "0"));
            let options = elements(node, "answer")
                .enumerate()
                .map(|(i, a)| ChoiceOption {
                    id: option_id(i),
                    text: rich(a, format),
                    weight: a.attribute("fraction").and_then(number).unwrap_or(0.0),
                    feedback: optional_rich(a, "feedback", format),
                })
                .collect();
            Body::Choice { multiple, options }
        }
        "truefalse" => {
            let (mut correct, mut feedback_true, mut feedback_false) = (None, None, None);
            for a in elements(node, "answer") {
                let says_true = match text_child(a).to_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    other => return Err(format!("A true/false answer reads “{other}”, not true or false.")),
                };
                let fraction = a.attribute("fraction").and_then(number).unwrap_or(0.0);
                if fraction > 0.0 {
                    correct = Some(says_true);
                }
                let feedback = optional_rich(a, "feedback", format);
                if says_true {
                    feedback_true = feedback;
                } else {
                    feedback_false = feedback;
                }
            }
            Body::TrueFalse {
                correct: correct.ok_or("Neither true nor false is marked as the right answer.")?,
                feedback_true,
                feedback_false,
            }
        }
        "shortanswer" => Body::ShortAnswer {
            answers: elements(node, "answer")
                .map(|a| AcceptedAnswer {
                    text: text_child(a),
                    weight: a.attribute("fraction").and_then(number).unwrap_or(0.0),
                    feedback: optional_rich(a, "feedback", format),
                })
                .collect(),
            case_sensitive: element(node, "usecase").is_some_and(|u| inner(u).trim() == "1"),
        },
        "numerical" => {
            let mut answers = Vec::new();
            for a in elements(node, "answer") {
                let raw = text_child(a);
                let accepts = if raw == "*" {
                    NumericMatch::Any
                } else {
                    NumericMatch::Tolerance {
                        value: number(&raw).ok_or_else(|| format!("“{raw}” is not a number."))?,
                        tolerance: element(a, "tolerance")
                            .map(inner)
                            .and_then(|t| number(&t))
                            .unwrap_or(0.0)
                            .abs(),
                    }
                };
                answers.push(NumericAnswer {
                    accepts,
                    weight: a.attribute("fraction").and_then(number).unwrap_or(0.0),
                    feedback: optional_rich(a, "feedback", format),
                });
            }
            if elements(node, "units")
                .next()
                .is_some_and(|u| elements(u, "unit").next().is_some())
            {
                q.notes
                    .push("Units were left out: Vigil's numeric questions take plain numbers.".into());
            }
            Body::Numeric { answers }
        }
        "essay" => Body::Essay {
            grader_guidance: optional_rich(node, "graderinfo", TextFormat::Html),
        },
        "matching" => Body::Matching {
            pairs: elements(node, "subquestion")
                .map(|s| MatchPair {
                    prompt: rich(s, format),
                    answer: element(s, "answer").map(text_child).unwrap_or_default(),
                })
                .collect(),
        },
        "description" => Body::Description,
        "" => return Err("A <question> without a type attribute.".into()),
        other => {
            return Err(format!(
                "Moodle's “{other}” questions are not supported by Vigil: it was skipped."
            ))
        }
    };
    let points = match body {
        Body::Description => 0.0,
        _ => element(node, "defaultgrade")
            .map(inner)
            .and_then(|g| number(&g))
            .unwrap_or(1.0),
    };
    let title = element(node, "name")
        .map(text_child)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| title_from(&stem, &q.location));
    let tags = element(node, "tags")
        .map(|t| {
            elements(t, "tag")
                .map(text_child)
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default();
    Ok(QuestionContent {
        title,
        stem,
        body,
        general_feedback: optional_rich(node, "generalfeedback", format),
        points,
        difficulty: Difficulty::Medium,
        tags,
        source_id: element(node, "idnumber")
            .map(inner)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dtd_is_refused_before_any_entity_is_expanded() {
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><quiz><question type="essay"><questiontext><text>&b;</text></questiontext></question></quiz>"#;
        let parsed = parse(laughs);
        assert!(parsed.questions.is_empty());
        assert_eq!(parsed.findings[0].location, Location::Whole);
        assert!(parsed.findings[0].message.contains("DTD"));
    }

    #[test]
    fn not_xml_or_not_a_quiz_is_said_so() {
        assert!(parse("<quiz><question>").findings[0]
            .message
            .contains("not well-formed"));
        assert!(parse("<html/>").findings[0].message.contains("<quiz>"));
    }

    #[test]
    fn file_names_never_escape() {
        assert_eq!(safe_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(safe_name("a\\b\\c.png").as_deref(), Some("c.png"));
        assert_eq!(safe_name(".."), None);
        assert_eq!(safe_name("dir/"), None);
        assert_eq!(safe_name(".hidden"), None);
    }
}
