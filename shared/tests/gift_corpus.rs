//! The public GIFT corpus (GIFT-grammar-PEG.js's test data, MIT) that sits beside this
//! repository in `../shared/corpora/gift`: each `.gift` file is parsed by Vigil's importer and
//! compared, field by field, with the parse its authors expect (the `.json` beside it), mapped
//! onto Vigil's own model.
//!
//! This test reads `../shared`, which is not part of the repository: where a clone has no
//! `../shared` beside it, it prints a notice and passes without checking anything. The
//! repository's own fixtures (`tests/gift_fixtures.rs`) test the importer in any clone.
#![cfg(feature = "interchange")]

use serde_json::{json, Value};
use shared::import::gift;
use shared::question::{Body, NumericMatch, Text, TextFormat};
use std::path::PathBuf;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpora/gift")
}

fn format_name(f: TextFormat) -> &'static str {
    match f {
        TextFormat::Plain => "plain",
        TextFormat::Markdown => "markdown",
        TextFormat::Html => "html",
    }
}

fn text(t: &Text) -> Value {
    json!({"format": format_name(t.format), "text": t.text})
}

fn opt_text(t: &Option<Text>) -> Value {
    t.as_ref().map(text).unwrap_or(Value::Null)
}

/// The corpus's text object in Vigil's terms: Moodle's "moodle" auto-format reads as plain.
fn expected_text(v: &Value) -> Value {
    if v.is_null() {
        return Value::Null;
    }
    let format = match v["format"].as_str() {
        Some("html") => "html",
        Some("markdown") => "markdown",
        _ => "plain",
    };
    json!({"format": format, "text": v["text"]})
}

fn numeric_expected(v: &Value) -> Value {
    if v["text"] == "*" {
        return json!("any");
    }
    match v["type"].as_str() {
        Some("simple") => json!({"value": v["number"], "tolerance": 0.0}),
        Some("range") => json!({"value": v["number"], "tolerance": v["range"]}),
        Some("high-low") => json!({"min": v["numberLow"], "max": v["numberHigh"]}),
        _ => Value::Null,
    }
}

fn numeric_actual(m: &NumericMatch) -> Value {
    match *m {
        NumericMatch::Tolerance { value, tolerance } => json!({"value": value, "tolerance": tolerance}),
        NumericMatch::Range { min, max } => json!({"min": min, "max": max}),
        NumericMatch::Any => json!("any"),
    }
}

/// Numbers compared as f64, whatever JSON spelling (1822 or 1822.0).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// The expected question, reduced to the fields Vigil's model holds.
fn expected_question(q: &Value) -> Value {
    let weight = |c: &Value, default: f64| c["weight"].as_f64().unwrap_or(default);
    let body = match q["type"].as_str().unwrap_or_default() {
        "MC" => {
            json!({"type": "choice", "options": q["choices"].as_array().into_iter().flatten().map(|c| json!({
            "text": expected_text(&c["text"]),
            "weight": weight(c, if c["isCorrect"] == true { 100.0 } else { 0.0 }),
            "feedback": expected_text(&c["feedback"]),
        })).collect::<Vec<_>>()})
        }
        // The corpus names the two feedbacks by their place ("trueFeedback" is the first);
        // Moodle shows the first after a wrong answer and the second after a right one.
        "TF" => json!({"type": "true_false", "correct": q["isTrue"],
            "first_feedback": expected_text(&q["trueFeedback"]),
            "second_feedback": expected_text(&q["falseFeedback"])}),
        "Short" => {
            json!({"type": "short_answer", "answers": q["choices"].as_array().into_iter().flatten().map(|c| json!({
            "text": c["text"]["text"], "weight": weight(c, 100.0), "feedback": expected_text(&c["feedback"]),
        })).collect::<Vec<_>>()})
        }
        "Numerical" => {
            let answers: Vec<Value> = match &q["choices"] {
                Value::Array(list) => list
                    .iter()
                    .map(|c| json!({"accepts": numeric_expected(&c["text"]), "weight": weight(c, if c["isCorrect"] == true { 100.0 } else { 0.0 }), "feedback": expected_text(&c["feedback"])}))
                    .collect(),
                single => vec![json!({"accepts": numeric_expected(single), "weight": 100.0, "feedback": null})],
            };
            json!({"type": "numeric", "answers": answers})
        }
        "Matching" => {
            json!({"type": "matching", "pairs": q["matchPairs"].as_array().into_iter().flatten().map(|p| json!({
            "prompt": expected_text(&p["subquestion"]), "answer": p["subanswer"],
        })).collect::<Vec<_>>()})
        }
        "Essay" => json!({"type": "essay"}),
        "Description" => json!({"type": "description"}),
        other => json!({"type": format!("unknown corpus type {other}")}),
    };
    json!({
        "title": q["title"],
        "stem": expected_text(&q["stem"]),
        "embedded": q["hasEmbeddedAnswers"],
        "general_feedback": expected_text(&q["globalFeedback"]),
        "id": q["id"],
        "tags": q["tags"].as_array().cloned().unwrap_or_default(),
        "body": body,
    })
}

fn actual_question(q: &shared::import::ImportedQuestion, title_given: bool) -> Value {
    let c = &q.content;
    let body = match &c.body {
        Body::Choice { options, .. } => json!({"type": "choice", "options": options.iter().map(|o| json!({
            "text": text(&o.text), "weight": o.weight, "feedback": opt_text(&o.feedback),
        })).collect::<Vec<_>>()}),
        Body::TrueFalse {
            correct,
            feedback_true,
            feedback_false,
        } => {
            let (wrong, right) = if *correct {
                (feedback_false, feedback_true)
            } else {
                (feedback_true, feedback_false)
            };
            json!({"type": "true_false", "correct": correct, "first_feedback": opt_text(wrong), "second_feedback": opt_text(right)})
        }
        Body::ShortAnswer { answers, .. } => {
            json!({"type": "short_answer", "answers": answers.iter().map(|a| json!({
            "text": a.text, "weight": a.weight, "feedback": opt_text(&a.feedback),
        })).collect::<Vec<_>>()})
        }
        Body::Numeric { answers } => json!({"type": "numeric", "answers": answers.iter().map(|a| json!({
            "accepts": numeric_actual(&a.accepts), "weight": a.weight, "feedback": opt_text(&a.feedback),
        })).collect::<Vec<_>>()}),
        Body::Matching { pairs } => json!({"type": "matching", "pairs": pairs.iter().map(|p| json!({
            "prompt": text(&p.prompt), "answer": p.answer,
        })).collect::<Vec<_>>()}),
        Body::Essay { .. } => json!({"type": "essay"}),
        Body::Description => json!({"type": "description"}),
    };
    json!({
        // A question without a title gets one made from its text; the corpus has none to compare.
        "title": if title_given { json!(c.title) } else { Value::Null },
        "stem": text(&c.stem),
        "embedded": q.embedded_answer,
        "general_feedback": opt_text(&c.general_feedback),
        "id": c.source_id,
        "tags": c.tags,
        "body": body,
    })
}

#[test]
fn every_corpus_case_parses_as_its_authors_expect() {
    let dir = corpus_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "notice: {} is absent (a clone without ../shared beside it): the GIFT corpus is not checked",
            dir.display()
        );
        return;
    };
    let mut cases: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "gift"))
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 40,
        "the corpus should hold its 50 cases, found {}",
        cases.len()
    );

    let mut failures = Vec::new();
    let mut compared = 0;
    for case in &cases {
        let name = case
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let source = std::fs::read(case).expect("read the case");
        let expected: Value =
            serde_json::from_slice(&std::fs::read(case.with_extension("json")).expect("read its json"))
                .expect("the corpus json parses");
        let text = shared::import::text_of(&source).expect("corpus files are UTF-8");
        let parsed = gift::parse(text);

        let mut category = None;
        let mut questions = parsed.questions.iter();
        for item in expected.as_array().expect("a list of questions") {
            if item["type"] == "Category" {
                category = item["title"].as_str().map(str::to_string);
                continue;
            }
            compared += 1;
            let want = expected_question(item);
            let Some(got) = questions.next() else {
                failures.push(format!(
                    "{name}: missing {want}\n  findings: {:?}",
                    parsed.findings
                ));
                continue;
            };
            let got_value = actual_question(got, !item["title"].is_null());
            if !same(&want, &got_value) {
                failures.push(format!(
                    "{name} ({}):\n  want {want}\n  got  {got_value}",
                    got.location
                ));
            }
            if got.category != category {
                failures.push(format!("{name}: category {:?}, want {category:?}", got.category));
            }
        }
        for extra in questions {
            failures.push(format!("{name}: an extra question at {}", extra.location));
        }
        if let Some(f) = parsed.findings.iter().find(|f| f.skipped) {
            failures.push(format!("{name}: skipped {} ({})", f.location, f.message));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} questions differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{compared} questions in {} corpus files match", cases.len());
}
