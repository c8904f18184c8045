//! What makes a question unfit to save, field by field, in words for the person who typed it.

use super::{Body, NumericMatch, QuestionContent, Text};
use serde::{Deserialize, Serialize};

/// Limits on what one question may hold; far above any real question, far below what would
/// hurt the server or a candidate's browser.
pub mod limits {
    pub const TITLE_CHARS: usize = 255;
    pub const TEXT_BYTES: usize = 64 * 1024;
    pub const OPTIONS: usize = 50;
    pub const TAGS: usize = 30;
    pub const TAG_CHARS: usize = 50;
    pub const MAX_POINTS: f64 = 1000.0;
}

/// A problem with one field, worded for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Which field: `stem`, `points`, `options[2].text`, `answers[0].tolerance`…
    pub field: String,
    pub message: String,
}

impl QuestionContent {
    /// Every problem with this question, field by field; empty when it can be saved.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        let mut add = |field: &str, message: &str| {
            out.push(FieldError {
                field: field.to_string(),
                message: message.to_string(),
            })
        };
        if self.title.trim().is_empty() {
            add("title", "Give the question a title.");
        } else if self.title.chars().count() > limits::TITLE_CHARS {
            add("title", "Use at most 255 characters for the title.");
        }
        if self.stem.is_blank() {
            add("stem", "Write the question's text.");
        }
        for (field, text) in [
            ("stem", Some(&self.stem)),
            ("general_feedback", self.general_feedback.as_ref()),
        ] {
            if text.is_some_and(|t| t.text.len() > limits::TEXT_BYTES) {
                add(field, "This text is too long (at most 64 KB).");
            }
        }
        if !self.points.is_finite() || self.points < 0.0 || self.points > limits::MAX_POINTS {
            add("points", "Points must be a number from 0 to 1000.");
        } else if self.points == 0.0 && !matches!(self.body, Body::Description) {
            add("points", "A question is worth more than 0 points.");
        }
        if self.tags.len() > limits::TAGS {
            add("tags", "Use at most 30 tags.");
        }
        if self
            .tags
            .iter()
            .any(|t| t.trim().is_empty() || t.chars().count() > limits::TAG_CHARS)
        {
            add("tags", "Each tag has 1 to 50 characters.");
        }
        body_problems(&self.body, &mut add);
        out
    }
}

fn feedback_too_long(feedback: &Option<Text>) -> bool {
    feedback
        .as_ref()
        .is_some_and(|f| f.text.len() > limits::TEXT_BYTES)
}

fn weight_ok(w: f64) -> bool {
    w.is_finite() && (-100.0..=100.0).contains(&w)
}

fn body_problems(body: &Body, add: &mut impl FnMut(&str, &str)) {
    match body {
        Body::Choice { multiple, options } => {
            if options.len() < 2 {
                add("options", "Give at least two options.");
            }
            if options.len() > limits::OPTIONS {
                add("options", "Use at most 50 options.");
            }
            for (i, o) in options.iter().enumerate() {
                if o.text.is_blank() {
                    add(&format!("options[{i}].text"), "Write the option's text.");
                } else if o.text.text.len() > limits::TEXT_BYTES {
                    add(
                        &format!("options[{i}].text"),
                        "This text is too long (at most 64 KB).",
                    );
                }
                if !weight_ok(o.weight) {
                    add(
                        &format!("options[{i}].weight"),
                        "A weight is a percentage from -100 to 100.",
                    );
                }
                if feedback_too_long(&o.feedback) {
                    add(
                        &format!("options[{i}].feedback"),
                        "This feedback is too long (at most 64 KB).",
                    );
                }
            }
            let mut ids: Vec<&str> = options.iter().map(|o| o.id.as_str()).collect();
            ids.sort_unstable();
            if ids.windows(2).any(|w| w[0] == w[1]) || ids.iter().any(|id| id.is_empty()) {
                add("options", "Each option needs an identifier of its own.");
            }
            let correct = options.iter().filter(|o| o.weight > 0.0).count();
            if correct == 0 {
                add("options", "Mark at least one option as correct.");
            } else if !multiple && !options.iter().any(|o| o.weight >= 100.0) {
                add("options", "A single-choice question needs one option worth 100%.");
            }
        }
        Body::TrueFalse {
            feedback_true,
            feedback_false,
            ..
        } => {
            if feedback_too_long(feedback_true) || feedback_too_long(feedback_false) {
                add("feedback", "This feedback is too long (at most 64 KB).");
            }
        }
        Body::ShortAnswer { answers, .. } => {
            if answers.iter().all(|a| a.weight <= 0.0) {
                add("answers", "Give at least one accepted answer.");
            }
            if answers.len() > limits::OPTIONS {
                add("answers", "Use at most 50 answers.");
            }
            for (i, a) in answers.iter().enumerate() {
                if a.text.trim().is_empty() {
                    add(&format!("answers[{i}].text"), "Write the accepted answer.");
                } else if a.text.chars().count() > 1000 {
                    add(&format!("answers[{i}].text"), "Use at most 1000 characters.");
                }
                if !weight_ok(a.weight) {
                    add(
                        &format!("answers[{i}].weight"),
                        "A weight is a percentage from -100 to 100.",
                    );
                }
            }
        }
        Body::Numeric { answers } => {
            if answers.iter().all(|a| a.weight <= 0.0) {
                add("answers", "Give the correct number.");
            }
            if answers.len() > limits::OPTIONS {
                add("answers", "Use at most 50 answers.");
            }
            for (i, a) in answers.iter().enumerate() {
                match a.accepts {
                    NumericMatch::Tolerance { value, tolerance } => {
                        if !value.is_finite() {
                            add(&format!("answers[{i}].value"), "Enter a number.");
                        }
                        if !tolerance.is_finite() || tolerance < 0.0 {
                            add(
                                &format!("answers[{i}].tolerance"),
                                "The tolerance is a number of 0 or more.",
                            );
                        }
                    }
                    NumericMatch::Range { min, max } => {
                        if !min.is_finite() || !max.is_finite() || min > max {
                            add(
                                &format!("answers[{i}].range"),
                                "A range goes from a smaller number to a larger one.",
                            );
                        }
                    }
                    NumericMatch::Any => {}
                }
                if !weight_ok(a.weight) {
                    add(
                        &format!("answers[{i}].weight"),
                        "A weight is a percentage from -100 to 100.",
                    );
                }
            }
        }
        Body::Matching { pairs } => {
            if pairs.iter().filter(|p| !p.prompt.is_blank()).count() < 2 {
                add("pairs", "Give at least two prompts to match.");
            }
            if pairs.iter().any(|p| p.answer.trim().is_empty()) {
                add("pairs", "Each pair needs an answer.");
            }
        }
        Body::Essay { grader_guidance } => {
            if feedback_too_long(grader_guidance) {
                add("grader_guidance", "This guidance is too long (at most 64 KB).");
            }
        }
        Body::Description => {}
    }
}
