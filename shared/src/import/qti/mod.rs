//! IMS QTI items: QTI 3.0 (`<qti-assessment-item>`, kebab-case) and QTI 2.1/2.2
//! (`<assessmentItem>`, camelCase) read by one parser, since the two name the same things
//! differently: `qti-choice-interaction` and `choiceInteraction` both become `choiceinteraction`.
//!
//! Read: choice interactions (single, or multiple with `maxChoices` ≠ 1; weights from the
//! response mapping, else shared equally by the correct choices; inline feedback per choice),
//! text entry (a number for `float`/`integer` responses, else accepted texts from the correct
//! response and the mapping) and extended text (essays); the item body as HTML, with images
//! resolved to files of the package. Items with another interaction, or several, are skipped
//! with their name. Packages (zip with `imsmanifest.xml`) are read by [`package`].

mod interactions;
pub mod package;

use super::{
    title_from, EmbeddedFile, ImportedQuestion, Location, Parsed, FILE_REFERENCE_PREFIX, MAX_SOURCE_BYTES,
};
use crate::export::xml_escape;
use crate::question::{Body, Difficulty, QuestionContent, Text, TextFormat};
use roxmltree::Node;

use interactions::{declarations, interaction_body};
pub use package::parse_package;

const MAX_NODES: u32 = 200_000;

/// One name for a QTI 3.0 or 2.x element or attribute: lower case, no `qti-`, no hyphens.
fn key(name: &str) -> String {
    let lower = name.to_ascii_lowercase().replace('-', "");
    lower.strip_prefix("qti").map(str::to_string).unwrap_or(lower)
}

fn is(node: Node, name: &str) -> bool {
    node.is_element() && key(node.tag_name().name()) == name
}

fn attr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| key(a.name()) == name)
        .map(|a| a.value())
}

fn children<'a, 'i: 'a>(node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(move |c| is(*c, name))
}

fn all_text(node: Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A media file an item refers to, looked up in its package.
pub trait Media {
    /// The bytes of the package file at `href` (relative to the item), if it exists and may be
    /// read; `None` otherwise (the reference is left as it is, with a finding).
    fn fetch(&mut self, href: &str) -> Option<(String, Vec<u8>)>;
}

/// A lone item file has no package to find media in.
struct NoMedia;
impl Media for NoMedia {
    fn fetch(&mut self, _: &str) -> Option<(String, Vec<u8>)> {
        None
    }
}

/// HTML elements kept from an item body; any other element is unwrapped (its text kept).
const HTML: &[&str] = &[
    "p",
    "div",
    "span",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "sub",
    "sup",
    "br",
    "img",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "pre",
    "code",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "hr",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
];
const INTERACTIONS_WE_READ: &[&str] = &[
    "choiceinteraction",
    "textentryinteraction",
    "extendedtextinteraction",
];

struct Item<'m> {
    media: &'m mut dyn Media,
    files: Vec<EmbeddedFile>,
    notes: Vec<String>,
}

impl Item<'_> {
    /// Writes `node`'s content as HTML, leaving out interactions and feedback.
    fn html(&mut self, node: Node, out: &mut String) {
        for child in node.children() {
            if child.is_text() {
                out.push_str(&xml_escape(child.text().unwrap_or_default()));
                continue;
            }
            if !child.is_element() {
                continue;
            }
            let name = key(child.tag_name().name());
            if name.ends_with("interaction")
                || name.contains("feedback")
                || matches!(name.as_str(), "prompt" | "rubricblock")
            {
                continue;
            }
            if matches!(name.as_str(), "script" | "style" | "object" | "iframe") {
                continue;
            }
            if !HTML.contains(&name.as_str()) {
                self.html(child, out);
                continue;
            }
            let start = out.len();
            out.push('<');
            out.push_str(&name);
            for a in child.attributes() {
                let attr_name = a.name().to_ascii_lowercase();
                // Event handlers and styles never come along; links only as plain hrefs.
                if attr_name.starts_with("on") || attr_name == "style" {
                    continue;
                }
                let value = if name == "img" && attr_name == "src" {
                    self.image(a.value())
                } else {
                    a.value().to_string()
                };
                out.push(' ');
                out.push_str(&attr_name);
                out.push_str("=\"");
                out.push_str(&xml_escape(&value));
                out.push('"');
            }
            out.push('>');
            if !matches!(name.as_str(), "br" | "img" | "hr") {
                let inner = out.len();
                self.html(child, out);
                if out[inner..].trim().is_empty() {
                    // An element left empty (it held only an interaction) is dropped whole.
                    out.truncate(start);
                    continue;
                }
                out.push_str("</");
                out.push_str(&name);
                out.push('>');
            }
        }
    }

    /// An image's new address: the package file it names, carried with the question.
    fn image(&mut self, src: &str) -> String {
        if src.starts_with("data:") || src.contains("://") {
            self.notes
                .push("An image that is not a file of the package was left out.".into());
            return String::new();
        }
        match self.media.fetch(src) {
            Some((name, bytes)) => {
                if !self.files.iter().any(|f| f.name == name) {
                    self.files.push(EmbeddedFile {
                        name: name.clone(),
                        bytes,
                    });
                }
                format!("{FILE_REFERENCE_PREFIX}{name}")
            }
            None => {
                self.notes.push(format!(
                    "The image {src} is not in the package (or may not be read)."
                ));
                src.to_string()
            }
        }
    }
}

/// Parses one QTI item file (no package around it: images stay as they are).
pub fn parse_item(src: &str) -> Parsed {
    let mut parsed = Parsed::default();
    if src.len() > MAX_SOURCE_BYTES {
        parsed.skip(Location::Whole, "The file is larger than 16 MB.");
        return parsed;
    }
    item_into(src, Location::Whole, &mut NoMedia, &mut parsed);
    parsed
}

/// Reads one item into `parsed`, at `location`.
pub(crate) fn item_into(src: &str, location: Location, media: &mut dyn Media, parsed: &mut Parsed) {
    let doc = match super::xml(src, MAX_NODES) {
        Ok(doc) => doc,
        Err(reason) => return parsed.skip(location, format!("The item {reason}")),
    };
    let root = doc.root_element();
    if !is(root, "assessmentitem") {
        return parsed.skip(location, "This is not a QTI assessment item.");
    }
    let mut item = Item {
        media,
        files: Vec::new(),
        notes: Vec::new(),
    };
    match question(root, &mut item) {
        Ok(content) => {
            parsed.notes(&location, item.notes);
            parsed.admit(ImportedQuestion {
                location,
                category: None,
                embedded_answer: false,
                content,
                files: item.files,
            })
        }
        Err(reason) => parsed.skip(location, reason),
    }
}

fn question(root: Node, item: &mut Item) -> Result<QuestionContent, String> {
    let body_node = root
        .children()
        .find(|c| is(*c, "itembody"))
        .ok_or("The item has no item body.")?;
    let interactions: Vec<Node> = body_node
        .descendants()
        .filter(|n| n.is_element() && key(n.tag_name().name()).ends_with("interaction"))
        .collect();
    if let Some(other) = interactions
        .iter()
        .find(|n| !INTERACTIONS_WE_READ.contains(&key(n.tag_name().name()).as_str()))
    {
        return Err(format!(
            "QTI “{}” interactions are not supported by Vigil: the item was skipped.",
            other.tag_name().name()
        ));
    }
    if interactions.len() > 1 {
        return Err(
            "The item has more than one interaction, which Vigil cannot deliver as one question.".into(),
        );
    }
    let mut stem = String::new();
    item.html(body_node, &mut stem);
    let declarations = declarations(root);
    let body = match interactions.first() {
        None => Body::Description,
        Some(interaction) => {
            if let Some(prompt) = interaction.children().find(|c| is(*c, "prompt")) {
                stem.push_str("<p>");
                item.html(prompt, &mut stem);
                stem.push_str("</p>");
            }
            let declaration = attr(*interaction, "responseidentifier")
                .and_then(|id| declarations.iter().find(|(d, _)| d == id))
                .map(|(_, d)| d);
            interaction_body(*interaction, declaration, item)?
        }
    };
    let stem = Text {
        format: TextFormat::Html,
        text: stem.trim().to_string(),
    };
    let location = Location::Whole;
    let points = root
        .children()
        .filter(|c| is(*c, "outcomedeclaration"))
        .find(|c| {
            matches!(attr(*c, "identifier"), Some("SCORE" | "MAXSCORE"))
                && attr(*c, "normalmaximum").is_some()
        })
        .and_then(|c| attr(c, "normalmaximum"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v > 0.0)
        .unwrap_or(if matches!(body, Body::Description) {
            0.0
        } else {
            1.0
        });
    Ok(QuestionContent {
        title: attr(root, "title")
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| title_from(&stem, &location)),
        stem,
        body,
        general_feedback: None,
        points,
        difficulty: Difficulty::Medium,
        tags: Vec::new(),
        source_id: attr(root, "identifier")
            .map(str::to_string)
            .filter(|s| !s.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_both_versions_meet() {
        assert_eq!(key("qti-choice-interaction"), "choiceinteraction");
        assert_eq!(key("choiceInteraction"), "choiceinteraction");
        assert_eq!(key("response-identifier"), "responseidentifier");
        assert_eq!(key("responseIdentifier"), "responseidentifier");
    }

    #[test]
    fn scripts_handlers_and_styles_never_reach_the_stem() {
        let parsed = parse_item(
            r#"<assessmentItem identifier="x" title="X"><itemBody><p onclick="evil()" style="x">Hi<script>alert(1)</script></p><extendedTextInteraction responseIdentifier="R"/></itemBody></assessmentItem>"#,
        );
        assert_eq!(parsed.questions.len(), 1, "{parsed:?}");
        assert_eq!(parsed.questions[0].content.stem.text, "<p>Hi</p>");
    }
}
