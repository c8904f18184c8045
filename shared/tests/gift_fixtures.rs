//! Vigil's GIFT importer on the repository's own fixtures (any clone can run these), and on
//! arbitrary input, which it must never panic on.
#![cfg(feature = "interchange")]

use proptest::prelude::*;
use shared::import::{gift, Location};
use shared::question::{Body, NumericMatch, TextFormat};

const FIXTURE: &str = include_str!("fixtures/networking.gift");

#[test]
fn every_type_is_read_with_its_weights_feedback_and_category() {
    let parsed = gift::parse(FIXTURE);
    let titles: Vec<&str> = parsed
        .questions
        .iter()
        .map(|q| q.content.title.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "HTTPS port",
            "Secure protocols",
            "UDP",
            "Layer name",
            "Subnet size",
            "Year",
            "Essay",
            "Match",
            "Intro"
        ]
    );
    let q = &parsed.questions;

    // Single choice, with per-option feedback, general feedback, id, tags and category.
    assert_eq!(q[0].location, Location::Line(7));
    assert_eq!(q[0].category.as_deref(), Some("$course$/top/Networking/Ports"));
    assert_eq!(q[0].content.source_id.as_deref(), Some("net-https-port"));
    assert_eq!(q[0].content.tags, ["ports", "tls"]);
    let Body::Choice {
        multiple: false,
        options,
    } = &q[0].content.body
    else {
        panic!("{:?}", q[0].content.body)
    };
    let weights: Vec<f64> = options.iter().map(|o| o.weight).collect();
    assert_eq!(weights, [100.0, 0.0, 0.0]);
    assert_eq!(
        options[1].feedback.as_ref().map(|f| f.text.as_str()),
        Some("That is plain HTTP.")
    );
    assert_eq!(
        q[0].content.general_feedback.as_ref().map(|f| f.text.as_str()),
        Some("Ports below 1024 are \"well known\".")
    );

    // Multiple answers: no "=" and weights that add up, a penalty, an escaped colon.
    let Body::Choice {
        multiple: true,
        options,
    } = &q[1].content.body
    else {
        panic!()
    };
    assert_eq!(
        options.iter().map(|o| o.weight).collect::<Vec<_>>(),
        [50.0, 50.0, -100.0]
    );
    assert_eq!(
        q[1].content.stem.text,
        "Select every protocol that encrypts its traffic:"
    );

    // True/false: Moodle shows the first feedback after a wrong answer, the second after a right one.
    let Body::TrueFalse {
        correct: true,
        feedback_true,
        feedback_false,
    } = &q[2].content.body
    else {
        panic!()
    };
    assert_eq!(feedback_true.as_ref().map(|f| f.text.as_str()), Some("Yes."));
    assert_eq!(
        feedback_false.as_ref().map(|f| f.text.as_str()),
        Some("No: most queries use UDP.")
    );

    // Missing word: the answers in mid-sentence become a blank; a new category applies.
    assert!(q[3].embedded_answer);
    assert_eq!(
        q[3].content.stem.text,
        "The OSI layer that routes packets is the _____ layer."
    );
    assert_eq!(q[3].category.as_deref(), Some("$course$/top/Networking/Layers"));
    let Body::ShortAnswer {
        answers,
        case_sensitive: false,
    } = &q[3].content.body
    else {
        panic!()
    };
    assert_eq!(
        answers
            .iter()
            .map(|a| (a.text.as_str(), a.weight))
            .collect::<Vec<_>>(),
        [("network", 100.0), ("internet", 50.0)]
    );

    // Numbers: tolerances with partial credit and feedback for any other number; a range.
    let Body::Numeric { answers } = &q[4].content.body else {
        panic!()
    };
    assert_eq!(
        answers.iter().map(|a| (a.accepts, a.weight)).collect::<Vec<_>>(),
        [
            (
                NumericMatch::Tolerance {
                    value: 2.0,
                    tolerance: 0.0
                },
                100.0
            ),
            (
                NumericMatch::Tolerance {
                    value: 4.0,
                    tolerance: 0.0
                },
                50.0
            ),
            (NumericMatch::Any, 0.0),
        ]
    );
    assert_eq!(
        answers[2].feedback.as_ref().map(|f| f.text.as_str()),
        Some("Write it out in binary.")
    );
    let Body::Numeric { answers } = &q[5].content.body else {
        panic!()
    };
    assert_eq!(
        answers[0].accepts,
        NumericMatch::Range {
            min: 1995.0,
            max: 1998.0
        }
    );

    // Essay in Markdown, with general feedback; matching with a distractor; a description.
    assert!(matches!(q[6].content.body, Body::Essay { .. }));
    assert_eq!(q[6].content.stem.format, TextFormat::Markdown);
    assert_eq!(
        q[6].content.general_feedback.as_ref().map(|f| f.format),
        Some(TextFormat::Markdown)
    );
    let Body::Matching { pairs } = &q[7].content.body else {
        panic!()
    };
    assert_eq!(
        pairs
            .iter()
            .map(|p| (p.prompt.text.as_str(), p.answer.as_str()))
            .collect::<Vec<_>>(),
        [("HTTP", "80"), ("SSH", "22"), ("", "25")]
    );
    assert_eq!(q[8].content.body, Body::Description);
    assert_eq!(q[8].content.stem.format, TextFormat::Html);
    assert_eq!(q[8].content.points, 0.0);
}

#[test]
fn what_cannot_be_read_is_named_by_line_and_nothing_else_is_lost() {
    let parsed = gift::parse(FIXTURE);
    let skipped: Vec<(Location, bool)> = parsed
        .findings
        .iter()
        .map(|f| (f.location.clone(), f.skipped))
        .collect();
    assert_eq!(
        skipped,
        [
            (Location::Line(46), true),
            (Location::Line(48), true),
            (Location::Line(50), true)
        ],
        "{:#?}",
        parsed.findings
    );
    assert!(parsed.findings[0].message.contains("never closes"));
    assert!(parsed.findings[1].message.contains("“four” is not a number"));
    assert!(parsed.findings[2].message.contains("more than one answer block"));
}

#[test]
fn a_file_that_is_not_utf8_or_too_big_is_refused_whole() {
    let finding = shared::import::text_of(b"Caf\xe9 {T}").unwrap_err();
    assert_eq!(finding.location, Location::Whole);
    assert!(finding.message.contains("UTF-8"));
    assert_eq!(
        shared::import::text_of(b"\xEF\xBB\xBFQ {T}"),
        Ok("Q {T}"),
        "a BOM is dropped"
    );
    let huge = " ".repeat(shared::import::MAX_SOURCE_BYTES + 1);
    assert!(shared::import::text_of(huge.as_bytes()).is_err());
    assert!(gift::parse(&huge).questions.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any text at all: no panic, and every question that comes out can be saved as it is.
    #[test]
    fn never_panics_and_yields_only_valid_questions(src in "(\\PC|[{}=~#:%\\\\\\n\\[\\]>-]){0,300}") {
        let parsed = gift::parse(&src);
        for q in &parsed.questions {
            prop_assert!(q.content.problems().is_empty());
        }
    }

    /// Text built from GIFT's own pieces reaches deeper into the parser than random characters.
    #[test]
    fn never_panics_on_gift_shaped_text(parts in prop::collection::vec(prop::sample::select(vec![
        "::t::", "{", "}", "=", "~", "#", "####", "%50%", "%-100%", "->", "..", ":", "\\", "\\{", "\\n",
        "[html]", "[markdown]", "$CATEGORY:", "// [id:x] [tag:y]", "\n", "\n\n", "T", "FALSE", "1822", "-3.5", "a", " ",
    ]), 0..60)) {
        let src: String = parts.concat();
        let parsed = gift::parse(&src);
        for q in &parsed.questions {
            prop_assert!(q.content.problems().is_empty());
        }
    }
}
