//! Automatic grading of objective questions. Pure, so the server grades exactly what the tests
//! check.
//!
//! Partial credit for multiple-answer questions: each correct option chosen earns an equal
//! share of the points, each wrong option chosen takes one share away, and a question never
//! scores below zero. Every other objective type is all or nothing. Essays wait for a person.

use crate::domain::named_enum;
use serde::{Deserialize, Serialize};

named_enum!(
    QuestionKind, "question kind" {
        MultipleChoiceSingle => "MULTIPLE_CHOICE_SINGLE",
        MultipleChoiceMulti => "MULTIPLE_CHOICE_MULTI",
        TrueFalse => "TRUE_FALSE",
        ShortAnswer => "SHORT_ANSWER",
        Numeric => "NUMERIC",
        Essay => "ESSAY",
    }
);

/// The correct answer as stored in `questions.answer_json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnswerKey {
    /// Correct option ids (choice questions) or accepted texts (short answer).
    List(Vec<String>),
    /// A number and how far from it still counts.
    Number { value: f64, tolerance: f64 },
    /// Essays: nothing to compare with.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    Scored(f64),
    /// Waits for a person (essays).
    Pending,
}

/// Short answers compare without case, surrounding space or repeated inner space.
fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Grades `response` (the candidate's saved JSON: a list of option ids, or a string) against
/// `key`, out of `points`. A missing or unreadable response scores zero.
pub fn grade(
    kind: QuestionKind,
    key: &AnswerKey,
    points: f64,
    response: Option<&serde_json::Value>,
) -> Outcome {
    use serde_json::Value;
    let chosen: Vec<String> = match response {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    };
    match (kind, key) {
        (QuestionKind::Essay, _) => Outcome::Pending,
        (QuestionKind::MultipleChoiceMulti, AnswerKey::List(correct)) => {
            if correct.is_empty() {
                return Outcome::Scored(0.0);
            }
            let mut picked = chosen.clone();
            picked.sort();
            picked.dedup();
            let right = picked.iter().filter(|c| correct.contains(c)).count() as f64;
            let wrong = picked.len() as f64 - right;
            let share = points / correct.len() as f64;
            Outcome::Scored(((right - wrong) * share).clamp(0.0, points))
        }
        (QuestionKind::MultipleChoiceSingle | QuestionKind::TrueFalse, AnswerKey::List(correct)) => {
            let ok = chosen.len() == 1 && correct.contains(&chosen[0]);
            Outcome::Scored(if ok { points } else { 0.0 })
        }
        (QuestionKind::ShortAnswer, AnswerKey::List(accepted)) => {
            let ok = chosen
                .first()
                .is_some_and(|c| accepted.iter().any(|a| normalize(a) == normalize(c)));
            Outcome::Scored(if ok { points } else { 0.0 })
        }
        (QuestionKind::Numeric, AnswerKey::Number { value, tolerance }) => {
            let given = chosen
                .first()
                .and_then(|c| c.trim().replace(',', ".").parse::<f64>().ok());
            let ok = given.is_some_and(|g| g.is_finite() && (g - value).abs() <= tolerance.abs());
            Outcome::Scored(if ok { points } else { 0.0 })
        }
        // A key of the wrong shape for its question cannot be graded automatically.
        _ => Outcome::Pending,
    }
}

/// Percentage of `max` that `score` is, rounded to one decimal.
pub fn percentage(score: f64, max: f64) -> f64 {
    if max <= 0.0 {
        return 0.0;
    }
    (score / max * 1000.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(json: serde_json::Value) -> AnswerKey {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn single_choice_and_true_false_are_all_or_nothing() {
        let k = key(json!(["b"]));
        assert_eq!(
            grade(QuestionKind::MultipleChoiceSingle, &k, 2.0, Some(&json!(["b"]))),
            Outcome::Scored(2.0)
        );
        assert_eq!(
            grade(QuestionKind::MultipleChoiceSingle, &k, 2.0, Some(&json!(["a"]))),
            Outcome::Scored(0.0)
        );
        assert_eq!(
            grade(
                QuestionKind::MultipleChoiceSingle,
                &k,
                2.0,
                Some(&json!(["a", "b"]))
            ),
            Outcome::Scored(0.0)
        );
        assert_eq!(
            grade(QuestionKind::TrueFalse, &key(json!(["true"])), 1.0, None),
            Outcome::Scored(0.0)
        );
    }

    #[test]
    fn multiple_answers_earn_shares_and_lose_them_for_wrong_picks() {
        let k = key(json!(["a", "c"]));
        let g = |r| grade(QuestionKind::MultipleChoiceMulti, &k, 4.0, Some(&r));
        assert_eq!(g(json!(["a", "c"])), Outcome::Scored(4.0));
        assert_eq!(g(json!(["a"])), Outcome::Scored(2.0));
        assert_eq!(g(json!(["a", "b"])), Outcome::Scored(0.0));
        assert_eq!(g(json!(["b", "d"])), Outcome::Scored(0.0), "never below zero");
        assert_eq!(
            g(json!(["a", "a", "c"])),
            Outcome::Scored(4.0),
            "repeats count once"
        );
    }

    #[test]
    fn short_answers_ignore_case_and_spacing_numbers_allow_tolerance() {
        let k = key(json!(["443", "Port 443"]));
        assert_eq!(
            grade(QuestionKind::ShortAnswer, &k, 1.0, Some(&json!("  port   443 "))),
            Outcome::Scored(1.0)
        );
        assert_eq!(
            grade(QuestionKind::ShortAnswer, &k, 1.0, Some(&json!("80"))),
            Outcome::Scored(0.0)
        );
        let k = key(json!({"value": 2.5, "tolerance": 0.01}));
        assert_eq!(
            grade(QuestionKind::Numeric, &k, 1.0, Some(&json!("2,505"))),
            Outcome::Scored(1.0)
        );
        assert_eq!(
            grade(QuestionKind::Numeric, &k, 1.0, Some(&json!("2.6"))),
            Outcome::Scored(0.0)
        );
        assert_eq!(
            grade(QuestionKind::Numeric, &k, 1.0, Some(&json!("NaN"))),
            Outcome::Scored(0.0)
        );
    }

    #[test]
    fn essays_wait_for_a_person() {
        assert_eq!(
            grade(QuestionKind::Essay, &AnswerKey::None, 5.0, Some(&json!("text"))),
            Outcome::Pending
        );
        assert_eq!(percentage(7.0, 8.0), 87.5);
        assert_eq!(percentage(1.0, 0.0), 0.0);
    }
}
