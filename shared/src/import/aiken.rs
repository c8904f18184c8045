//! The Aiken format: single-choice questions in plain text, one option per line.
//!
//! ```text
//! Which port does HTTPS use?
//! A. 80
//! B. 443
//! ANSWER: B
//! ```
//!
//! The question's text may run over several lines; options are a capital letter followed by
//! `.` or `)`; `ANSWER:` names the right one and ends the question. Blank lines between
//! questions are allowed and not required.

use super::{title_from, ImportedQuestion, Location, Parsed, MAX_SOURCE_BYTES};
use crate::question::{option_id, Body, ChoiceOption, Difficulty, QuestionContent, Text};

/// `B. text` or `B) text` → ('B', "text").
fn option_line(line: &str) -> Option<(char, &str)> {
    let mut chars = line.chars();
    let letter = chars.next().filter(char::is_ascii_uppercase)?;
    let rest = chars.as_str();
    let rest = rest.strip_prefix('.').or_else(|| rest.strip_prefix(')'))?;
    rest.starts_with([' ', '\t']).then(|| (letter, rest.trim()))
}

#[derive(Default)]
struct Pending {
    line: u32,
    stem: Vec<String>,
    options: Vec<(char, String)>,
}

pub fn parse(src: &str) -> Parsed {
    let mut parsed = Parsed::default();
    if src.len() > MAX_SOURCE_BYTES {
        parsed.skip(Location::Whole, "The file is larger than 16 MB.");
        return parsed;
    }
    let mut pending = Pending::default();
    for (i, raw) in src.lines().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(answer) = line.strip_prefix("ANSWER:") {
            let done = std::mem::take(&mut pending);
            finish(done, answer.trim(), &mut parsed);
            continue;
        }
        match option_line(line) {
            Some((letter, text)) if !pending.stem.is_empty() => {
                pending.options.push((letter, text.to_string()))
            }
            _ if !pending.options.is_empty() => {
                // Text after the options without an ANSWER line: that question is incomplete.
                parsed.skip(
                    Location::Line(pending.line),
                    "This question has no ANSWER: line after its options.",
                );
                pending = Pending {
                    line: number,
                    stem: vec![line.to_string()],
                    options: Vec::new(),
                };
            }
            _ => {
                if pending.stem.is_empty() {
                    pending.line = number;
                }
                pending.stem.push(line.to_string());
            }
        }
    }
    if !pending.stem.is_empty() {
        parsed.skip(
            Location::Line(pending.line),
            "The file ends before this question's ANSWER: line.",
        );
    }
    parsed
}

fn finish(pending: Pending, answer: &str, parsed: &mut Parsed) {
    let location = Location::Line(pending.line);
    if pending.stem.is_empty() {
        return parsed.skip(location, "An ANSWER: line with no question above it.");
    }
    if pending.options.len() < 2 {
        return parsed.skip(location, "A question needs at least two options (A. …, B. …).");
    }
    let mut letters: Vec<char> = pending.options.iter().map(|(l, _)| *l).collect();
    letters.sort_unstable();
    if letters.windows(2).any(|w| w[0] == w[1]) {
        return parsed.skip(location, "Two options have the same letter.");
    }
    let mut answer_chars = answer.chars();
    let right = match (answer_chars.next(), answer_chars.next()) {
        (Some(letter), None) if pending.options.iter().any(|(l, _)| *l == letter) => letter,
        _ => {
            return parsed.skip(
                location,
                format!("ANSWER: {answer} does not name one of the options' letters."),
            )
        }
    };
    let stem = Text::plain(pending.stem.join(" "));
    let content = QuestionContent {
        title: title_from(&stem, &location),
        stem,
        body: Body::Choice {
            multiple: false,
            options: pending
                .options
                .into_iter()
                .enumerate()
                .map(|(i, (letter, text))| ChoiceOption {
                    id: option_id(i),
                    text: Text::plain(text),
                    weight: if letter == right { 100.0 } else { 0.0 },
                    feedback: None,
                })
                .collect(),
        },
        general_feedback: None,
        points: 1.0,
        difficulty: Difficulty::Medium,
        tags: Vec::new(),
        source_id: None,
    };
    parsed.admit(ImportedQuestion {
        location,
        category: None,
        embedded_answer: false,
        content,
        files: Vec::new(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_with_or_without_blank_lines_between_them() {
        let parsed = parse(
            "Which port does HTTPS use\nby default?\nA. 80\nB) 443\nANSWER: B\nWhich layer routes?\nA. Network\nB. Session\nANSWER: A\n",
        );
        assert_eq!(parsed.findings, vec![]);
        assert_eq!(parsed.questions.len(), 2);
        let q = &parsed.questions[0].content;
        assert_eq!(q.stem.text, "Which port does HTTPS use by default?");
        let Body::Choice {
            options,
            multiple: false,
        } = &q.body
        else {
            panic!()
        };
        assert_eq!(options[1].text.text, "443");
        assert_eq!(options.iter().map(|o| o.weight).collect::<Vec<_>>(), [0.0, 100.0]);
        assert_eq!(parsed.questions[1].location, Location::Line(6));
    }

    #[test]
    fn a_missing_or_wrong_answer_line_is_named_by_line() {
        let parsed = parse(
            "Q1?\nA. x\nB. y\nANSWER: C\n\nQ2?\nA. x\nB. y\n\nQ3?\nA. x\nANSWER: A\n\nQ4?\nA. x\nB. y\n",
        );
        assert!(parsed.questions.is_empty());
        let found: Vec<_> = parsed.findings.iter().map(|f| f.location.clone()).collect();
        assert_eq!(
            found,
            [
                Location::Line(1),
                Location::Line(6),
                Location::Line(10),
                Location::Line(14)
            ]
        );
        assert!(parsed.findings[0].message.contains("ANSWER: C"));
        assert!(parsed.findings[1].message.contains("no ANSWER"));
        assert!(parsed.findings[2].message.contains("two options"));
        assert!(parsed.findings[3].message.contains("file ends"));
    }
}
