//! Vigil's Moodle XML and Aiken importers on the repository's own fixtures, and on arbitrary
//! input, which they must never panic on.
#![cfg(feature = "interchange")]

use proptest::prelude::*;
use shared::import::{aiken, moodle_xml, Location};
use shared::question::{Body, NumericMatch, TextFormat};

const MOODLE_XML: &str = include_str!("fixtures/networking.moodle.xml");
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

#[test]
fn a_moodle_export_is_read_type_by_type() {
    let parsed = moodle_xml::parse(MOODLE_XML);
    let titles: Vec<&str> = parsed
        .questions
        .iter()
        .map(|q| q.content.title.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "HTTPS port",
            "Encrypted protocols",
            "UDP",
            "Layer",
            "Hosts in a /30",
            "Handshake",
            "Ports",
            "Intro",
            "Old image"
        ]
    );
    let q = &parsed.questions;

    // Single choice with CDATA HTML, an embedded image, points, id number, tags and category.
    assert_eq!(q[0].location, Location::Line(13));
    assert_eq!(q[0].category.as_deref(), Some("$course$/top/Networking"));
    assert_eq!(q[0].content.stem.format, TextFormat::Html);
    assert!(q[0]
        .content
        .stem
        .text
        .contains(r#"<img src="@@PLUGINFILE@@/lock.png" alt="a padlock">"#));
    assert_eq!(q[0].files.len(), 1);
    assert_eq!(q[0].files[0].name, "lock.png");
    assert!(
        q[0].files[0].bytes.starts_with(PNG_SIGNATURE),
        "the image is decoded from base64"
    );
    assert_eq!(q[0].content.points, 2.0);
    assert_eq!(q[0].content.source_id.as_deref(), Some("net-https"));
    assert_eq!(q[0].content.tags, ["ports", "tls"]);
    let Body::Choice {
        multiple: false,
        options,
    } = &q[0].content.body
    else {
        panic!("{:?}", q[0].content.body)
    };
    assert_eq!(
        options.iter().map(|o| o.weight).collect::<Vec<_>>(),
        [100.0, 0.0, 0.0]
    );
    assert_eq!(
        options[1].feedback.as_ref().map(|f| f.text.as_str()),
        Some("That is HTTP.")
    );
    assert_eq!(options[2].feedback, None, "empty feedback is no feedback");
    assert_eq!(
        q[0].content.general_feedback.as_ref().map(|f| f.text.as_str()),
        Some("<p>Well-known ports are below 1024.</p>")
    );

    // Multiple answers with fractions, entities decoded, plain text.
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
        "Select every protocol that encrypts its traffic & its passwords."
    );
    assert_eq!(q[1].content.stem.format, TextFormat::Plain);

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
        Some("Most use UDP.")
    );

    assert_eq!(q[3].category.as_deref(), Some("$course$/top/Networking/Layers"));
    let Body::ShortAnswer {
        answers,
        case_sensitive: true,
    } = &q[3].content.body
    else {
        panic!()
    };
    assert_eq!(
        answers
            .iter()
            .map(|a| (a.text.as_str(), a.weight))
            .collect::<Vec<_>>(),
        [("Network", 100.0), ("Internet", 50.0)]
    );

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

    let Body::Essay {
        grader_guidance: Some(guidance),
    } = &q[5].content.body
    else {
        panic!()
    };
    assert_eq!(guidance.text, "<p>Names sequence numbers.</p>");
    assert_eq!(q[5].content.stem.format, TextFormat::Markdown);
    assert_eq!(q[5].content.points, 5.0);

    let Body::Matching { pairs } = &q[6].content.body else {
        panic!()
    };
    assert_eq!(
        pairs
            .iter()
            .map(|p| (p.prompt.text.as_str(), p.answer.as_str()))
            .collect::<Vec<_>>(),
        [("HTTP", "80"), ("SSH", "22"), ("", "25")]
    );
    assert_eq!(q[7].content.body, Body::Description);

    // The old <image_base64> form: the image is kept under its bare name and shown below the text.
    assert_eq!(q[8].files.len(), 1);
    assert_eq!(q[8].files[0].name, "star.png");
    assert!(q[8].files[0].bytes.starts_with(PNG_SIGNATURE));
    assert!(q[8].content.stem.text.ends_with("![](@@PLUGINFILE@@/star.png)"));
}

#[test]
fn unsupported_and_broken_moodle_questions_are_named_by_line() {
    let parsed = moodle_xml::parse(MOODLE_XML);
    let skipped: Vec<(Location, bool)> = parsed
        .findings
        .iter()
        .map(|f| (f.location.clone(), f.skipped))
        .collect();
    assert_eq!(
        skipped,
        [
            (Location::Line(101), true),
            (Location::Line(106), true),
            (Location::Line(112), true)
        ],
        "{:#?}",
        parsed.findings
    );
    assert!(parsed.findings[0].message.contains("“multianswer”"));
    assert!(parsed.findings[1].message.contains("“four” is not a number"));
    assert!(parsed.findings[2].message.contains("correct"));
}

#[test]
fn oversized_or_hostile_files_inside_moodle_xml_are_left_out() {
    let big = "A".repeat(8 * 1024 * 1024);
    let xml = format!(
        r#"<quiz><question type="essay"><name><text>E</text></name><questiontext format="html"><text>Q</text>
        <file name="../../../etc/cron.d/evil" encoding="base64">aGVsbG8=</file>
        <file name="big.png" encoding="base64">{big}</file>
        <file name="bad.png" encoding="base64">!!!notbase64</file></questiontext></question></quiz>"#
    );
    let parsed = moodle_xml::parse(&xml);
    assert_eq!(parsed.questions.len(), 1);
    let files: Vec<&str> = parsed.questions[0]
        .files
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(files, ["evil"], "a path is cut to its file name");
    let notes: Vec<&str> = parsed.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(
        notes.iter().any(|n| n.contains("big.png") && n.contains("5 MB")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("bad.png") && n.contains("damaged")),
        "{notes:?}"
    );
    assert!(parsed.findings.iter().all(|f| !f.skipped));
}

#[test]
fn aiken_reads_single_choice_questions() {
    let parsed = aiken::parse("What is 2 + 2?\nA. 3\nB. 4\nC. 5\nANSWER: B\n\nThe OSI layer that routes?\nA) Network\nB) Session\nANSWER: A\n");
    assert_eq!(parsed.findings, vec![]);
    assert_eq!(parsed.questions.len(), 2);
    let Body::Choice {
        multiple: false,
        options,
    } = &parsed.questions[0].content.body
    else {
        panic!()
    };
    assert_eq!(
        options
            .iter()
            .map(|o| (o.text.text.as_str(), o.weight))
            .collect::<Vec<_>>(),
        [("3", 0.0), ("4", 100.0), ("5", 0.0)]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn moodle_xml_never_panics(src in "(\\PC|[<>/=\"&;\\n]|<question type=\"multichoice\">|<answer fraction=\"|</answer>|<text>|</text>|<quiz>|</quiz>){0,80}") {
        let parsed = moodle_xml::parse(&src);
        for q in &parsed.questions {
            prop_assert!(q.content.problems().is_empty());
        }
    }

    #[test]
    fn aiken_never_panics(src in "(\\PC|[A-D][.)] |ANSWER: [A-E]|\\n){0,80}") {
        let parsed = aiken::parse(&src);
        for q in &parsed.questions {
            prop_assert!(q.content.problems().is_empty());
        }
    }
}
