//! Question banks and their review: authors write, quality assurance decides (never on their
//! own work), approved questions change only by new versions; every refusal leaves the data as
//! it was.

mod common;

use app::server::demo;
use common::{message, TestApp};
use serde_json::{json, Value};
use shared::Role;

const AUTHOR: &str = "author@demo.vigil.test";
const QA: &str = "qa@demo.vigil.test";

fn question(title: &str, body: Value) -> Value {
    json!({
        "title": title,
        "stem": {"format": "MARKDOWN", "text": format!("**{title}**: which one?")},
        "body": body,
        "general_feedback": null,
        "points": 2.0,
        "difficulty": "EASY",
        "tags": ["networking", " ports ", "networking"],
        "source_id": null,
    })
}

fn every_type() -> Vec<Value> {
    let opt = |id: &str, text: &str, weight: f64| json!({"id": id, "text": {"format": "PLAIN", "text": text}, "weight": weight, "feedback": {"format": "PLAIN", "text": format!("About {text}.")}});
    vec![
        question(
            "Single",
            json!({"type": "choice", "multiple": false, "options": [opt("a", "443", 100.0), opt("b", "80", 0.0)]}),
        ),
        question(
            "Multiple",
            json!({"type": "choice", "multiple": true, "options": [opt("a", "SSH", 50.0), opt("b", "HTTPS", 50.0), opt("c", "Telnet", -100.0)]}),
        ),
        question(
            "True or false",
            json!({"type": "true_false", "correct": true, "feedback_true": null, "feedback_false": {"format": "PLAIN", "text": "It is true."}}),
        ),
        question(
            "Short",
            json!({"type": "short_answer", "answers": [{"text": "network", "weight": 100.0, "feedback": null}, {"text": "internet", "weight": 50.0, "feedback": null}], "case_sensitive": false}),
        ),
        question(
            "Numeric",
            json!({"type": "numeric", "answers": [{"accepts": {"type": "tolerance", "value": 9.81, "tolerance": 0.01}, "weight": 100.0, "feedback": null}]}),
        ),
        question(
            "Essay",
            json!({"type": "essay", "grader_guidance": {"format": "PLAIN", "text": "Names sequence numbers."}}),
        ),
    ]
}

async fn create_bank(app: &TestApp, client: &reqwest::Client, org_id: &str, name: &str) -> String {
    let (status, id) = app
        .call(
            client,
            "create_bank",
            &[
                ("org_id", org_id),
                ("name", name),
                ("description", "Ports and layers"),
                ("tags", "networking, week 1"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{id}");
    id.as_str().unwrap().to_string()
}

async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    bank_id: &str,
    question_id: Option<&str>,
    content: &Value,
) -> (u16, Value) {
    app.call_json(
        client,
        "save_question",
        &json!({"bank_id": bank_id, "question_id": question_id, "content": content}),
    )
    .await
}

async fn act(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    key: &str,
    id: &str,
    action: Value,
) -> (u16, Value) {
    app.call_json(client, endpoint, &json!({key: id, "action": action}))
        .await
}

#[tokio::test]
async fn an_author_writes_every_type_and_bad_input_is_refused_field_by_field() {
    let (app, org) = TestApp::start("authoring-write").await;
    let author = app.signed_in(AUTHOR).await;
    let bank_id = create_bank(&app, &author, &org.org_id, "  Routing   and   switching ").await;

    for content in every_type() {
        let (status, saved) = save(&app, &author, &bank_id, None, &content).await;
        assert_eq!(status, 200, "{content}: {saved}");
        assert_eq!(saved["version_no"], 1);
    }
    let (status, bank) = app.call(&author, "bank", &[("bank_id", &bank_id)]).await;
    assert_eq!(status, 200, "{bank}");
    assert_eq!(bank["name"], "Routing and switching");
    assert_eq!(bank["tags"], json!(["networking", "week 1"]));
    let questions = bank["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 6);
    assert!(
        questions
            .iter()
            .all(|q| q["status"] == "DRAFT" && q["author_name"] == "Arun Author"),
        "{bank}"
    );
    assert_eq!(
        questions[0]["content"]["tags"],
        json!(["networking", "ports"]),
        "tags are tidied"
    );
    assert_eq!(
        questions[4]["content"]["body"]["answers"][0]["accepts"]["tolerance"],
        0.01
    );

    // Bad input: each problem named with its field, and nothing saved.
    let versions_before = app.count("SELECT COUNT(*) FROM question_versions").await;
    let mut no_correct = every_type().remove(0);
    no_correct["body"]["options"][0]["weight"] = json!(0.0);
    let mut negative_tolerance = every_type().remove(4);
    negative_tolerance["body"]["answers"][0]["accepts"]["tolerance"] = json!(-1.0);
    let mut empty = every_type().remove(5);
    empty["stem"]["text"] = json!("   ");
    for (content, field) in [
        (&no_correct, "options"),
        (&negative_tolerance, "answers[0].tolerance"),
        (&empty, "stem"),
    ] {
        let (status, body) = save(&app, &author, &bank_id, None, content).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["error"], "InvalidFields");
        assert_eq!(body["fields"][0]["field"], field, "{body}");
        assert!(!message(&body).is_empty());
    }
    // 256 KB of text is named beside its field; 5 MB never gets past the request's size
    // limit (400 "length limit exceeded" or 413, or the connection closed while the rest is
    // still being sent).
    let mut long = every_type().remove(5);
    long["stem"]["text"] = json!("x".repeat(256 * 1024));
    let (status, body) = save(&app, &author, &bank_id, None, &long).await;
    assert_eq!(
        (status, body["fields"][0]["field"].as_str()),
        (400, Some("stem")),
        "{body}"
    );
    let (status, body) = app
        .call_json(
            &author,
            "save_question",
            &json!({"bank_id": bank_id, "content": {"title": "no body"}}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let mut huge = every_type().remove(5);
    huge["stem"]["text"] = json!("x".repeat(5 * 1024 * 1024));
    // A client of its own: the server may close the connection before reading all of it.
    let oversized = app.signed_in(AUTHOR).await;
    let sent = oversized
        .post(format!("{}/api/save_question", app.base))
        .json(&json!({"bank_id": bank_id, "content": huge}))
        .send()
        .await;
    if let Ok(response) = sent {
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        assert!(
            matches!(status, 400 | 413),
            "5 MB of text is refused: {status} {body}"
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM question_versions").await,
        versions_before
    );

    // A duplicate is a new draft with the same content, in the same bank.
    let first = questions[0]["question_id"].as_str().unwrap().to_string();
    let (status, copy) = app
        .call(&author, "duplicate_question", &[("question_id", &first)])
        .await;
    assert_eq!(status, 200, "{copy}");
    assert_ne!(copy["question_id"].as_str(), Some(first.as_str()));
    let (_, bank) = app.call(&author, "bank", &[("bank_id", &bank_id)]).await;
    let copied = bank["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["question_id"] == copy["question_id"])
        .unwrap()
        .clone();
    assert_eq!(
        (
            copied["content"]["title"].as_str(),
            copied["status"].as_str(),
            copied["version_no"].as_i64()
        ),
        (Some("Single (copy)"), Some("DRAFT"), Some(1))
    );
    assert_eq!(copied["content"]["body"], questions[0]["content"]["body"]);

    // The demo's own bank lists its questions as approved versions of the questions it delivers.
    let (_, demo) = app
        .call(&author, "banks", &[("org_id", &org.org_id), ("search", "basics")])
        .await;
    assert_eq!(
        (demo[0]["name"].as_str(), demo[0]["approved"].as_i64()),
        (Some("Networking basics"), Some(3)),
        "{demo}"
    );
    let (_, demo_bank) = app
        .call(&author, "bank", &[("bank_id", demo[0]["id"].as_str().unwrap())])
        .await;
    let kinds: Vec<&str> = demo_bank["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["content"]["body"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["choice", "true_false", "short_answer"], "{demo_bank}");

    // A blank name is refused beside its field; the list counts drafts and searches.
    let (status, body) = app
        .call(&author, "create_bank", &[("org_id", &org.org_id), ("name", "  ")])
        .await;
    assert_eq!(
        (status, body["fields"][0]["field"].as_str()),
        (400, Some("name")),
        "{body}"
    );
    create_bank(&app, &author, &org.org_id, "Security").await;
    let (status, list) = app
        .call(
            &author,
            "banks",
            &[("org_id", &org.org_id), ("search", "SWITCHING")],
        )
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(
        (list[0]["drafts"].as_i64(), list[0]["approved"].as_i64()),
        (Some(7), Some(0))
    );
}

#[tokio::test]
async fn qa_approves_or_rejects_with_a_reason_and_approved_questions_change_only_by_new_versions() {
    let (app, org) = TestApp::start("authoring-review").await;
    let author = app.signed_in(AUTHOR).await;
    let qa = app.signed_in(QA).await;
    let bank_id = create_bank(&app, &author, &org.org_id, "Networking").await;
    let mut saved = Vec::new();
    for content in every_type().into_iter().take(3) {
        saved.push(save(&app, &author, &bank_id, None, &content).await.1);
    }
    let version = |i: usize| saved[i]["version_id"].as_str().unwrap().to_string();

    // Submitting the bank submits its drafts.
    let (status, body) = act(&app, &author, "bank_action", "bank_id", &bank_id, json!("Submit")).await;
    assert_eq!((status, body.as_str()), (200, Some("IN_REVIEW")), "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM question_versions WHERE status = 'IN_REVIEW'")
            .await,
        3
    );

    // The author cannot decide; QA can, and a rejection needs a reason.
    let (status, body) = act(
        &app,
        &author,
        "question_action",
        "version_id",
        &version(0),
        json!("Approve"),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = act(
        &app,
        &qa,
        "question_action",
        "version_id",
        &version(2),
        json!({"Reject": {"reason": "  "}}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(message(&body).contains("reason"));
    for i in [0, 1] {
        let (status, body) = act(
            &app,
            &qa,
            "question_action",
            "version_id",
            &version(i),
            json!("Approve"),
        )
        .await;
        assert_eq!((status, body.as_str()), (200, Some("APPROVED")), "{body}");
    }
    let (status, _) = act(
        &app,
        &qa,
        "question_action",
        "version_id",
        &version(2),
        json!({"Reject": {"reason": "Say which DNS."}}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = act(
        &app,
        &qa,
        "question_action",
        "version_id",
        &version(0),
        json!("Approve"),
    )
    .await;
    assert_eq!(status, 409, "deciding twice is refused: {body}");

    // Editing the approved question makes version 2 as a draft; version 1 stays approved.
    let question_id = saved[0]["question_id"].as_str().unwrap();
    let mut edited = every_type().remove(0);
    edited["stem"]["text"] = json!("Which port does HTTPS use by default?");
    let (status, v2) = save(&app, &author, &bank_id, Some(question_id), &edited).await;
    assert_eq!(status, 200, "{v2}");
    assert_eq!(
        (v2["version_no"].as_i64(), v2["new_version"].as_bool()),
        (Some(2), Some(true))
    );
    let (status, history) = app
        .call(&author, "question_history", &[("question_id", question_id)])
        .await;
    assert_eq!(status, 200, "{history}");
    let states: Vec<(i64, &str)> = history["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["version_no"].as_i64().unwrap(), v["status"].as_str().unwrap()))
        .collect();
    assert_eq!(states, [(2, "DRAFT"), (1, "APPROVED")]);
    assert_eq!(
        history["versions"][1]["content"]["stem"]["text"], "**Single**: which one?",
        "version 1 never changes"
    );
    let changes: Vec<(Option<&str>, &str)> = history["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["from"].as_str(), c["to"].as_str().unwrap()))
        .collect();
    assert_eq!(
        changes,
        [
            (None, "DRAFT"),
            (Some("DRAFT"), "IN_REVIEW"),
            (Some("IN_REVIEW"), "APPROVED"),
            (None, "DRAFT")
        ]
    );
    // Only the latest version moves.
    let (status, body) = act(
        &app,
        &author,
        "question_action",
        "version_id",
        &version(0),
        json!("Archive"),
    )
    .await;
    assert_eq!(status, 409, "{body}");

    // The rejected draft is edited in place (it stays version 1) and carries the reason until then.
    let (_, bank) = app.call(&author, "bank", &[("bank_id", &bank_id)]).await;
    assert_eq!(bank["questions"][2]["review_reason"], "Say which DNS.");
    let (status, again) = save(
        &app,
        &author,
        &bank_id,
        saved[2]["question_id"].as_str(),
        &every_type().remove(2),
    )
    .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        (again["version_no"].as_i64(), again["new_version"].as_bool()),
        (Some(1), Some(false))
    );
    // A question in review cannot be edited until it is decided.
    let (status, body) = act(
        &app,
        &author,
        "question_action",
        "version_id",
        &version(2),
        json!("Submit"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = save(
        &app,
        &author,
        &bank_id,
        saved[2]["question_id"].as_str(),
        &every_type().remove(2),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'AUTHORING_STATUS_CHANGED'")
            .await,
        5,
        "the bank's submission, two approvals, a rejection, a submission"
    );
}

#[tokio::test]
async fn candidates_other_organisations_and_the_wrong_roles_are_refused() {
    let (app, org) = TestApp::start("authoring-refusals").await;
    let other = demo::seed_org(
        &app.pool,
        "Other College",
        "other",
        &[
            ("author@other.vigil.test", "Otto Other", &[Role::ExamAuthor]),
            ("qa@other.vigil.test", "Quinn Other", &[Role::QualityAssurance]),
        ],
        "Other exam",
    )
    .await
    .unwrap();
    let author = app.signed_in(AUTHOR).await;
    let bank_id = create_bank(&app, &author, &org.org_id, "Networking").await;
    let (_, saved) = save(&app, &author, &bank_id, None, &every_type()[0]).await;
    let version_id = saved["version_id"].as_str().unwrap().to_string();
    act(
        &app,
        &author,
        "question_action",
        "version_id",
        &version_id,
        json!("Submit"),
    )
    .await;
    let before = app.count("SELECT COUNT(*) FROM question_versions").await;

    // A candidate reads no bank and writes none.
    let candidate = app.signed_in("candidate@demo.vigil.test").await;
    assert_eq!(
        app.call(&candidate, "bank", &[("bank_id", &bank_id)]).await.0,
        403
    );
    assert_eq!(
        app.call(&candidate, "banks", &[("org_id", &org.org_id)]).await.0,
        403
    );
    assert_eq!(
        save(&app, &candidate, &bank_id, None, &every_type()[1]).await.0,
        403
    );
    let question_id = saved["question_id"].as_str().unwrap().to_string();
    assert_eq!(
        app.call(&candidate, "duplicate_question", &[("question_id", &question_id)])
            .await
            .0,
        403
    );
    // Another organisation's author and QA: no reading, no writing, no deciding.
    let other_author = app.signed_in("author@other.vigil.test").await;
    let other_qa = app.signed_in("qa@other.vigil.test").await;
    assert_eq!(
        app.call(
            &other_author,
            "duplicate_question",
            &[("question_id", &question_id)]
        )
        .await
        .0,
        403
    );
    assert_eq!(
        app.call(&other_author, "bank", &[("bank_id", &bank_id)]).await.0,
        403
    );
    assert_eq!(
        save(&app, &other_author, &bank_id, None, &every_type()[1])
            .await
            .0,
        403
    );
    assert_eq!(
        act(
            &app,
            &other_qa,
            "question_action",
            "version_id",
            &version_id,
            json!("Approve")
        )
        .await
        .0,
        403
    );
    assert_eq!(
        app.call(&other_author, "banks", &[("org_id", &org.org_id)])
            .await
            .0,
        403
    );
    let (status, list) = app
        .call(&other_author, "banks", &[("org_id", &other.org_id)])
        .await;
    assert_eq!(status, 200, "{list}");
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|b| b["id"] != bank_id.as_str()),
        "their own list holds none of ours"
    );
    // QA reviews but does not write; a coordinator reads but does not decide; a visitor nothing.
    let qa = app.signed_in(QA).await;
    assert_eq!(
        app.call(
            &qa,
            "create_bank",
            &[("org_id", &org.org_id), ("name", "QA bank")]
        )
        .await
        .0,
        403
    );
    let coordinator = app.signed_in("coordinator@demo.vigil.test").await;
    assert_eq!(
        app.call(&coordinator, "bank", &[("bank_id", &bank_id)]).await.0,
        200
    );
    assert_eq!(
        act(
            &app,
            &coordinator,
            "question_action",
            "version_id",
            &version_id,
            json!("Approve")
        )
        .await
        .0,
        403
    );
    assert_eq!(
        app.call(&app.client(), "bank", &[("bank_id", &bank_id)]).await.0,
        401
    );
    // Ids that name nothing, or could not be ids at all.
    assert_eq!(
        app.call(&author, "bank", &[("bank_id", "no-such-bank")]).await.0,
        404
    );
    assert_eq!(
        app.call(&author, "bank", &[("bank_id", &"x".repeat(10_000))])
            .await
            .0,
        400
    );
    assert_eq!(
        save(
            &app,
            &author,
            &bank_id,
            Some("no-such-question"),
            &every_type()[0]
        )
        .await
        .0,
        404
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM question_versions").await, before);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM question_versions WHERE status = 'IN_REVIEW'")
            .await,
        1
    );
}

#[tokio::test]
async fn many_questions_are_submitted_approved_and_moved_at_once() {
    let (app, org) = TestApp::start("authoring-bulk").await;
    let author = app.signed_in(AUTHOR).await;
    let qa = app.signed_in(QA).await;
    let first = create_bank(&app, &author, &org.org_id, "First").await;
    let second = create_bank(&app, &author, &org.org_id, "Second").await;
    let mut saved = Vec::new();
    for content in every_type().into_iter().take(3) {
        saved.push(save(&app, &author, &first, None, &content).await.1);
    }
    let versions: Vec<String> = saved
        .iter()
        .map(|s| s["version_id"].as_str().unwrap().to_string())
        .collect();
    let questions: Vec<String> = saved
        .iter()
        .map(|s| s["question_id"].as_str().unwrap().to_string())
        .collect();

    let bulk = |client: &reqwest::Client, ids: Value, action: Value| {
        let client = client.clone();
        let app = &app;
        async move {
            app.call_json(
                &client,
                "bulk_question_action",
                &json!({"version_ids": ids, "action": action}),
            )
            .await
        }
    };
    let (status, report) = bulk(&author, json!(versions), json!("Submit")).await;
    assert_eq!((status, report["done"].as_u64()), (200, Some(3)), "{report}");
    // The author may not approve their own: each refusal is reported, nothing changes.
    let (status, report) = bulk(&author, json!(versions), json!("Approve")).await;
    assert_eq!((status, report["done"].as_u64()), (200, Some(0)), "{report}");
    assert_eq!(report["refused"].as_array().map(Vec::len), Some(3), "{report}");
    let approved_in_first = format!(
        "SELECT COUNT(*) FROM question_versions v JOIN questions q ON q.id = v.question_id \
         WHERE q.bank_id = '{first}' AND v.status = 'APPROVED'"
    );
    assert_eq!(app.count(&approved_in_first).await, 0);
    // A candidate acts on nothing.
    let candidate = app.signed_in("candidate@demo.vigil.test").await;
    assert_eq!(bulk(&candidate, json!(versions), json!("Submit")).await.0, 403);
    // QA approves two; the third was approved already by then: reported, not fatal.
    let (status, report) = bulk(&qa, json!(versions[..2]), json!("Approve")).await;
    assert_eq!((status, report["done"].as_u64()), (200, Some(2)), "{report}");
    let (status, report) = bulk(&qa, json!(versions), json!("Approve")).await;
    assert_eq!((status, report["done"].as_u64()), (200, Some(1)), "{report}");
    assert_eq!(report["refused"].as_array().map(Vec::len), Some(2), "{report}");
    let (status, _) = bulk(&qa, json!([]), json!("Approve")).await;
    assert_eq!(status, 400);
    let too_many: Vec<String> = (0..501).map(|i| format!("id-{i}")).collect();
    assert_eq!(bulk(&qa, json!(too_many), json!("Approve")).await.0, 400);

    // Moving: all or nothing, within the organisation.
    let moving = |ids: Value, to: &str| {
        let author = author.clone();
        let app = &app;
        let body = json!({"bank_id": first, "question_ids": ids, "to_bank_id": to});
        async move { app.call_json(&author, "move_questions", &body).await }
    };
    let (status, body) = moving(json!([questions[0], "not-in-this-bank"]), &second).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM questions WHERE bank_id = (SELECT id FROM question_banks WHERE name = 'Second')").await, 0);
    let (status, body) = moving(json!(questions[..2]), &second).await;
    assert_eq!((status, body["done"].as_u64()), (200, Some(2)), "{body}");
    let (_, bank) = app.call(&author, "bank", &[("bank_id", &second)]).await;
    assert_eq!(bank["questions"].as_array().map(Vec::len), Some(2), "{bank}");
    assert_eq!(
        bank["questions"][0]["status"], "APPROVED",
        "versions move with their question"
    );
    let other = demo::seed_org(
        &app.pool,
        "Other College",
        "other",
        &[("author@other.vigil.test", "Otto Other", &[Role::ExamAuthor])],
        "Other exam",
    )
    .await
    .unwrap();
    let other_author = app.signed_in("author@other.vigil.test").await;
    let theirs = create_bank(&app, &other_author, &other.org_id, "Theirs").await;
    let (status, _) = moving(json!([questions[2]]), &theirs).await;
    assert_eq!(status, 403, "never into another organisation's bank");
    let (status, _) = moving(json!([questions[2]]), &first).await;
    assert_eq!(status, 400, "not into the same bank");
}
