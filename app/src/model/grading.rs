//! Grading essays by hand: the queue of attempts waiting, one attempt's sheet, a grade.

use serde::{Deserialize, Serialize};

/// A submitted attempt waiting for a person to grade its essays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradingItem {
    pub session_id: String,
    pub exam_title: String,
    pub candidate_name: String,
    pub submitted_at: i64,
    pub grading_status: String,
}

/// One question of an attempt, for the person grading it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradingQuestion {
    pub question_id: String,
    pub number: usize,
    pub kind: String,
    pub stem: String,
    pub points: i64,
    /// The candidate's answer, as text.
    pub answer: Option<String>,
    /// Points so far: automatic for objective questions, a person's for essays.
    pub awarded: Option<f64>,
    pub feedback: Option<String>,
    /// Essays are graded by a person; the rest were graded on submit.
    pub needs_person: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradingSheet {
    pub session_id: String,
    pub exam_title: String,
    pub candidate_name: String,
    pub submitted_at: i64,
    pub grading_status: String,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub passing_score: i64,
    pub questions: Vec<GradingQuestion>,
}

/// A person's grade for one essay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EssayGrade {
    pub question_id: String,
    pub points: f64,
    pub feedback: String,
}
