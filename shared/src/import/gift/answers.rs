//! The answer block of one GIFT question, by type: `{=a ~b}`, `{T}`, `{=x =y}`, `{=a -> b}`,
//! `{#1822:2}`.

use super::{finish_text, optional_text, restore, text_with_format};
use crate::question::{
    option_id, AcceptedAnswer, Body, ChoiceOption, MatchPair, NumericAnswer, NumericMatch, Text, TextFormat,
};

/// `%50%rest` → (Some(50), "rest"); anything else is left as it is.
fn take_weight(s: &str) -> (Option<f64>, &str) {
    let parsed = s
        .strip_prefix('%')
        .and_then(|r| r.split_once('%'))
        .and_then(|(w, rest)| {
            w.trim()
                .parse::<f64>()
                .ok()
                .filter(|w| w.is_finite())
                .map(|w| (w, rest))
        });
    match parsed {
        Some((w, rest)) => (Some(w), rest),
        None => (None, s),
    }
}

/// `answer#feedback` → ("answer", feedback).
fn split_feedback(s: &str, format: TextFormat) -> (&str, Option<Text>) {
    match s.split_once('#') {
        Some((answer, feedback)) => (answer, optional_text(feedback, format)),
        None => (s, None),
    }
}

/// Splits an answer block at each marker, keeping which marker began each piece; the text
/// before the first marker comes first with `None`.
fn split_markers<'a>(s: &'a str, markers: &[char]) -> Vec<(Option<char>, &'a str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut marker = None;
    for (i, c) in s.char_indices() {
        if markers.contains(&c) {
            out.push((marker, &s[start..i]));
            marker = Some(c);
            start = i + c.len_utf8();
        }
    }
    out.push((marker, &s[start..]));
    out
}

pub(super) fn choice(answers: &str, format: TextFormat) -> Result<Body, String> {
    // As in Moodle: a question with a "=" answer has one right answer; one written only with
    // "~%n%" weights takes several.
    let multiple = !answers.contains('=');
    let mut options = Vec::new();
    for (marker, piece) in split_markers(answers, &['=', '~']) {
        let piece = piece.trim();
        let default_weight = match marker {
            None if piece.is_empty() => continue,
            None => {
                return Err(format!(
                    "The text “{}” stands before the first option (= or ~).",
                    restore(piece)
                ))
            }
            Some('=') => 100.0,
            Some(_) => 0.0,
        };
        let (weight, rest) = take_weight(piece);
        let (answer, feedback) = split_feedback(rest, format);
        options.push(ChoiceOption {
            id: option_id(options.len()),
            text: text_with_format(answer, format),
            weight: weight.unwrap_or(default_weight),
            feedback,
        });
    }
    Ok(Body::Choice { multiple, options })
}

pub(super) fn true_false(answers: &str, format: TextFormat) -> Option<Body> {
    let mut parts = answers.splitn(3, '#');
    let correct = match parts.next().map(str::trim) {
        Some("T" | "TRUE") => true,
        Some("F" | "FALSE") => false,
        _ => return None,
    };
    // Moodle shows the first feedback after a wrong answer and the second after a right one.
    let wrong = parts.next().and_then(|f| optional_text(f, format));
    let right = parts.next().and_then(|f| optional_text(f, format));
    let (feedback_true, feedback_false) = if correct { (right, wrong) } else { (wrong, right) };
    Some(Body::TrueFalse {
        correct,
        feedback_true,
        feedback_false,
    })
}

pub(super) fn short_answer(answers: &str, format: TextFormat) -> Result<Body, String> {
    let mut accepted = Vec::new();
    for (_, piece) in split_markers(answers, &['=']) {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        let (weight, rest) = take_weight(piece);
        let (answer, feedback) = split_feedback(rest, format);
        accepted.push(AcceptedAnswer {
            text: text_with_format(answer, format).text,
            weight: weight.unwrap_or(100.0),
            feedback,
        });
    }
    Ok(Body::ShortAnswer {
        answers: accepted,
        case_sensitive: false,
    })
}

pub(super) fn matching(answers: &str, format: TextFormat) -> Result<Body, String> {
    let mut pairs = Vec::new();
    for (marker, piece) in split_markers(answers, &['=']) {
        let piece = piece.trim();
        if marker.is_none() && piece.is_empty() {
            continue;
        }
        let Some((prompt, answer)) = piece.split_once("->") else {
            return Err(format!(
                "The matching pair “{}” has no “->” between its prompt and its answer.",
                restore(piece)
            ));
        };
        pairs.push(MatchPair {
            prompt: text_with_format(prompt, format),
            answer: finish_text(TextFormat::Plain, answer),
        });
    }
    Ok(Body::Matching { pairs })
}

fn number(raw: &str) -> Result<f64, String> {
    let raw = raw.trim();
    raw.parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| format!("“{raw}” is not a number."))
}

pub(super) fn numeric(answers: &str, format: TextFormat) -> Result<Body, String> {
    // After a ~ comes the feedback for any other number (Moodle's "*" answer).
    let (answers, other) = match answers.split_once('~') {
        Some((a, other)) => (a, Some(other)),
        None => (answers, None),
    };
    let mut out = Vec::new();
    for (_, piece) in split_markers(answers, &['=']) {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        let (weight, rest) = take_weight(piece);
        let (answer, feedback) = split_feedback(rest, format);
        let answer = restore(answer);
        let accepts = match answer.find("..").filter(|&i| i > 0) {
            Some(i) => NumericMatch::Range {
                min: number(&answer[..i])?,
                max: number(&answer[i + 2..])?,
            },
            None => match answer.find(':').filter(|&i| i > 0) {
                Some(i) => NumericMatch::Tolerance {
                    value: number(&answer[..i])?,
                    tolerance: number(&answer[i + 1..])?,
                },
                None => NumericMatch::Tolerance {
                    value: number(&answer)?,
                    tolerance: 0.0,
                },
            },
        };
        out.push(NumericAnswer {
            accepts,
            weight: weight.unwrap_or(100.0),
            feedback,
        });
    }
    if let Some(other) = other {
        let (_, feedback) = split_feedback(other, format);
        out.push(NumericAnswer {
            accepts: NumericMatch::Any,
            weight: 0.0,
            feedback,
        });
    }
    Ok(Body::Numeric { answers: out })
}
