//! Export, import elsewhere, same questions: a bank written as Moodle XML or as a QTI 3.0
//! package and read back by Vigil's importers comes back field for field.
#![cfg(feature = "interchange")]

use shared::export::{self, BankEntry};
use shared::import::{moodle_xml, qti, EmbeddedFile};
use shared::question::*;

fn html(s: &str) -> Text {
    Text {
        format: TextFormat::Html,
        text: s.into(),
    }
}

fn q(title: &str, id: &str, stem: Text, body: Body, points: f64) -> QuestionContent {
    QuestionContent {
        title: title.into(),
        stem,
        body,
        general_feedback: None,
        points,
        difficulty: Difficulty::Medium,
        tags: vec![],
        source_id: Some(id.into()),
    }
}

fn option(i: usize, text: &str, weight: f64, feedback: Option<&str>) -> ChoiceOption {
    ChoiceOption {
        id: option_id(i),
        text: html(text),
        weight,
        feedback: feedback.map(html),
    }
}

/// What both formats carry: choices, true/false, short answers, numbers, essays, descriptions.
fn common_bank() -> Vec<QuestionContent> {
    vec![
        q(
            "HTTPS port",
            "net-https",
            html(
                r#"<p>Which port does <b>HTTPS</b> use?</p><p><img src="@@PLUGINFILE@@/lock.png" alt="a padlock"></p>"#,
            ),
            Body::Choice {
                multiple: false,
                options: vec![
                    option(0, "443", 100.0, Some("Right.")),
                    option(1, "80", 0.0, Some("That is HTTP.")),
                    option(2, "22 &amp; 23", 0.0, None),
                ],
            },
            2.0,
        ),
        q(
            "Encrypted",
            "net-secure",
            html("<p>Select every protocol that encrypts.</p>"),
            Body::Choice {
                multiple: true,
                options: vec![
                    option(0, "SSH", 50.0, None),
                    option(1, "HTTPS", 50.0, None),
                    option(2, "Telnet", -100.0, None),
                ],
            },
            1.0,
        ),
        q(
            "UDP",
            "net-udp",
            html("<p>DNS queries usually travel over UDP.</p>"),
            Body::TrueFalse {
                correct: true,
                feedback_true: Some(html("Yes.")),
                feedback_false: Some(html("Most use UDP.")),
            },
            1.0,
        ),
        q(
            "Layer",
            "net-layer",
            html("<p>Which OSI layer routes packets?</p>"),
            Body::ShortAnswer {
                answers: vec![
                    AcceptedAnswer {
                        text: "network".into(),
                        weight: 100.0,
                        feedback: None,
                    },
                    AcceptedAnswer {
                        text: "internet".into(),
                        weight: 50.0,
                        feedback: None,
                    },
                ],
                case_sensitive: false,
            },
            1.0,
        ),
        q(
            "Gravity",
            "phys-g",
            html("<p>Standard gravity in m/s², to two decimals?</p>"),
            Body::Numeric {
                answers: vec![NumericAnswer {
                    accepts: NumericMatch::Tolerance {
                        value: 9.81,
                        tolerance: 0.005,
                    },
                    weight: 100.0,
                    feedback: None,
                }],
            },
            3.0,
        ),
        q(
            "Handshake",
            "net-handshake",
            html("<p>Explain the <em>three-way</em> handshake.</p>"),
            Body::Essay {
                grader_guidance: Some(html("<p>Names sequence numbers.</p>")),
            },
            5.0,
        ),
        q(
            "Intro",
            "net-intro",
            html("<p>The next questions are about routing.</p>"),
            Body::Description,
            0.0,
        ),
    ]
}

fn png() -> Vec<u8> {
    b"\x89PNG\r\n\x1a\n-not-a-real-image-but-bytes".to_vec()
}

#[test]
fn moodle_xml_round_trip_keeps_every_field() {
    let mut bank = common_bank();
    // Moodle XML also carries what QTI does not: tags, general feedback, per-answer feedback,
    // plain and Markdown texts, matching, any-other-number feedback.
    bank[0].tags = vec!["ports".into(), "tls".into()];
    bank[0].general_feedback = Some(html("<p>Ports below 1024 are well known.</p>"));
    bank[3].stem = Text::plain("Which OSI layer routes packets? (one word)");
    if let Body::ShortAnswer { answers, .. } = &mut bank[3].body {
        answers[1].feedback = Some(html("That is the TCP/IP name."));
    }
    if let Body::Numeric { answers } = &mut bank[4].body {
        answers.push(NumericAnswer {
            accepts: NumericMatch::Any,
            weight: 0.0,
            feedback: Some(html("Use two decimals.")),
        });
    }
    bank[5].stem = Text {
        format: TextFormat::Markdown,
        text: "Explain **why**.\n\n- one\n- two".into(),
    };
    bank.push(q(
        "Match",
        "net-match",
        html("<p>Match.</p>"),
        Body::Matching {
            pairs: vec![
                MatchPair {
                    prompt: html("HTTP"),
                    answer: "80".into(),
                },
                MatchPair {
                    prompt: html("SSH"),
                    answer: "22 <ssh>".into(),
                },
                MatchPair {
                    prompt: html(""),
                    answer: "25".into(),
                },
            ],
        },
        1.0,
    ));
    let files = vec![EmbeddedFile {
        name: "lock.png".into(),
        bytes: png(),
    }];
    let entries: Vec<BankEntry> = bank
        .iter()
        .enumerate()
        .map(|(i, c)| BankEntry {
            category: Some(if i < 3 {
                "$course$/top/Networking"
            } else {
                "$course$/top/Networking/Layers"
            }),
            content: c,
            files: if i == 0 { &files } else { &[] },
        })
        .collect();

    let (xml, losses) = export::moodle_xml::write(&entries);
    assert_eq!(losses, vec![]);
    let parsed = moodle_xml::parse(&xml);
    assert_eq!(parsed.findings, vec![], "{xml}");
    let back: Vec<&QuestionContent> = parsed.questions.iter().map(|q| &q.content).collect();
    for (want, got) in bank.iter().zip(&back) {
        assert_eq!(&want, got);
    }
    assert_eq!(back.len(), bank.len());
    assert_eq!(parsed.questions[0].files, files);
    assert_eq!(
        parsed.questions[2].category.as_deref(),
        Some("$course$/top/Networking")
    );
    assert_eq!(
        parsed.questions[3].category.as_deref(),
        Some("$course$/top/Networking/Layers")
    );
}

#[test]
fn qti_package_round_trip_keeps_every_field_it_carries() {
    let bank = common_bank();
    let files = vec![EmbeddedFile {
        name: "lock.png".into(),
        bytes: png(),
    }];
    let entries: Vec<BankEntry> = bank
        .iter()
        .enumerate()
        .map(|(i, c)| BankEntry {
            category: None,
            content: c,
            files: if i == 0 { &files } else { &[] },
        })
        .collect();
    let (zip, losses) = export::qti::write(&entries).expect("the package is written");
    assert_eq!(losses, vec![]);
    let parsed = qti::parse_package(&zip);
    assert_eq!(parsed.findings, vec![]);
    let back: Vec<&QuestionContent> = parsed.questions.iter().map(|q| &q.content).collect();
    for (want, got) in bank.iter().zip(&back) {
        assert_eq!(&want, got);
    }
    assert_eq!(back.len(), bank.len());
    assert_eq!(parsed.questions[0].files, files);
}

#[test]
fn what_a_format_cannot_carry_is_reported_not_dropped() {
    let range = q(
        "Year",
        "y",
        html("<p>Year?</p>"),
        Body::Numeric {
            answers: vec![NumericAnswer {
                accepts: NumericMatch::Range {
                    min: 1995.0,
                    max: 1998.0,
                },
                weight: 100.0,
                feedback: None,
            }],
        },
        1.0,
    );
    let (xml, losses) = export::moodle_xml::write(&[BankEntry {
        category: None,
        content: &range,
        files: &[],
    }]);
    assert_eq!(losses.len(), 1);
    assert!(losses[0].message.contains("midpoint"));
    let back = moodle_xml::parse(&xml);
    assert_eq!(
        back.questions[0].content.body,
        Body::Numeric {
            answers: vec![NumericAnswer {
                accepts: NumericMatch::Tolerance {
                    value: 1996.5,
                    tolerance: 1.5
                },
                weight: 100.0,
                feedback: None
            }]
        }
    );

    let mut markdown = common_bank().remove(5);
    markdown.stem = Text {
        format: TextFormat::Markdown,
        text: "Explain **why**.".into(),
    };
    markdown.tags = vec!["tcp".into()];
    let matching = q(
        "Match",
        "m",
        html("<p>Match.</p>"),
        Body::Matching { pairs: vec![] },
        1.0,
    );
    let sloppy = q(
        "Sloppy",
        "s",
        html("<p>Unclosed <b>bold</p>"),
        Body::Essay {
            grader_guidance: None,
        },
        1.0,
    );
    let entries = [&markdown, &matching, &sloppy].map(|c| BankEntry {
        category: None,
        content: c,
        files: &[],
    });
    let (zip, losses) = export::qti::write(&entries).unwrap();
    let messages: Vec<(&str, &str)> = losses
        .iter()
        .map(|l| (l.question.as_str(), l.message.as_str()))
        .collect();
    assert!(
        messages
            .iter()
            .any(|(q, m)| *q == "Handshake" && m.contains("Markdown")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|(q, m)| *q == "Handshake" && m.contains("Tags")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|(q, m)| *q == "Match" && m.contains("Matching")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|(q, m)| *q == "Sloppy" && m.contains("HTML")),
        "{messages:?}"
    );
    // What was written still reads back: the Markdown as text, the sloppy HTML escaped.
    let parsed = qti::parse_package(&zip);
    assert_eq!(parsed.questions.len(), 2, "{:?}", parsed.findings);
}
