//! CSV downloads for an exam's staff. RFC 4180: UTF-8, a header row, every field quoted, a
//! quote inside a field doubled, so a name with a comma, a quote or a line break survives a
//! spreadsheet. A field a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`)
//! is prefixed with an apostrophe.

use super::db;
use crate::error::AppError;
use shared::{FlagType, ReviewState};
use sqlx::AnyPool;
use std::collections::HashMap;

/// Roles that may download an exam's sessions.
pub const SESSION_EXPORTERS: &[shared::Role] = &[
    shared::Role::OrgAdmin,
    shared::Role::ExamCoordinator,
    shared::Role::ProctorReviewer,
    shared::Role::QualityAssurance,
    shared::Role::ReportViewer,
];

/// One field, quoted.
pub fn field(value: &str) -> String {
    let guarded = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    };
    format!("\"{}\"", guarded.replace('"', "\"\""))
}

fn row(fields: &[String]) -> String {
    let mut line = fields.iter().map(|f| field(f)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// Every attempt at the exam: candidate, score, review outcome and confirmed flags per type.
pub async fn sessions_csv(pool: &AnyPool, exam_id: &str) -> Result<String, AppError> {
    let sessions = db::exam_sessions::review::for_export(pool, exam_id).await?;
    let mut confirmed: HashMap<(String, String), i64> = HashMap::new();
    for (session, flag_type, n) in db::flags::confirmed_per_type(pool, exam_id).await? {
        confirmed.insert((session, flag_type), n);
    }
    let mut header: Vec<String> = [
        "candidate",
        "email",
        "attempt",
        "submitted_at_utc",
        "score",
        "max_score",
        "percentage",
        "passed",
        "minutes_used",
        "review_outcome",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(FlagType::ALL.iter().map(|t| format!("confirmed_{}", t.as_str())));
    let mut out = String::from("\u{feff}");
    out.push_str(&row(&header));
    for s in sessions {
        let outcome = s
            .review_state
            .parse::<ReviewState>()
            .map(|r| r.as_str().to_string())
            .unwrap_or(s.review_state.clone());
        let percentage = match (s.score, s.max_score) {
            (Some(sc), Some(m)) => shared::grading::percentage(sc, m).to_string(),
            _ => String::new(),
        };
        let mut fields = vec![
            s.candidate_name.clone(),
            s.candidate_email.clone(),
            s.attempt_no.to_string(),
            s.submitted_at.map(iso_utc).unwrap_or_default(),
            s.score.map(|v| v.to_string()).unwrap_or_default(),
            s.max_score.map(|v| v.to_string()).unwrap_or_default(),
            percentage,
            match s.passed {
                Some(1) => "yes".into(),
                Some(_) => "no".into(),
                None => String::new(),
            },
            s.submitted_at
                .map(|at| format!("{:.1}", at.saturating_sub(s.started_at) as f64 / 60_000.0))
                .unwrap_or_default(),
            outcome,
        ];
        fields.extend(FlagType::ALL.iter().map(|t| {
            confirmed
                .get(&(s.id.clone(), t.as_str().to_string()))
                .copied()
                .unwrap_or(0)
                .to_string()
        }));
        out.push_str(&row(&fields));
    }
    Ok(out)
}

/// The item analysis of an exam's report: one row per question.
pub fn items_csv(report: &crate::model::reports::ExamReport) -> String {
    let num = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_default();
    let mut out = String::from("\u{feff}");
    out.push_str(&row(&[
        "number",
        "question",
        "kind",
        "max_points",
        "attempts",
        "facility_percent",
        "sd_percent",
        "discrimination_index",
        "discriminative_efficiency",
        "needs_checking",
    ]
    .map(String::from)));
    for item in &report.items {
        out.push_str(&row(&[
            item.number.to_string(),
            item.title.clone(),
            item.kind.clone(),
            item.max_points.to_string(),
            item.attempts.to_string(),
            num(item.facility),
            num(item.sd),
            num(item.discrimination),
            num(item.efficiency),
            item.concerns
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ]));
    }
    out
}

/// Every flag raised in an exam: whose attempt, what, how severe, and what reviewers decided.
pub async fn flags_csv(pool: &AnyPool, exam_id: &str) -> Result<String, AppError> {
    let mut out = String::from("\u{feff}");
    out.push_str(&row(&[
        "candidate",
        "email",
        "attempt",
        "flag_type",
        "severity",
        "raised_at_utc",
        "status",
        "resolution",
    ]
    .map(String::from)));
    for f in db::flags::for_export(pool, exam_id).await? {
        out.push_str(&row(&[
            f.candidate_name,
            f.candidate_email,
            f.attempt_no.to_string(),
            f.flag_type,
            f.severity,
            iso_utc(f.raised_at),
            f.status,
            f.resolution.unwrap_or_default(),
        ]));
    }
    Ok(out)
}

/// `2026-11-22T16:52:07Z`
fn iso_utc(ms: i64) -> String {
    let date = crate::format::datetime(ms);
    let time = crate::format::time_of_day(ms);
    format!("{}T{}Z", &date[..10], &time[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(field("Doe, \"Jo\""), "\"Doe, \"\"Jo\"\"\"");
        assert_eq!(field("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
        assert_eq!(field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(iso_utc(1_795_366_327_000), "2026-11-22T16:52:07Z");
    }
}
