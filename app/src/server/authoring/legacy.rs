//! Questions stored the way they were before versions (the demo data's: a kind, a stem, options
//! and an answer key as JSON on the `questions` row) get an approved version 1 holding the same
//! question, so their banks list them like any other.

use crate::error::AppError;
use crate::server::db;
use crate::server::new_id;
use shared::grading::AnswerKey;
use shared::question::{
    AcceptedAnswer, Body, ChoiceOption, Difficulty, NumericAnswer, NumericMatch, QuestionContent, Text,
};

/// The same question in the version model.
pub fn content_of(q: &db::exams::NewQuestion<'_>) -> Option<QuestionContent> {
    let key: AnswerKey = serde_json::from_str(q.answer_json).ok()?;
    let options: Vec<crate::model::ChoiceOption> = serde_json::from_str(q.options_json).unwrap_or_default();
    let correct = |list: &AnswerKey| match list {
        AnswerKey::List(ids) => ids.clone(),
        _ => Vec::new(),
    };
    let body = match q.kind {
        "MULTIPLE_CHOICE_SINGLE" | "MULTIPLE_CHOICE_MULTI" => {
            let right = correct(&key);
            let share = 100.0 / right.len().max(1) as f64;
            let multiple = q.kind == "MULTIPLE_CHOICE_MULTI";
            Body::Choice {
                multiple,
                options: options
                    .into_iter()
                    .map(|o| ChoiceOption {
                        // As the demo graded before versions: each wrong pick of a
                        // multiple-answer question takes one right pick's share away.
                        weight: match (right.contains(&o.id), multiple) {
                            (true, true) => share,
                            (true, false) => 100.0,
                            (false, true) => -share,
                            (false, false) => 0.0,
                        },
                        id: o.id,
                        text: Text::plain(o.text),
                        feedback: None,
                    })
                    .collect(),
            }
        }
        "TRUE_FALSE" => Body::TrueFalse {
            correct: correct(&key).iter().any(|c| c == "true"),
            feedback_true: None,
            feedback_false: None,
        },
        "SHORT_ANSWER" => Body::ShortAnswer {
            answers: correct(&key)
                .into_iter()
                .map(|text| AcceptedAnswer {
                    text,
                    weight: 100.0,
                    feedback: None,
                })
                .collect(),
            case_sensitive: false,
        },
        "NUMERIC" => match key {
            AnswerKey::Number { value, tolerance } => Body::Numeric {
                answers: vec![NumericAnswer {
                    accepts: NumericMatch::Tolerance {
                        value,
                        tolerance: tolerance.abs(),
                    },
                    weight: 100.0,
                    feedback: None,
                }],
            },
            _ => return None,
        },
        "ESSAY" => Body::Essay {
            grader_guidance: None,
        },
        _ => return None,
    };
    let mut title: String = q.stem.chars().take(60).collect();
    if q.stem.chars().count() > 60 {
        title.push('…');
    }
    Some(QuestionContent {
        title,
        stem: Text::plain(q.stem),
        body,
        general_feedback: q.explanation.map(Text::plain),
        points: q.points as f64,
        difficulty: Difficulty::Medium,
        tags: Vec::new(),
        source_id: None,
    })
}

/// Records an approved version 1 of a question stored the old way.
pub async fn record_version(
    tx: &mut sqlx::AnyConnection,
    q: &db::exams::NewQuestion<'_>,
    author: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    let Some(content) = content_of(q) else {
        tracing::warn!(question_id = %q.id, kind = %q.kind, "a demo question has no version: its kind or key did not read");
        return Ok(());
    };
    let version_id = new_id();
    let content_json = serde_json::to_string(&content).map_err(|_| AppError::Internal)?;
    db::question_versions::insert_version(
        &mut *tx,
        db::question_versions::NewVersion {
            id: &version_id,
            question_id: q.id,
            kind: q.kind,
            title: &content.title,
            difficulty: content.difficulty.as_str(),
            content_json: &content_json,
            created_by: author,
        },
        now,
    )
    .await?;
    db::question_versions::set_status(&mut *tx, &version_id, "DRAFT", "APPROVED", None, None, now).await?;
    Ok(())
}
