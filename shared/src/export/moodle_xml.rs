//! Moodle XML, as Moodle's own export writes it. A numeric range becomes its midpoint with a
//! tolerance (Moodle has no ranges); Vigil's difficulty has no place in the format.

use super::{number, xml_escape, BankEntry, Loss};
use crate::question::{Body, NumericMatch, Text, TextFormat};
use base64::Engine as _;
use std::fmt::Write as _;

fn format_name(f: TextFormat) -> &'static str {
    match f {
        TextFormat::Html => "html",
        TextFormat::Markdown => "markdown",
        TextFormat::Plain => "plain_text",
    }
}

fn text_element(out: &mut String, element: &str, text: &Text, extra: &str) {
    let _ = write!(
        out,
        "<{element} format=\"{}\"><text>{}</text>{extra}</{element}>",
        format_name(text.format),
        xml_escape(&text.text)
    );
}

fn feedback(out: &mut String, feedback: &Option<Text>) {
    if let Some(f) = feedback {
        text_element(out, "feedback", f, "");
    }
}

fn answer(out: &mut String, fraction: f64, text: &Text, fb: &Option<Text>, extra: &str) {
    let _ = write!(
        out,
        "<answer fraction=\"{}\" format=\"{}\"><text>{}</text>",
        number(fraction),
        format_name(text.format),
        xml_escape(&text.text)
    );
    feedback(out, fb);
    out.push_str(extra);
    out.push_str("</answer>\n");
}

/// Writes a bank as a Moodle XML document, with what it could not carry.
pub fn write(entries: &[BankEntry]) -> (String, Vec<Loss>) {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n");
    let mut losses = Vec::new();
    let mut category: Option<&str> = None;
    for entry in entries {
        let q = entry.content;
        if entry.category.is_some() && entry.category != category {
            category = entry.category;
            let _ = writeln!(
                out,
                "<question type=\"category\"><category><text>{}</text></category></question>",
                xml_escape(category.unwrap_or_default())
            );
        }
        let kind = match &q.body {
            Body::Choice { .. } => "multichoice",
            Body::TrueFalse { .. } => "truefalse",
            Body::ShortAnswer { .. } => "shortanswer",
            Body::Numeric { .. } => "numerical",
            Body::Matching { .. } => "matching",
            Body::Essay { .. } => "essay",
            Body::Description => "description",
        };
        let _ = writeln!(out, "<question type=\"{kind}\">");
        let _ = writeln!(out, "<name><text>{}</text></name>", xml_escape(&q.title));
        let files: String = entry
            .files
            .iter()
            .map(|f| {
                format!(
                    "<file name=\"{}\" path=\"/\" encoding=\"base64\">{}</file>",
                    xml_escape(&f.name),
                    base64::engine::general_purpose::STANDARD.encode(&f.bytes)
                )
            })
            .collect();
        text_element(&mut out, "questiontext", &q.stem, &files);
        out.push('\n');
        if let Some(g) = &q.general_feedback {
            text_element(&mut out, "generalfeedback", g, "");
            out.push('\n');
        }
        let _ = writeln!(out, "<defaultgrade>{}</defaultgrade>", number(q.points));
        if let Some(id) = &q.source_id {
            let _ = writeln!(out, "<idnumber>{}</idnumber>", xml_escape(id));
        }
        match &q.body {
            Body::Choice { multiple, options } => {
                let _ = writeln!(out, "<single>{}</single>", !multiple);
                for o in options {
                    answer(&mut out, o.weight, &o.text, &o.feedback, "");
                }
            }
            Body::TrueFalse {
                correct,
                feedback_true,
                feedback_false,
            } => {
                let (t, f) = if *correct { (100.0, 0.0) } else { (0.0, 100.0) };
                answer(&mut out, t, &Text::plain("true"), feedback_true, "");
                answer(&mut out, f, &Text::plain("false"), feedback_false, "");
            }
            Body::ShortAnswer {
                answers,
                case_sensitive,
            } => {
                let _ = writeln!(out, "<usecase>{}</usecase>", u8::from(*case_sensitive));
                for a in answers {
                    answer(&mut out, a.weight, &Text::plain(&a.text), &a.feedback, "");
                }
            }
            Body::Numeric { answers } => {
                for a in answers {
                    let (value, tolerance) = match a.accepts {
                        NumericMatch::Tolerance { value, tolerance } => (number(value), tolerance),
                        NumericMatch::Range { min, max } => {
                            losses.push(Loss {
                                question: q.title.clone(),
                                message: format!(
                                    "The range {min}..{max} is written as its midpoint with a tolerance."
                                ),
                            });
                            (number((min + max) / 2.0), (max - min) / 2.0)
                        }
                        NumericMatch::Any => ("*".to_string(), 0.0),
                    };
                    let extra = format!("<tolerance>{}</tolerance>", number(tolerance));
                    answer(&mut out, a.weight, &Text::plain(value), &a.feedback, &extra);
                }
            }
            Body::Matching { pairs } => {
                for p in pairs {
                    let answer = format!("<answer><text>{}</text></answer>", xml_escape(&p.answer));
                    text_element(&mut out, "subquestion", &p.prompt, &answer);
                    out.push('\n');
                }
            }
            Body::Essay { grader_guidance } => {
                out.push_str("<responseformat>editor</responseformat>\n");
                if let Some(g) = grader_guidance {
                    text_element(&mut out, "graderinfo", g, "");
                    out.push('\n');
                }
            }
            Body::Description => {}
        }
        if !q.tags.is_empty() {
            out.push_str("<tags>");
            for t in &q.tags {
                let _ = write!(out, "<tag><text>{}</text></tag>", xml_escape(t));
            }
            out.push_str("</tags>\n");
        }
        out.push_str("</question>\n");
    }
    out.push_str("</quiz>\n");
    (out, losses)
}
