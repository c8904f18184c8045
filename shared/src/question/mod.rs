//! What an author writes: one version of a question, in a model that holds everything Moodle's
//! GIFT and XML formats and QTI carry (stem formats, per-option feedback and weights, several
//! accepted answers, numeric tolerances and ranges, matching pairs, general feedback), so an
//! import loses nothing and an export writes it back out.
//!
//! Weights are percentages of the question's points, as in Moodle: 100 is a full answer, 50 half,
//! a negative weight takes points away on a multiple-answer question.

use crate::domain::named_enum;
use crate::grading::QuestionKind;
use serde::{Deserialize, Serialize};

named_enum!(
    /// How a text is written. Moodle's "moodle auto-format" reads as plain text.
    TextFormat, "text format" {
        Plain => "PLAIN",
        Markdown => "MARKDOWN",
        Html => "HTML",
    }
);

named_enum!(
    Difficulty, "difficulty" {
        Easy => "EASY",
        Medium => "MEDIUM",
        Hard => "HARD",
    }
);

/// A piece of text with the format it is written in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Text {
    pub format: TextFormat,
    pub text: String,
}

impl Text {
    pub fn plain(text: impl Into<String>) -> Self {
        Text {
            format: TextFormat::Plain,
            text: text.into(),
        }
    }

    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// One option of a choice question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChoiceOption {
    /// Stable within the question: what a candidate's saved answer names.
    pub id: String,
    pub text: Text,
    /// Percent of the points this option is worth (negative: a penalty).
    pub weight: f64,
    pub feedback: Option<Text>,
}

/// The identifier of the option at `index`: a, b, … z, aa, ab, … (what a candidate's saved
/// answer names, and what the player shows beside the option).
pub fn option_id(index: usize) -> String {
    let mut n = index;
    let mut id = Vec::new();
    loop {
        // `n % 26` is below 26, so the byte stays within a..=z.
        id.push(b'a' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    id.reverse();
    String::from_utf8(id).unwrap_or_default()
}

/// One accepted text of a short-answer question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcceptedAnswer {
    pub text: String,
    pub weight: f64,
    pub feedback: Option<Text>,
}

/// Which numbers a numeric answer accepts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NumericMatch {
    /// `value`, give or take `tolerance`.
    Tolerance { value: f64, tolerance: f64 },
    /// Anything from `min` to `max`, both included.
    Range { min: f64, max: f64 },
    /// Any other number (Moodle's `*`): carries the feedback for a wrong answer.
    Any,
}

impl NumericMatch {
    pub fn accepts(&self, given: f64) -> bool {
        match *self {
            NumericMatch::Tolerance { value, tolerance } => (given - value).abs() <= tolerance,
            NumericMatch::Range { min, max } => (min..=max).contains(&given),
            NumericMatch::Any => given.is_finite(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericAnswer {
    pub accepts: NumericMatch,
    pub weight: f64,
    pub feedback: Option<Text>,
}

/// One pair of a matching question: a prompt and the answer that belongs to it. A pair with an
/// empty prompt only adds its answer to the choices (a distractor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchPair {
    pub prompt: Text,
    pub answer: String,
}

/// The part of a question that differs by type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Body {
    /// Single choice (`multiple == false`) or multiple answers.
    Choice {
        multiple: bool,
        options: Vec<ChoiceOption>,
    },
    TrueFalse {
        correct: bool,
        /// Shown to a candidate who answered "true".
        feedback_true: Option<Text>,
        /// Shown to a candidate who answered "false".
        feedback_false: Option<Text>,
    },
    ShortAnswer {
        answers: Vec<AcceptedAnswer>,
        case_sensitive: bool,
    },
    Numeric {
        answers: Vec<NumericAnswer>,
    },
    Matching {
        pairs: Vec<MatchPair>,
    },
    Essay {
        /// What graders should look for; never shown to candidates.
        grader_guidance: Option<Text>,
    },
    /// Text between questions (instructions); nothing to answer.
    Description,
}

impl Body {
    /// The kind the exam player delivers, or `None` for what it cannot deliver yet
    /// (matching questions, descriptions).
    pub fn kind(&self) -> Option<QuestionKind> {
        match self {
            Body::Choice { multiple: false, .. } => Some(QuestionKind::MultipleChoiceSingle),
            Body::Choice { multiple: true, .. } => Some(QuestionKind::MultipleChoiceMulti),
            Body::TrueFalse { .. } => Some(QuestionKind::TrueFalse),
            Body::ShortAnswer { .. } => Some(QuestionKind::ShortAnswer),
            Body::Numeric { .. } => Some(QuestionKind::Numeric),
            Body::Essay { .. } => Some(QuestionKind::Essay),
            Body::Matching { .. } | Body::Description => None,
        }
    }

    /// A name people read for the type.
    pub fn label(&self) -> &'static str {
        match self {
            Body::Choice { multiple: false, .. } => "single choice",
            Body::Choice { multiple: true, .. } => "multiple answers",
            Body::TrueFalse { .. } => "true/false",
            Body::ShortAnswer { .. } => "short answer",
            Body::Numeric { .. } => "numeric",
            Body::Matching { .. } => "matching",
            Body::Essay { .. } => "essay",
            Body::Description => "description",
        }
    }
}

/// One version of a question as its author wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionContent {
    /// A short name for the bank's list (GIFT's `::title::`, Moodle's name).
    pub title: String,
    pub stem: Text,
    pub body: Body,
    /// Shown to every candidate after the question, whatever they answered.
    pub general_feedback: Option<Text>,
    pub points: f64,
    pub difficulty: Difficulty,
    pub tags: Vec<String>,
    /// The identifier the question had where it came from (GIFT `[id:…]`, Moodle's idnumber,
    /// a QTI item's identifier): what lets a second import of one file find the first.
    pub source_id: Option<String>,
}

impl QuestionContent {
    /// Calls `f` on every text of the question that a person reads (stem, feedback, options,
    /// prompts, guidance): what an import rewrites when its files get their new addresses.
    pub fn for_each_text(&mut self, mut f: impl FnMut(&mut String)) {
        f(&mut self.stem.text);
        let feedback = |t: &mut Option<Text>, f: &mut dyn FnMut(&mut String)| {
            if let Some(t) = t {
                f(&mut t.text);
            }
        };
        feedback(&mut self.general_feedback, &mut f);
        match &mut self.body {
            Body::Choice { options, .. } => {
                for o in options {
                    f(&mut o.text.text);
                    feedback(&mut o.feedback, &mut f);
                }
            }
            Body::TrueFalse {
                feedback_true,
                feedback_false,
                ..
            } => {
                feedback(feedback_true, &mut f);
                feedback(feedback_false, &mut f);
            }
            Body::ShortAnswer { answers, .. } => {
                for a in answers {
                    feedback(&mut a.feedback, &mut f);
                }
            }
            Body::Numeric { answers } => {
                for a in answers {
                    feedback(&mut a.feedback, &mut f);
                }
            }
            Body::Matching { pairs } => {
                for p in pairs {
                    f(&mut p.prompt.text);
                }
            }
            Body::Essay { grader_guidance } => feedback(grader_guidance, &mut f),
            Body::Description => {}
        }
    }
}

mod deliver;
mod problems;
pub use deliver::ShownOption;
pub use problems::{limits, FieldError};

#[cfg(test)]
mod tests {
    use super::*;

    fn question(body: Body) -> QuestionContent {
        QuestionContent {
            title: "Ports".into(),
            stem: Text::plain("Which port does HTTPS use?"),
            body,
            general_feedback: None,
            points: 1.0,
            difficulty: Difficulty::Medium,
            tags: vec![],
            source_id: None,
        }
    }

    fn option(id: &str, weight: f64) -> ChoiceOption {
        ChoiceOption {
            id: id.into(),
            text: Text::plain(format!("option {id}")),
            weight,
            feedback: None,
        }
    }

    fn fields(q: &QuestionContent) -> Vec<String> {
        q.problems().into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_sound_question_has_no_problems() {
        let q = question(Body::Choice {
            multiple: false,
            options: vec![option("a", 100.0), option("b", 0.0)],
        });
        assert_eq!(q.problems(), vec![]);
    }

    #[test]
    fn a_choice_without_a_correct_option_is_refused() {
        let q = question(Body::Choice {
            multiple: false,
            options: vec![option("a", 0.0), option("b", 0.0)],
        });
        assert_eq!(fields(&q), ["options"]);
        assert!(q.problems()[0].message.contains("correct"));
        let q = question(Body::Choice {
            multiple: false,
            options: vec![option("a", 50.0), option("b", 50.0)],
        });
        assert_eq!(fields(&q), ["options"], "single choice needs a full answer");
        let q = question(Body::Choice {
            multiple: true,
            options: vec![option("a", 50.0), option("a", 50.0)],
        });
        assert_eq!(fields(&q), ["options"], "duplicate ids");
    }

    #[test]
    fn empty_text_huge_text_and_bad_points_name_their_field() {
        let mut q = question(Body::Essay {
            grader_guidance: None,
        });
        q.stem = Text::plain("   ");
        q.points = -1.0;
        assert_eq!(fields(&q), ["stem", "points"]);
        q.stem = Text::plain("x".repeat(5 * 1024 * 1024));
        q.points = f64::NAN;
        assert_eq!(fields(&q), ["stem", "points"]);
    }

    #[test]
    fn a_negative_tolerance_or_an_upside_down_range_is_refused() {
        let q = question(Body::Numeric {
            answers: vec![
                NumericAnswer {
                    accepts: NumericMatch::Tolerance {
                        value: 3.0,
                        tolerance: -0.5,
                    },
                    weight: 100.0,
                    feedback: None,
                },
                NumericAnswer {
                    accepts: NumericMatch::Range { min: 5.0, max: 1.0 },
                    weight: 50.0,
                    feedback: None,
                },
            ],
        });
        assert_eq!(fields(&q), ["answers[0].tolerance", "answers[1].range"]);
    }

    #[test]
    fn option_ids_run_like_spreadsheet_columns() {
        let ids: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702].map(option_id).to_vec();
        assert_eq!(ids, ["a", "b", "z", "aa", "ab", "az", "ba", "zz", "aaa"]);
    }

    #[test]
    fn numeric_matches_include_their_edges() {
        let t = NumericMatch::Tolerance {
            value: 1822.0,
            tolerance: 2.0,
        };
        assert!(t.accepts(1820.0) && t.accepts(1824.0) && !t.accepts(1824.5));
        let r = NumericMatch::Range { min: -5.0, max: 5.0 };
        assert!(r.accepts(-5.0) && r.accepts(5.0) && !r.accepts(5.01));
        assert!(!r.accepts(f64::NAN));
    }

    #[test]
    fn short_answers_need_one_accepted_text() {
        let q = question(Body::ShortAnswer {
            answers: vec![AcceptedAnswer {
                text: "*".into(),
                weight: 0.0,
                feedback: None,
            }],
            case_sensitive: false,
        });
        assert_eq!(fields(&q), ["answers"]);
    }

    #[test]
    fn the_player_delivers_every_kind_but_matching_and_descriptions() {
        assert_eq!(
            Body::TrueFalse {
                correct: true,
                feedback_true: None,
                feedback_false: None
            }
            .kind(),
            Some(QuestionKind::TrueFalse)
        );
        assert_eq!(Body::Matching { pairs: vec![] }.kind(), None);
        assert_eq!(Body::Description.kind(), None);
    }
}
