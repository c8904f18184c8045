//! The editor's working copy of a question: what the form shows (numbers as typed), turned
//! into the model on save. Weights the author did not touch (an import's partial credit) are
//! kept as they were.

use shared::question::{
    option_id, AcceptedAnswer, Body, ChoiceOption, Difficulty, FieldError, NumericAnswer, NumericMatch,
    QuestionContent, Text, TextFormat,
};

/// The types the editor writes: every type the player delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Single,
    Multiple,
    TrueFalse,
    Short,
    Numeric,
    Essay,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Single,
        Kind::Multiple,
        Kind::TrueFalse,
        Kind::Short,
        Kind::Numeric,
        Kind::Essay,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Single => "Single choice",
            Kind::Multiple => "Multiple answers",
            Kind::TrueFalse => "True or false",
            Kind::Short => "Short answer",
            Kind::Numeric => "Number",
            Kind::Essay => "Essay",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Kind::Single => "single",
            Kind::Multiple => "multiple",
            Kind::TrueFalse => "true_false",
            Kind::Short => "short",
            Kind::Numeric => "numeric",
            Kind::Essay => "essay",
        }
    }

    pub fn from_key(key: &str) -> Kind {
        Kind::ALL
            .into_iter()
            .find(|k| k.key() == key)
            .unwrap_or(Kind::Single)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OptionDraft {
    pub key: u32,
    pub text: String,
    pub weight: f64,
    pub feedback: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AnswerDraft {
    pub key: u32,
    pub text: String,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub kind: Kind,
    pub title: String,
    pub stem: String,
    pub stem_format: TextFormat,
    pub points: String,
    pub difficulty: Difficulty,
    pub tags: String,
    pub general_feedback: String,
    pub options: Vec<OptionDraft>,
    pub tf_correct: bool,
    pub feedback_true: String,
    pub feedback_false: String,
    pub answers: Vec<AnswerDraft>,
    pub case_sensitive: bool,
    pub value: String,
    pub tolerance: String,
    /// Numeric answers beyond the first, kept as they were.
    pub other_numbers: Vec<NumericAnswer>,
    pub guidance: String,
    pub source_id: Option<String>,
    pub next_key: u32,
}

fn text_of(t: &Option<Text>) -> String {
    t.as_ref().map(|t| t.text.clone()).unwrap_or_default()
}

fn optional(s: &str) -> Option<Text> {
    Some(Text::plain(s.trim())).filter(|t| !t.is_blank())
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

impl Draft {
    /// A new question: single choice with two empty options.
    pub fn new() -> Draft {
        let mut d = Draft {
            kind: Kind::Single,
            title: String::new(),
            stem: String::new(),
            stem_format: TextFormat::Markdown,
            points: "1".into(),
            difficulty: Difficulty::Medium,
            tags: String::new(),
            general_feedback: String::new(),
            options: Vec::new(),
            tf_correct: true,
            feedback_true: String::new(),
            feedback_false: String::new(),
            answers: Vec::new(),
            case_sensitive: false,
            value: String::new(),
            tolerance: "0".into(),
            other_numbers: Vec::new(),
            guidance: String::new(),
            source_id: None,
            next_key: 0,
        };
        d.add_option();
        d.add_option();
        d.add_answer();
        d
    }

    pub fn add_option(&mut self) {
        self.next_key += 1;
        self.options.push(OptionDraft {
            key: self.next_key,
            text: String::new(),
            weight: 0.0,
            feedback: String::new(),
        });
    }

    pub fn add_answer(&mut self) {
        self.next_key += 1;
        self.answers.push(AnswerDraft {
            key: self.next_key,
            text: String::new(),
            weight: 100.0,
        });
    }

    /// Marks an option right or not. One right option for single choice; for multiple answers
    /// the right ones share the points equally (wrong ones keep a penalty they had).
    pub fn set_correct(&mut self, key: u32, correct: bool) {
        if self.kind == Kind::Single {
            for o in &mut self.options {
                o.weight = if o.key == key && correct {
                    100.0
                } else {
                    o.weight.min(0.0)
                };
            }
            return;
        }
        if let Some(o) = self.options.iter_mut().find(|o| o.key == key) {
            o.weight = if correct { 1.0 } else { 0.0 };
        }
        let right = self.options.iter().filter(|o| o.weight > 0.0).count().max(1) as f64;
        for o in &mut self.options {
            if o.weight > 0.0 {
                o.weight = (100.0 / right * 1000.0).round() / 1000.0;
            }
        }
    }

    pub fn from_content(c: &QuestionContent) -> Draft {
        let mut d = Draft::new();
        d.options.clear();
        d.answers.clear();
        d.title = c.title.clone();
        d.stem = c.stem.text.clone();
        d.stem_format = c.stem.format;
        d.points = number(c.points);
        d.difficulty = c.difficulty;
        d.tags = c.tags.join(", ");
        d.general_feedback = text_of(&c.general_feedback);
        d.source_id = c.source_id.clone();
        match &c.body {
            Body::Choice { multiple, options } => {
                d.kind = if *multiple { Kind::Multiple } else { Kind::Single };
                for o in options {
                    d.next_key += 1;
                    d.options.push(OptionDraft {
                        key: d.next_key,
                        text: o.text.text.clone(),
                        weight: o.weight,
                        feedback: text_of(&o.feedback),
                    });
                }
            }
            Body::TrueFalse {
                correct,
                feedback_true,
                feedback_false,
            } => {
                d.kind = Kind::TrueFalse;
                d.tf_correct = *correct;
                d.feedback_true = text_of(feedback_true);
                d.feedback_false = text_of(feedback_false);
            }
            Body::ShortAnswer {
                answers,
                case_sensitive,
            } => {
                d.kind = Kind::Short;
                d.case_sensitive = *case_sensitive;
                for a in answers {
                    d.next_key += 1;
                    d.answers.push(AnswerDraft {
                        key: d.next_key,
                        text: a.text.clone(),
                        weight: a.weight,
                    });
                }
            }
            Body::Numeric { answers } => {
                d.kind = Kind::Numeric;
                let first = answers
                    .iter()
                    .position(|a| matches!(a.accepts, NumericMatch::Tolerance { .. }) && a.weight >= 100.0);
                if let Some(i) = first {
                    if let NumericMatch::Tolerance { value, tolerance } = answers[i].accepts {
                        d.value = number(value);
                        d.tolerance = number(tolerance);
                    }
                }
                d.other_numbers = answers
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| Some(*i) != first)
                    .map(|(_, a)| a.clone())
                    .collect();
            }
            Body::Essay { grader_guidance } => {
                d.kind = Kind::Essay;
                d.guidance = text_of(grader_guidance);
            }
            Body::Matching { .. } | Body::Description => {}
        }
        if d.options.is_empty() {
            d.add_option();
            d.add_option();
        }
        if d.answers.is_empty() {
            d.add_answer();
        }
        d
    }

    /// The question as the model holds it, or the fields that cannot be read as typed (a
    /// number that is not one). Everything else is the server's to judge.
    pub fn to_content(&self) -> Result<QuestionContent, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut parse = |raw: &str, field: &str, what: &str| -> f64 {
            match raw.trim().replace(',', ".").parse::<f64>() {
                Ok(n) if n.is_finite() => n,
                _ => {
                    errors.push(FieldError {
                        field: field.into(),
                        message: format!("Enter {what} as a number."),
                    });
                    0.0
                }
            }
        };
        let points = parse(&self.points, "points", "the points");
        let body = match self.kind {
            Kind::Single | Kind::Multiple => Body::Choice {
                multiple: self.kind == Kind::Multiple,
                options: self
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| ChoiceOption {
                        id: option_id(i),
                        text: Text::plain(o.text.trim()),
                        weight: o.weight,
                        feedback: optional(&o.feedback),
                    })
                    .collect(),
            },
            Kind::TrueFalse => Body::TrueFalse {
                correct: self.tf_correct,
                feedback_true: optional(&self.feedback_true),
                feedback_false: optional(&self.feedback_false),
            },
            Kind::Short => Body::ShortAnswer {
                answers: self
                    .answers
                    .iter()
                    .filter(|a| !a.text.trim().is_empty())
                    .map(|a| AcceptedAnswer {
                        text: a.text.trim().to_string(),
                        weight: a.weight,
                        feedback: None,
                    })
                    .collect(),
                case_sensitive: self.case_sensitive,
            },
            Kind::Numeric => {
                let value = parse(&self.value, "answers[0].value", "the right number");
                let tolerance = parse(&self.tolerance, "answers[0].tolerance", "the tolerance");
                let mut answers = vec![NumericAnswer {
                    accepts: NumericMatch::Tolerance { value, tolerance },
                    weight: 100.0,
                    feedback: None,
                }];
                answers.extend(self.other_numbers.iter().cloned());
                Body::Numeric { answers }
            }
            Kind::Essay => Body::Essay {
                grader_guidance: optional(&self.guidance),
            },
        };
        let content = QuestionContent {
            title: self.title.trim().to_string(),
            stem: Text {
                format: self.stem_format,
                text: self.stem.clone(),
            },
            body,
            general_feedback: optional(&self.general_feedback),
            points,
            difficulty: self.difficulty,
            tags: self
                .tags
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(String::from)
                .collect(),
            source_id: self.source_id.clone(),
        };
        if errors.is_empty() {
            Ok(content)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_round_trips_through_the_model() {
        let mut d = Draft::new();
        d.title = "Ports".into();
        d.stem = "Which port?".into();
        d.options[0].text = "443".into();
        d.options[1].text = "80".into();
        let key = d.options[0].key;
        d.set_correct(key, true);
        let c = d.to_content().unwrap();
        assert_eq!(c.problems(), vec![]);
        assert_eq!(Draft::from_content(&c).to_content().unwrap(), c);
    }

    #[test]
    fn right_answers_share_the_points_and_single_choice_has_one() {
        let mut d = Draft::new();
        d.kind = Kind::Multiple;
        d.add_option();
        let keys: Vec<u32> = d.options.iter().map(|o| o.key).collect();
        d.set_correct(keys[0], true);
        d.set_correct(keys[2], true);
        assert_eq!(
            d.options.iter().map(|o| o.weight).collect::<Vec<_>>(),
            [50.0, 0.0, 50.0]
        );
        d.kind = Kind::Single;
        d.set_correct(keys[1], true);
        assert_eq!(
            d.options.iter().map(|o| o.weight).collect::<Vec<_>>(),
            [0.0, 100.0, 0.0]
        );
    }

    #[test]
    fn numbers_that_are_not_numbers_are_named() {
        let mut d = Draft::new();
        d.kind = Kind::Numeric;
        d.points = "two".into();
        d.value = "9,81".into();
        d.tolerance = "a bit".into();
        let fields: Vec<String> = d.to_content().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["points", "answers[0].tolerance"]);
    }
}
