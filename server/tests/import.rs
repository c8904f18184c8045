//! Importing files into a bank over HTTP: a preview that writes nothing, a commit that writes
//! everything in one go and only once, no duplicates on a second import, images kept as the
//! bank's files and shown only to its readers, and hostile files refused with a reason.

mod common;

use app::server::demo;
use common::{message, TestApp};
use reqwest::Client;
use serde_json::{json, Value};
use shared::Role;
use std::io::Write;

const AUTHOR: &str = "author@demo.vigil.test";
const GIFT: &[u8] = include_bytes!("../../shared/tests/fixtures/networking.gift");
const MOODLE_XML: &[u8] = include_bytes!("../../shared/tests/fixtures/networking.moodle.xml");

async fn new_bank(app: &TestApp, client: &Client, org_id: &str) -> String {
    let (status, id) = app
        .call(client, "create_bank", &[("org_id", org_id), ("name", "Imported")])
        .await;
    assert_eq!(status, 200, "{id}");
    id.as_str().unwrap().to_string()
}

async fn preview(
    app: &TestApp,
    client: &Client,
    bank_id: &str,
    filename: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let r = client
        .post(format!(
            "{}/api/banks/{bank_id}/import?filename={filename}",
            app.base
        ))
        .body(bytes)
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn versions_in(app: &TestApp, bank_id: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM question_versions v JOIN questions q ON q.id = v.question_id WHERE q.bank_id = '{bank_id}'"
    ))
    .await
}

#[tokio::test]
async fn a_gift_file_is_previewed_then_committed_once_and_a_second_import_adds_nothing() {
    let (app, org) = TestApp::start("import-gift").await;
    let author = app.signed_in(AUTHOR).await;
    let bank_id = new_bank(&app, &author, &org.org_id).await;

    let (status, p) = preview(&app, &author, &bank_id, "networking.gift", GIFT.to_vec()).await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["format"], "Gift");
    assert_eq!(
        (p["new_questions"].as_u64(), p["duplicates"].as_u64()),
        (Some(9), Some(0))
    );
    assert_eq!(p["items"][0]["title"], "HTTPS port");
    assert_eq!(p["items"][0]["location"], "line 7");
    assert_eq!(p["items"][0]["kind"], "single choice");
    let skipped: Vec<&str> = p["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["skipped"] == true)
        .map(|f| f["location"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["line 46", "line 48", "line 50"]);
    assert_eq!(versions_in(&app, &bank_id).await, 0, "a preview writes nothing");

    let upload = p["upload_id"].as_str().unwrap().to_string();
    let (status, done) = app
        .call(&author, "commit_import", &[("upload_id", &upload)])
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["created"], 9);
    assert_eq!(versions_in(&app, &bank_id).await, 9);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM import_uploads WHERE committed_at IS NOT NULL AND LENGTH(content) > 0"
        )
        .await,
        0,
        "a committed file's bytes are not kept"
    );
    let (status, again) = app
        .call(&author, "commit_import", &[("upload_id", &upload)])
        .await;
    assert_eq!(status, 409, "{again}");
    assert!(message(&again).contains("imported already"));

    // The same file again: every question is known, nothing is added.
    let (_, p) = preview(&app, &author, &bank_id, "networking.gift", GIFT.to_vec()).await;
    assert_eq!(
        (p["new_questions"].as_u64(), p["duplicates"].as_u64()),
        (Some(0), Some(9)),
        "{p}"
    );
    let (_, done) = app
        .call(
            &author,
            "commit_import",
            &[("upload_id", p["upload_id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(
        (done["created"].as_u64(), done["duplicates"].as_u64()),
        (Some(0), Some(9))
    );
    assert_eq!(versions_in(&app, &bank_id).await, 9);

    let (_, bank) = app.call(&author, "bank", &[("bank_id", &bank_id)]).await;
    let questions = bank["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 9);
    assert!(questions.iter().all(|q| q["status"] == "DRAFT"));
    assert_eq!(questions[0]["content"]["source_id"], "net-https-port");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'QUESTIONS_IMPORTED'")
            .await,
        2
    );
}

#[tokio::test]
async fn images_from_moodle_xml_become_files_of_the_bank_shown_only_to_its_readers() {
    let (app, org) = TestApp::start("import-images").await;
    demo::seed_org(
        &app.pool,
        "Other College",
        "other",
        &[("author@other.vigil.test", "Otto Other", &[Role::ExamAuthor])],
        "Other exam",
    )
    .await
    .unwrap();
    let author = app.signed_in(AUTHOR).await;
    let bank_id = new_bank(&app, &author, &org.org_id).await;
    let (status, p) = preview(&app, &author, &bank_id, "bank.xml", MOODLE_XML.to_vec()).await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["format"], "MoodleXml");
    assert_eq!(p["items"][0]["files"], 1);
    let (status, done) = app
        .call(
            &author,
            "commit_import",
            &[("upload_id", p["upload_id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(
        (done["created"].as_u64(), done["files"].as_u64()),
        (Some(9), Some(2))
    );

    let (_, bank) = app.call(&author, "bank", &[("bank_id", &bank_id)]).await;
    let stem = bank["questions"][0]["content"]["stem"]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!stem.contains("@@PLUGINFILE@@"), "{stem}");
    let start = stem.find("/files/").expect("the image points at the bank's file");
    let path: String = stem[start..].chars().take_while(|c| *c != '"').collect();

    let r = author.get(format!("{}{path}", app.base)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let candidate = app.signed_in("candidate@demo.vigil.test").await;
    assert_eq!(
        candidate
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    let other = app.signed_in("author@other.vigil.test").await;
    assert_eq!(
        other
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        app.client()
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        author
            .get(format!("{}/files/no-such-file", app.base))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
}

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[tokio::test]
async fn hostile_or_unreadable_files_and_the_wrong_people_are_refused_with_nothing_kept() {
    let (app, org) = TestApp::start("import-refusals").await;
    demo::seed_org(
        &app.pool,
        "Other College",
        "other",
        &[("author@other.vigil.test", "Otto Other", &[Role::ExamAuthor])],
        "Other exam",
    )
    .await
    .unwrap();
    let author = app.signed_in(AUTHOR).await;
    let bank_id = new_bank(&app, &author, &org.org_id).await;

    let manifest = br#"<manifest><resources><resource type="imsqti_item_xmlv3p0" href="items/q.xml"/></resources></manifest>"#;
    let bomb = zip(&[
        ("imsmanifest.xml", manifest),
        ("items/q.xml", &vec![b' '; 12 * 1024 * 1024]),
    ]);
    let dtd = br#"<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaa">]><quiz>&a;</quiz>"#.to_vec();
    for (name, bytes, words) in [
        ("bomb.zip", bomb, "zip bomb"),
        ("laughs.xml", dtd, "DTD"),
        ("page.xml", b"<html><body/></html>".to_vec(), "neither Moodle XML"),
        ("latin1.gift", b"Caf\xe9? {T}".to_vec(), "UTF-8"),
        ("empty.gift", Vec::new(), "empty"),
        ("nothing.gift", b"// only a comment\n".to_vec(), "No question"),
    ] {
        let (status, body) = preview(&app, &author, &bank_id, name, bytes).await;
        assert_eq!(status, 400, "{name}: {body}");
        assert!(message(&body).contains(words), "{name}: {body}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM import_uploads").await,
        0,
        "refused files are not kept"
    );

    // Only the bank's authors preview, and only the uploader commits.
    let candidate = app.signed_in("candidate@demo.vigil.test").await;
    assert_eq!(
        preview(&app, &candidate, &bank_id, "x.gift", GIFT.to_vec())
            .await
            .0,
        403
    );
    let other = app.signed_in("author@other.vigil.test").await;
    assert_eq!(
        preview(&app, &other, &bank_id, "x.gift", GIFT.to_vec()).await.0,
        403
    );
    assert_eq!(
        preview(&app, &app.client(), &bank_id, "x.gift", GIFT.to_vec())
            .await
            .0,
        401
    );
    let (status, p) = preview(&app, &author, &bank_id, "x.gift", GIFT.to_vec()).await;
    assert_eq!(status, 200);
    let upload = p["upload_id"].as_str().unwrap();
    let admin = app.signed_in("admin@demo.vigil.test").await;
    assert_eq!(
        app.call(&admin, "commit_import", &[("upload_id", upload)])
            .await
            .0,
        404
    );
    assert_eq!(
        app.call(&other, "commit_import", &[("upload_id", upload)])
            .await
            .0,
        403
    );
    assert_eq!(versions_in(&app, &bank_id).await, 0);
}

/// A bank's questions with the address of each image made neutral (files get new ids in
/// another bank).
async fn contents(app: &TestApp, client: &Client, bank_id: &str) -> Vec<Value> {
    let (status, bank) = app.call(client, "bank", &[("bank_id", bank_id)]).await;
    assert_eq!(status, 200, "{bank}");
    bank["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            let text = q["content"].to_string();
            let mut out = String::new();
            let mut rest = text.as_str();
            while let Some(i) = rest.find("/files/") {
                out.push_str(&rest[..i + 7]);
                rest = rest[i + 7..].trim_start_matches(|c: char| c.is_ascii_hexdigit() || c == '-');
                out.push('*');
            }
            out.push_str(rest);
            serde_json::from_str(&out).unwrap()
        })
        .collect()
}

#[tokio::test]
async fn a_bank_exported_as_moodle_xml_imports_elsewhere_as_the_same_questions() {
    let (app, org) = TestApp::start("export").await;
    let author = app.signed_in(AUTHOR).await;
    let source = new_bank(&app, &author, &org.org_id).await;
    for (name, bytes) in [("bank.xml", MOODLE_XML), ("networking.gift", GIFT)] {
        let (status, p) = preview(&app, &author, &source, name, bytes.to_vec()).await;
        assert_eq!(status, 200, "{p}");
        let (status, _) = app
            .call(
                &author,
                "commit_import",
                &[("upload_id", p["upload_id"].as_str().unwrap())],
            )
            .await;
        assert_eq!(status, 200);
    }
    let original = contents(&app, &author, &source).await;
    assert_eq!(original.len(), 18);

    let r = author
        .get(format!("{}/exports/banks/{source}/moodle.xml", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".moodle.xml"));
    let xml = r.bytes().await.unwrap().to_vec();
    let copy = new_bank(&app, &author, &org.org_id).await;
    let (status, p) = preview(&app, &author, &copy, "export.xml", xml).await;
    assert_eq!(status, 200, "{p}");
    let (_, done) = app
        .call(
            &author,
            "commit_import",
            &[("upload_id", p["upload_id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(
        (done["created"].as_u64(), done["files"].as_u64()),
        (Some(18), Some(2)),
        "{done}"
    );
    // Moodle has no ranges: "1995..1998" comes back as its midpoint with a tolerance, the same
    // numbers accepted. Every other question is the same, field for field, images included.
    let copied = contents(&app, &author, &copy).await;
    let year = |qs: &[Value]| qs.iter().find(|q| q["title"] == "Year").cloned().unwrap();
    assert_eq!(
        year(&original)["body"]["answers"][0]["accepts"],
        json!({"type": "range", "min": 1995.0, "max": 1998.0})
    );
    assert_eq!(
        year(&copied)["body"]["answers"][0]["accepts"],
        json!({"type": "tolerance", "value": 1996.5, "tolerance": 1.5})
    );
    let others = |qs: Vec<Value>| {
        qs.into_iter()
            .filter(|q| q["title"] != "Year")
            .collect::<Vec<_>>()
    };
    assert_eq!(others(copied), others(original));

    // As a QTI package: every question QTI carries comes back; what it cannot is counted.
    let r = author
        .get(format!("{}/exports/banks/{source}/qti.zip", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let losses: usize = r.headers()["x-vigil-export-losses"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(losses >= 2, "two matching questions cannot be carried: {losses}");
    let zip = r.bytes().await.unwrap().to_vec();
    let qti_bank = new_bank(&app, &author, &org.org_id).await;
    let (status, p) = preview(&app, &author, &qti_bank, "export.zip", zip).await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["format"], "QtiPackage");
    assert_eq!(p["new_questions"], 16, "every question but the two matching ones");

    // Only the bank's readers download it.
    let candidate = app.signed_in("candidate@demo.vigil.test").await;
    let status = candidate
        .get(format!("{}/exports/banks/{source}/moodle.xml", app.base))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 403);
    let status = author
        .get(format!("{}/exports/banks/{source}/other.txt", app.base))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 404);
}
