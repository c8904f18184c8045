//! A question version as an exam uses it: what the player shows (its options, never its key)
//! and how a candidate's response scores against the author's weights.
//!
//! Scoring follows Moodle's question types, which the importers read:
//! - single choice and short answer and numeric: the weight of the answer given (the best one
//!   that matches), as a share of the points;
//! - multiple answers: the sum of the weights of the options chosen, never below zero or above
//!   the points (a wrong option with a negative weight takes points away);
//! - true/false: all or nothing; essays wait for a person.

use super::{Body, QuestionContent};
use crate::grading::{Outcome, QuestionKind};

/// One option as the player shows it: its id and its text (never its weight).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownOption {
    pub id: String,
    pub text: String,
}

impl QuestionContent {
    /// The options a candidate chooses from, in the author's order.
    pub fn shown_options(&self) -> Vec<ShownOption> {
        match &self.body {
            Body::Choice { options, .. } => options
                .iter()
                .map(|o| ShownOption {
                    id: o.id.clone(),
                    text: o.text.text.clone(),
                })
                .collect(),
            Body::TrueFalse { .. } => ["true", "false"]
                .iter()
                .map(|id| ShownOption {
                    id: (*id).to_string(),
                    text: if *id == "true" { "True" } else { "False" }.to_string(),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The correct answer in the shape a saved response has (JSON): the full-credit option
    /// ids, the first full-credit text, the full-credit number; `null` for essays.
    pub fn key_json(&self) -> serde_json::Value {
        use serde_json::{json, Value};
        match &self.body {
            Body::Choice { options, .. } => Value::Array(
                options
                    .iter()
                    .filter(|o| o.weight > 0.0)
                    .map(|o| Value::String(o.id.clone()))
                    .collect(),
            ),
            Body::TrueFalse { correct, .. } => json!([correct.to_string()]),
            Body::ShortAnswer { answers, .. } => answers
                .iter()
                .filter(|a| a.weight >= 100.0)
                .map(|a| Value::String(a.text.clone()))
                .next()
                .unwrap_or(Value::Null),
            Body::Numeric { answers } => answers
                .iter()
                .filter(|a| a.weight >= 100.0)
                .find_map(|a| match a.accepts {
                    super::NumericMatch::Tolerance { value, tolerance } if tolerance > 0.0 => {
                        Some(Value::String(format!("{value} ± {tolerance}")))
                    }
                    super::NumericMatch::Tolerance { value, .. } => Some(Value::String(value.to_string())),
                    super::NumericMatch::Range { min, max } => Some(Value::String(format!("{min} to {max}"))),
                    super::NumericMatch::Any => None,
                })
                .unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }

    /// Scores `response` (the candidate's saved JSON: a list of option ids, or a string) out of
    /// the question's points. A missing or unreadable response scores zero.
    pub fn score(&self, response: Option<&serde_json::Value>) -> Outcome {
        use serde_json::Value;
        let given: Vec<String> = match response {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Number(n)) => vec![n.to_string()],
            _ => Vec::new(),
        };
        let share = |percent: f64| Outcome::Scored((self.points * percent / 100.0).clamp(0.0, self.points));
        match &self.body {
            Body::Essay { .. } => Outcome::Pending,
            Body::Description | Body::Matching { .. } => Outcome::Scored(0.0),
            Body::Choice {
                multiple: false,
                options,
            } => match given.as_slice() {
                [one] => share(options.iter().find(|o| &o.id == one).map_or(0.0, |o| o.weight)),
                _ => Outcome::Scored(0.0),
            },
            Body::Choice {
                multiple: true,
                options,
            } => {
                let mut picked = given.clone();
                picked.sort();
                picked.dedup();
                let total: f64 = picked
                    .iter()
                    .filter_map(|id| options.iter().find(|o| &o.id == id))
                    .map(|o| o.weight)
                    .sum();
                share(total)
            }
            Body::TrueFalse { correct, .. } => {
                let ok = given.len() == 1 && given[0] == correct.to_string();
                Outcome::Scored(if ok { self.points } else { 0.0 })
            }
            Body::ShortAnswer {
                answers,
                case_sensitive,
            } => {
                let Some(typed) = given.first() else {
                    return Outcome::Scored(0.0);
                };
                let norm = |s: &str| {
                    let spaced = s.split_whitespace().collect::<Vec<_>>().join(" ");
                    if *case_sensitive {
                        spaced
                    } else {
                        spaced.to_lowercase()
                    }
                };
                let typed = norm(typed);
                let best = answers
                    .iter()
                    .filter(|a| norm(&a.text) == typed)
                    .map(|a| a.weight)
                    .fold(0.0_f64, f64::max);
                share(best)
            }
            Body::Numeric { answers } => {
                let number = given
                    .first()
                    .and_then(|c| c.trim().replace(',', ".").parse::<f64>().ok())
                    .filter(|n| n.is_finite());
                let Some(n) = number else {
                    return Outcome::Scored(0.0);
                };
                let best = answers
                    .iter()
                    .filter(|a| a.accepts.accepts(n))
                    .map(|a| a.weight)
                    .fold(0.0_f64, f64::max);
                share(best)
            }
        }
    }

    /// Whether the player can deliver this question (matching and descriptions it cannot yet).
    pub fn deliverable(&self) -> Option<QuestionKind> {
        self.body.kind()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{AcceptedAnswer, ChoiceOption, Difficulty, NumericAnswer, NumericMatch, Text};
    use super::*;
    use serde_json::json;

    fn question(body: Body, points: f64) -> QuestionContent {
        QuestionContent {
            title: "q".into(),
            stem: Text::plain("stem"),
            body,
            general_feedback: None,
            points,
            difficulty: Difficulty::Medium,
            tags: Vec::new(),
            source_id: None,
        }
    }

    fn option(id: &str, weight: f64) -> ChoiceOption {
        ChoiceOption {
            id: id.into(),
            text: Text::plain(id.to_uppercase()),
            weight,
            feedback: None,
        }
    }

    #[test]
    fn single_choice_scores_the_weight_of_the_option_chosen() {
        let q = question(
            Body::Choice {
                multiple: false,
                options: vec![option("a", 100.0), option("b", 50.0), option("c", 0.0)],
            },
            4.0,
        );
        assert_eq!(q.score(Some(&json!(["a"]))), Outcome::Scored(4.0));
        assert_eq!(q.score(Some(&json!(["b"]))), Outcome::Scored(2.0));
        assert_eq!(q.score(Some(&json!(["c"]))), Outcome::Scored(0.0));
        assert_eq!(
            q.score(Some(&json!(["a", "b"]))),
            Outcome::Scored(0.0),
            "two picks"
        );
        assert_eq!(q.score(Some(&json!(["zz"]))), Outcome::Scored(0.0), "unknown id");
        assert_eq!(q.score(None), Outcome::Scored(0.0));
        assert_eq!(q.key_json(), json!(["a", "b"]));
    }

    #[test]
    fn multiple_answers_add_weights_and_never_go_below_zero_or_above_the_points() {
        let q = question(
            Body::Choice {
                multiple: true,
                options: vec![option("a", 50.0), option("b", 50.0), option("c", -100.0)],
            },
            2.0,
        );
        assert_eq!(q.score(Some(&json!(["a", "b"]))), Outcome::Scored(2.0));
        assert_eq!(q.score(Some(&json!(["a"]))), Outcome::Scored(1.0));
        assert_eq!(
            q.score(Some(&json!(["a", "a", "a"]))),
            Outcome::Scored(1.0),
            "repeats count once"
        );
        assert_eq!(q.score(Some(&json!(["a", "c"]))), Outcome::Scored(0.0));
        assert_eq!(q.score(Some(&json!(["a", "b", "c"]))), Outcome::Scored(0.0));
    }

    #[test]
    fn short_answers_take_the_best_match_and_respect_case_sensitivity() {
        let answers = vec![
            AcceptedAnswer {
                text: "Paris".into(),
                weight: 100.0,
                feedback: None,
            },
            AcceptedAnswer {
                text: "paris france".into(),
                weight: 50.0,
                feedback: None,
            },
        ];
        let loose = question(
            Body::ShortAnswer {
                answers: answers.clone(),
                case_sensitive: false,
            },
            2.0,
        );
        assert_eq!(loose.score(Some(&json!("  paris "))), Outcome::Scored(2.0));
        assert_eq!(loose.score(Some(&json!("Paris   France"))), Outcome::Scored(1.0));
        assert_eq!(loose.score(Some(&json!("Lyon"))), Outcome::Scored(0.0));
        let strict = question(
            Body::ShortAnswer {
                answers,
                case_sensitive: true,
            },
            2.0,
        );
        assert_eq!(strict.score(Some(&json!("paris"))), Outcome::Scored(0.0));
        assert_eq!(strict.score(Some(&json!("Paris"))), Outcome::Scored(2.0));
    }

    #[test]
    fn numbers_match_tolerances_and_ranges_and_refuse_nonsense() {
        let q = question(
            Body::Numeric {
                answers: vec![
                    NumericAnswer {
                        accepts: NumericMatch::Tolerance {
                            value: 2.5,
                            tolerance: 0.01,
                        },
                        weight: 100.0,
                        feedback: None,
                    },
                    NumericAnswer {
                        accepts: NumericMatch::Range { min: 2.0, max: 3.0 },
                        weight: 50.0,
                        feedback: None,
                    },
                ],
            },
            1.0,
        );
        assert_eq!(q.score(Some(&json!("2,505"))), Outcome::Scored(1.0));
        assert_eq!(q.score(Some(&json!("2.9"))), Outcome::Scored(0.5));
        assert_eq!(q.score(Some(&json!("3.1"))), Outcome::Scored(0.0));
        assert_eq!(q.score(Some(&json!("NaN"))), Outcome::Scored(0.0));
        assert_eq!(q.score(Some(&json!("inf"))), Outcome::Scored(0.0));
        assert_eq!(q.key_json(), json!("2.5 ± 0.01"));
    }

    #[test]
    fn true_false_is_all_or_nothing_and_essays_wait() {
        let q = question(
            Body::TrueFalse {
                correct: false,
                feedback_true: None,
                feedback_false: None,
            },
            3.0,
        );
        assert_eq!(q.score(Some(&json!(["false"]))), Outcome::Scored(3.0));
        assert_eq!(q.score(Some(&json!(["true"]))), Outcome::Scored(0.0));
        assert_eq!(q.shown_options().len(), 2);
        let essay = question(
            Body::Essay {
                grader_guidance: None,
            },
            5.0,
        );
        assert_eq!(essay.score(Some(&json!("text"))), Outcome::Pending);
    }
}
