//! QTI 3.0 content packages: `imsmanifest.xml`, one item per question under `items/`, the
//! files each question refers to under `media/<item>/` (listed as the item's dependencies).
//!
//! Mapped as Vigil's importer reads them back: choices (true/false as the choices `true` and
//! `false`) with inline feedback and mapped weights, short answers as text entry with a mapping,
//! numbers as text entry with an absolute tolerance in the response processing, essays as
//! extended text with the grader guidance in a rubric block for scorers. HTML that is not also
//! well-formed XML, Markdown, matching questions, general feedback and tags cannot be carried
//! and are reported as losses.

use super::{number, xml_escape, BankEntry, Loss};
use crate::import::FILE_REFERENCE_PREFIX;
use crate::question::{Body, NumericMatch, QuestionContent, Text, TextFormat};
use std::fmt::Write as _;
use std::io::Write as _;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// An identifier QTI accepts (an XML name), made from `raw`.
fn identifier(raw: &str) -> String {
    let mut id: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        id.insert(0, 'q');
    }
    id
}

/// Whether `html` is also well-formed XML (what a QTI item body must be).
fn is_xml(html: &str) -> bool {
    roxmltree::Document::parse(&format!("<div>{html}</div>")).is_ok()
}

/// HTML's void elements closed the XML way (`<br>` → `<br/>`) and `&nbsp;` as a character
/// reference: what most authored HTML needs to be XHTML. Anything else stays as it is.
fn xhtml(html: &str) -> String {
    const VOID: &[&str] = &["br", "img", "hr", "col", "area", "source", "wbr"];
    let html = html.replace("&nbsp;", "&#160;");
    let mut out = String::with_capacity(html.len() + 16);
    let mut rest = html.as_str();
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let Some(close) = rest.find('>') else { break };
        let tag = &rest[..close];
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        out.push_str(tag);
        if VOID.contains(&name.as_str()) && !tag.ends_with('/') {
            out.push('/');
        }
        out.push('>');
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A text as item-body XML (plain text as a paragraph when `block`), or `None` when it cannot
/// be carried as it is.
fn body_xml(text: &Text, media: &str, block: bool) -> Option<String> {
    let relinked = text.text.replace(FILE_REFERENCE_PREFIX, &format!("../{media}/"));
    match text.format {
        TextFormat::Html => Some(xhtml(&relinked)).filter(|x| is_xml(x)),
        TextFormat::Plain => {
            let lines = xml_escape(&relinked)
                .split('\n')
                .collect::<Vec<_>>()
                .join("<br/>");
            Some(if block { format!("<p>{lines}</p>") } else { lines })
        }
        TextFormat::Markdown => None,
    }
}

struct ItemWriter<'a> {
    q: &'a QuestionContent,
    media: String,
    losses: Vec<Loss>,
}

impl ItemWriter<'_> {
    fn loss(&mut self, message: impl Into<String>) {
        self.losses.push(Loss {
            question: self.q.title.clone(),
            message: message.into(),
        });
    }

    fn text(&mut self, text: &Text, what: &str) -> String {
        let block = matches!(what, "question text" | "grader guidance");
        body_xml(text, &self.media, block).unwrap_or_else(|| {
            self.loss(format!(
                "The {what} is written as plain text: its {} is not XHTML.",
                match text.format {
                    TextFormat::Markdown => "Markdown",
                    _ => "HTML",
                }
            ));
            xml_escape(&text.text)
        })
    }

    fn feedback(&mut self, id: &str, feedback: &Option<Text>) -> String {
        feedback
            .as_ref()
            .map(|f| {
                let body = self.text(f, "feedback");
                format!("<qti-feedback-inline outcome-identifier=\"FEEDBACK\" identifier=\"{id}\" show-hide=\"show\">{body}</qti-feedback-inline>")
            })
            .unwrap_or_default()
    }

    /// The item's XML, or `None` for a question QTI cannot hold here.
    fn item(&mut self, ident: &str) -> Option<String> {
        let q = self.q;
        let mut declaration = String::new();
        let mut interaction = String::new();
        let mut processing = String::from(
            "<qti-response-processing template=\"https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml\"/>",
        );
        match &q.body {
            Body::Choice { multiple, options } => {
                let correct: String = options
                    .iter()
                    .filter(|o| o.weight >= 100.0 || (*multiple && o.weight > 0.0))
                    .map(|o| format!("<qti-value>{}</qti-value>", o.id))
                    .collect();
                let mapping: String = options
                    .iter()
                    .map(|o| {
                        format!(
                            "<qti-map-entry map-key=\"{}\" mapped-value=\"{}\"/>",
                            o.id,
                            number(o.weight / 100.0)
                        )
                    })
                    .collect();
                let _ = write!(declaration, "<qti-response-declaration identifier=\"RESPONSE\" cardinality=\"{}\" base-type=\"identifier\"><qti-correct-response>{correct}</qti-correct-response><qti-mapping default-value=\"0\">{mapping}</qti-mapping></qti-response-declaration>",
                    if *multiple { "multiple" } else { "single" });
                let _ = write!(
                    interaction,
                    "<qti-choice-interaction response-identifier=\"RESPONSE\" max-choices=\"{}\">",
                    if *multiple { 0 } else { 1 }
                );
                for o in options {
                    let text = self.text(&o.text, "option");
                    let feedback = self.feedback(&o.id, &o.feedback);
                    let _ = write!(
                        interaction,
                        "<qti-simple-choice identifier=\"{}\">{text}{feedback}</qti-simple-choice>",
                        o.id
                    );
                }
                interaction.push_str("</qti-choice-interaction>");
            }
            Body::TrueFalse {
                correct,
                feedback_true,
                feedback_false,
            } => {
                let _ = write!(declaration, "<qti-response-declaration identifier=\"RESPONSE\" cardinality=\"single\" base-type=\"identifier\"><qti-correct-response><qti-value>{correct}</qti-value></qti-correct-response></qti-response-declaration>");
                let t = self.feedback("true", feedback_true);
                let f = self.feedback("false", feedback_false);
                let _ = write!(interaction, "<qti-choice-interaction response-identifier=\"RESPONSE\" max-choices=\"1\"><qti-simple-choice identifier=\"true\">True{t}</qti-simple-choice><qti-simple-choice identifier=\"false\">False{f}</qti-simple-choice></qti-choice-interaction>");
                processing = "<qti-response-processing template=\"https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml\"/>".into();
            }
            Body::ShortAnswer {
                answers,
                case_sensitive,
            } => {
                let correct: String = answers
                    .iter()
                    .filter(|a| a.weight >= 100.0)
                    .map(|a| format!("<qti-value>{}</qti-value>", xml_escape(&a.text)))
                    .collect();
                let mapping: String = answers
                    .iter()
                    .map(|a| format!("<qti-map-entry map-key=\"{}\" mapped-value=\"{}\" case-sensitive=\"{case_sensitive}\"/>", xml_escape(&a.text), number(a.weight / 100.0)))
                    .collect();
                if answers.iter().any(|a| a.feedback.is_some()) {
                    self.loss("Feedback per accepted answer is not carried by QTI text entry.");
                }
                let _ = write!(declaration, "<qti-response-declaration identifier=\"RESPONSE\" cardinality=\"single\" base-type=\"string\"><qti-correct-response>{correct}</qti-correct-response><qti-mapping default-value=\"0\">{mapping}</qti-mapping></qti-response-declaration>");
                interaction
                    .push_str("<div><qti-text-entry-interaction response-identifier=\"RESPONSE\"/></div>");
            }
            Body::Numeric { answers } => {
                let best = answers
                    .iter()
                    .filter(|a| a.weight >= 100.0)
                    .find_map(|a| match a.accepts {
                        NumericMatch::Tolerance { value, tolerance } => Some((value, tolerance)),
                        NumericMatch::Range { min, max } => Some(((min + max) / 2.0, (max - min) / 2.0)),
                        NumericMatch::Any => None,
                    });
                let Some((value, tolerance)) = best else {
                    self.loss("A numeric question without a full-credit number cannot be written as QTI.");
                    return None;
                };
                if answers.len() > 1 {
                    self.loss(
                        "Only the full-credit number is carried; other answers and their feedback are not.",
                    );
                }
                let _ = write!(declaration, "<qti-response-declaration identifier=\"RESPONSE\" cardinality=\"single\" base-type=\"float\"><qti-correct-response><qti-value>{}</qti-value></qti-correct-response></qti-response-declaration>", number(value));
                interaction
                    .push_str("<div><qti-text-entry-interaction response-identifier=\"RESPONSE\"/></div>");
                let t = number(tolerance);
                processing = format!("<qti-response-processing><qti-response-condition><qti-response-if><qti-equal tolerance-mode=\"absolute\" tolerance=\"{t} {t}\"><qti-variable identifier=\"RESPONSE\"/><qti-correct identifier=\"RESPONSE\"/></qti-equal><qti-set-outcome-value identifier=\"SCORE\"><qti-base-value base-type=\"float\">{}</qti-base-value></qti-set-outcome-value></qti-response-if></qti-response-condition></qti-response-processing>", number(q.points));
            }
            Body::Essay { grader_guidance } => {
                declaration.push_str("<qti-response-declaration identifier=\"RESPONSE\" cardinality=\"single\" base-type=\"string\"/>");
                if let Some(g) = grader_guidance {
                    let g = self.text(g, "grader guidance");
                    let _ = write!(interaction, "<qti-rubric-block view=\"scorer\" use=\"scoring\"><qti-content-body>{g}</qti-content-body></qti-rubric-block>");
                }
                interaction.push_str("<qti-extended-text-interaction response-identifier=\"RESPONSE\"/>");
                processing.clear();
            }
            Body::Matching { .. } => {
                self.loss("Matching questions are not exported as QTI.");
                return None;
            }
            Body::Description => processing.clear(),
        }
        if q.general_feedback.is_some() {
            self.loss("The general feedback is not carried by the QTI export.");
        }
        if !q.tags.is_empty() {
            self.loss("Tags are not carried by the QTI export.");
        }
        let stem = self.text(&q.stem, "question text");
        Some(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<qti-assessment-item xmlns=\"http://www.imsglobal.org/xsd/imsqtiasi_v3p0\" identifier=\"{ident}\" title=\"{}\" adaptive=\"false\" time-dependent=\"false\">{declaration}<qti-outcome-declaration identifier=\"SCORE\" cardinality=\"single\" base-type=\"float\" normal-maximum=\"{}\"/><qti-item-body>{stem}{interaction}</qti-item-body>{processing}</qti-assessment-item>\n",
            xml_escape(&q.title),
            number(q.points),
        ))
    }
}

/// Writes a bank as a QTI 3.0 package (zip bytes), with what it could not carry.
pub fn write(entries: &[BankEntry]) -> Result<(Vec<u8>, Vec<Loss>), String> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let mut losses = Vec::new();
    let mut resources = String::new();
    let mut used: Vec<String> = Vec::new();
    let err = |e: zip::result::ZipError| format!("The package could not be written: {e}.");
    for (n, entry) in entries.iter().enumerate() {
        let base = identifier(
            entry
                .content
                .source_id
                .as_deref()
                .unwrap_or(&format!("q{}", n + 1)),
        );
        let mut ident = base.clone();
        let mut k = 1;
        while used.contains(&ident) {
            k += 1;
            ident = format!("{base}-{k}");
        }
        used.push(ident.clone());
        let media = format!("media/{ident}");
        let mut writer = ItemWriter {
            q: entry.content,
            media: media.clone(),
            losses: Vec::new(),
        };
        let item = writer.item(&ident);
        losses.append(&mut writer.losses);
        let Some(item) = item else { continue };
        let href = format!("items/{ident}.xml");
        zip.start_file(href.as_str(), options).map_err(err)?;
        zip.write_all(item.as_bytes()).map_err(|e| e.to_string())?;
        let mut dependencies = String::new();
        for (i, file) in entry.files.iter().enumerate() {
            let path = format!("{media}/{}", file.name);
            zip.start_file(path.as_str(), options).map_err(err)?;
            zip.write_all(&file.bytes).map_err(|e| e.to_string())?;
            let _ = write!(dependencies, "<dependency identifierref=\"{ident}-media-{i}\"/>");
            let _ = writeln!(resources, "<resource identifier=\"{ident}-media-{i}\" type=\"webcontent\" href=\"{}\"><file href=\"{}\"/></resource>", xml_escape(&path), xml_escape(&path));
        }
        let _ = writeln!(resources, "<resource identifier=\"{ident}\" type=\"imsqti_item_xmlv3p0\" href=\"{href}\"><file href=\"{href}\"/>{dependencies}</resource>");
    }
    let manifest = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest xmlns=\"http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1\" identifier=\"vigil-export\"><metadata><schema>QTI Package</schema><schemaversion>3.0.0</schemaversion></metadata><organizations/><resources>\n{resources}</resources></manifest>\n"
    );
    zip.start_file("imsmanifest.xml", options).map_err(err)?;
    zip.write_all(manifest.as_bytes()).map_err(|e| e.to_string())?;
    let bytes = zip.finish().map_err(err)?.into_inner();
    Ok((bytes, losses))
}
