//! Vigil's QTI importer on the repository's own QTI 3.0 package and QTI 2.1 item, and on
//! packages built to attack it: zip bombs, paths out of the package, too many entries.
#![cfg(feature = "interchange")]

use shared::import::qti::{self, package};
use shared::import::Location;
use shared::question::{Body, NumericMatch, TextFormat};
use std::io::Write;
use std::path::Path;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// The fixture folder as a package, every file at its path.
fn fixture_package() -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/qti3");
    let mut files = Vec::new();
    for dir in ["", "items", "images"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let name = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    let entries: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    zip(&entries)
}

#[test]
fn a_qti3_package_is_read_item_by_item_with_its_media() {
    let parsed = package::parse_package(&fixture_package());
    let titles: Vec<&str> = parsed
        .questions
        .iter()
        .map(|q| q.content.title.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "Topology",
            "Encrypted protocols",
            "Layer",
            "Hosts in a /30",
            "Handshake"
        ],
        "{:#?}",
        parsed.findings
    );
    let q = &parsed.questions;

    // Single choice: the body's HTML, the prompt, an image carried from the package, feedback.
    assert_eq!(q[0].location, Location::Entry("items/topology.xml".into()));
    assert_eq!(q[0].content.source_id.as_deref(), Some("net-topology"));
    assert_eq!(q[0].content.points, 2.0);
    assert_eq!(q[0].content.stem.format, TextFormat::Html);
    assert!(
        q[0].content
            .stem
            .text
            .contains(r#"<img src="@@PLUGINFILE@@/topology.png" alt="A network diagram">"#),
        "{}",
        q[0].content.stem.text
    );
    assert!(q[0].content.stem.text.contains("Which topology is shown?"));
    assert_eq!(q[0].files.len(), 1);
    assert!(q[0].files[0].bytes.starts_with(b"\x89PNG"));
    let Body::Choice {
        multiple: false,
        options,
    } = &q[0].content.body
    else {
        panic!()
    };
    assert_eq!(
        options
            .iter()
            .map(|o| (o.text.text.as_str(), o.weight))
            .collect::<Vec<_>>(),
        [("A ring", 0.0), ("A <b>star</b>", 100.0), ("A bus", 0.0)]
    );
    assert_eq!(
        options[0].feedback.as_ref().map(|f| f.text.as_str()),
        Some("A ring has no centre.")
    );

    // Multiple response: weights from the mapping, a penalty for the wrong one.
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

    // Text entry: accepted texts from the correct response and the mapping, not case-sensitive.
    let Body::ShortAnswer {
        answers,
        case_sensitive: false,
    } = &q[2].content.body
    else {
        panic!("{:?}", q[2].content.body)
    };
    assert_eq!(
        answers
            .iter()
            .map(|a| (a.text.as_str(), a.weight))
            .collect::<Vec<_>>(),
        [("network", 100.0), ("internet", 50.0)]
    );

    let Body::Numeric { answers } = &q[3].content.body else {
        panic!()
    };
    assert_eq!(
        answers[0].accepts,
        NumericMatch::Tolerance {
            value: 2.0,
            tolerance: 0.0
        }
    );

    assert!(matches!(q[4].content.body, Body::Essay { .. }));
    assert!(q[4].content.stem.text.contains("<em>three-way</em>"));

    let skipped: Vec<&Location> = parsed
        .findings
        .iter()
        .filter(|f| f.skipped)
        .map(|f| &f.location)
        .collect();
    assert_eq!(skipped, [&Location::Entry("items/order.xml".into())]);
    assert!(parsed
        .findings
        .iter()
        .any(|f| f.message.contains("qti-order-interaction")));
}

#[test]
fn a_qti21_item_reads_like_its_qti3_twin() {
    let parsed = qti::parse_item(include_str!("fixtures/qti21-choice.xml"));
    assert_eq!(parsed.findings, vec![]);
    let q = &parsed.questions[0].content;
    assert_eq!(q.title, "HTTPS port (QTI 2.1)");
    assert_eq!(q.stem.text, "<p>Which port does HTTPS use?</p>");
    let Body::Choice {
        multiple: false,
        options,
    } = &q.body
    else {
        panic!()
    };
    assert_eq!(
        options.iter().map(|o| o.weight).collect::<Vec<_>>(),
        [0.0, 100.0, 0.0]
    );
}

const MANIFEST_OF_ONE: &str = r#"<manifest><resources><resource type="imsqti_item_xmlv3p0" href="items/q.xml"/></resources></manifest>"#;

#[test]
fn a_zip_bomb_is_refused_before_it_fills_memory() {
    let spaces = vec![b' '; 12 * 1024 * 1024];
    let parsed = package::parse_package(&zip(&[
        ("imsmanifest.xml", MANIFEST_OF_ONE.as_bytes()),
        ("items/q.xml", &spaces),
    ]));
    assert!(parsed.questions.is_empty());
    assert!(
        parsed.findings.iter().any(|f| f.message.contains("zip bomb")),
        "{:?}",
        parsed.findings
    );

    let zeros = vec![0u8; 20 * 1024 * 1024];
    let parsed = package::parse_package(&zip(&[
        ("imsmanifest.xml", MANIFEST_OF_ONE.as_bytes()),
        ("items/q.xml", &zeros),
    ]));
    assert!(
        parsed
            .findings
            .iter()
            .any(|f| f.message.contains("larger than 16 MB")),
        "{:?}",
        parsed.findings
    );
}

#[test]
fn paths_that_leave_the_package_are_never_followed() {
    let manifest = r#"<manifest><resources><resource type="imsqti_item_xmlv3p0" href="../evil.xml"/></resources></manifest>"#;
    let parsed = package::parse_package(&zip(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("../evil.xml", b"<x/>"),
    ]));
    assert!(parsed.questions.is_empty());
    let messages: Vec<&str> = parsed.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("leaves the package")),
        "{messages:?}"
    );
    assert!(parsed
        .findings
        .iter()
        .any(|f| f.location == Location::Entry("../evil.xml".into())));

    // An image reference that climbs out of the package stays a plain reference, with no file.
    let item = r#"<qti-assessment-item identifier="q" title="Q"><qti-item-body><p><img src="../../etc/passwd"/></p><qti-extended-text-interaction response-identifier="R"/></qti-item-body></qti-assessment-item>"#;
    let parsed = package::parse_package(&zip(&[
        ("imsmanifest.xml", MANIFEST_OF_ONE.as_bytes()),
        ("items/q.xml", item.as_bytes()),
    ]));
    assert_eq!(parsed.questions.len(), 1);
    assert!(parsed.questions[0].files.is_empty());
    assert!(parsed
        .findings
        .iter()
        .any(|f| f.message.contains("not in the package")));
}

#[test]
fn too_many_entries_no_manifest_or_not_a_zip_are_said_so() {
    let names: Vec<String> = (0..10_001).map(|i| format!("f{i}")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    let parsed = package::parse_package(&zip(&entries));
    assert!(parsed.findings[0].message.contains("more than 10,000 files"));

    let parsed = package::parse_package(&zip(&[("item.xml", b"<x/>")]));
    assert!(parsed.findings[0].message.contains("imsmanifest.xml"));

    let parsed = package::parse_package(b"PK\x03\x04 not really");
    assert!(parsed.findings[0].message.contains("not a zip"));
}

#[test]
fn a_manifest_with_a_dtd_is_refused() {
    let manifest = r#"<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><manifest>&a;</manifest>"#;
    let parsed = package::parse_package(&zip(&[("imsmanifest.xml", manifest.as_bytes())]));
    assert!(parsed.findings[0].message.contains("DTD"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

    #[test]
    fn packages_and_items_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2000),
                                      src in "(\\PC|<qti-assessment-item>|<qti-item-body>|<qti-choice-interaction max-choices=\"0\">|<qti-simple-choice identifier=\"a\">|</qti-simple-choice>|<img src=\"../x\"/>){0,40}") {
        let _ = package::parse_package(&bytes);
        // A real zip around arbitrary item text reaches the item parser through the package.
        let package = zip(&[("imsmanifest.xml", MANIFEST_OF_ONE.as_bytes()), ("items/q.xml", src.as_bytes())]);
        for q in package::parse_package(&package).questions.iter().chain(qti::parse_item(&src).questions.iter()) {
            proptest::prop_assert!(q.content.problems().is_empty());
        }
    }
}
