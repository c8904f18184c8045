//! An exam's report against numbers worked out by hand: five candidates' submitted attempts at
//! three questions worth 1, 1 and 2 points (the example in `shared::statistics`'s tests), laid
//! into the database as the player and grader would leave them, then read back through
//! `exam_report` over HTTP.

mod common;

use common::{message, TestApp};
use serde_json::{json, Value};

/// Marks per candidate for items worth 1, 1 and 2 (hand-worked in `shared::statistics`).
const MARKS: [[f64; 3]; 5] = [
    [1.0, 1.0, 2.0],
    [1.0, 0.0, 2.0],
    [0.0, 1.0, 1.0],
    [1.0, 0.0, 0.0],
    [0.0, 0.0, 1.0],
];

async fn exec(app: &TestApp, sql: &str, binds: &[Value]) {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = match b {
            Value::String(s) => q.bind(s.clone()),
            Value::Number(n) if n.is_i64() => q.bind(n.as_i64().unwrap()),
            Value::Number(n) => q.bind(n.as_f64().unwrap()),
            Value::Null => q.bind(None::<String>),
            other => panic!("unsupported bind {other}"),
        };
    }
    q.execute(&app.pool).await.unwrap();
}

/// Three question versions worth 1, 1 and 2 points, shaped like the demo bank's.
async fn versions(app: &TestApp, bank_id: &str) -> Vec<(String, String)> {
    let template: String = sqlx::query_scalar("SELECT content_json FROM question_versions LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut out = Vec::new();
    for (i, points) in [1.0, 1.0, 2.0].into_iter().enumerate() {
        let (q, v) = (format!("rq-{i}"), format!("rv-{i}"));
        let mut content: Value = serde_json::from_str(&template).unwrap();
        content["points"] = json!(points);
        exec(
            app,
            "INSERT INTO questions (id, bank_id, kind, stem, points, position, created_at) VALUES ($1, $2, 'MULTIPLE_CHOICE_SINGLE', 'x', 1, 0, 0)",
            &[json!(q), json!(bank_id)],
        )
        .await;
        exec(
            app,
            "INSERT INTO question_versions (id, question_id, version_no, status, kind, title, difficulty, content_json, created_at, updated_at) \
             VALUES ($1, $2, 1, 'APPROVED', 'MULTIPLE_CHOICE_SINGLE', $3, 'MEDIUM', $4, 0, 0)",
            &[json!(v), json!(q), json!(format!("Question {}", i + 1)), json!(content.to_string())],
        )
        .await;
        out.push((q, v));
    }
    out
}

/// A candidate's submitted attempt with these marks; `attempt_no` and minutes used as given.
async fn attempt(
    app: &TestApp,
    exam_id: &str,
    who: usize,
    no: i64,
    marks: &[f64; 3],
    items: &[(String, String)],
) {
    let user = format!("ru-{who}");
    let enrollment = format!("re-{who}");
    if no == 1 {
        exec(
            app,
            "INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES ($1, $2, $3, 'x', 0)",
            &[json!(user), json!(format!("r{who}@x.test")), json!(format!("Candidate {who}"))],
        )
        .await;
        exec(
            app,
            "INSERT INTO enrollments (id, exam_id, user_id, status, created_at) VALUES ($1, $2, $3, 'COMPLETED', 0)",
            &[json!(enrollment), json!(exam_id), json!(user)],
        )
        .await;
    }
    let session = format!("rs-{who}-{no}");
    let score: f64 = marks.iter().sum();
    let started = 1_000_000 * (no + 1);
    exec(
        app,
        "INSERT INTO exam_sessions (id, exam_id, enrollment_id, user_id, attempt_no, status, started_at, deadline_at, \
           submitted_at, score, max_score, passed, org_id) \
         VALUES ($1, $2, $3, $4, $5, 'COMPLETED', $6, $7, $8, $9, 4.0, $10, (SELECT org_id FROM exams WHERE id = $2))",
        &[
            json!(session),
            json!(exam_id),
            json!(enrollment),
            json!(user),
            json!(no),
            json!(started),
            json!(started + 3_600_000),
            // 10 minutes per candidate number, plus one.
            json!(started + 60_000 * (10 * who as i64 + 1)),
            json!(score),
            json!(i64::from(score >= 2.0)),
        ],
    )
    .await;
    for (i, ((q, v), m)) in items.iter().zip(marks).enumerate() {
        exec(
            app,
            "INSERT INTO attempt_questions (session_id, position, question_id, version_id) VALUES ($1, $2, $3, $4)",
            &[json!(session), json!(i as i64), json!(q), json!(v)],
        )
        .await;
        exec(
            app,
            "INSERT INTO answers (id, session_id, question_id, value_json, version, updated_at, points_awarded) \
             VALUES ($1, $2, $3, '\"a\"', 1, 0, $4)",
            &[json!(format!("{session}-{i}")), json!(session), json!(q), json!(*m)],
        )
        .await;
    }
}

/// The hand-worked example laid into the exam: the five candidates' first attempts. Returns
/// the exam's bank and the three questions (question and version ids).
async fn the_example(app: &TestApp, exam_id: &str) -> (String, Vec<(String, String)>) {
    let bank: String = sqlx::query_scalar("SELECT bank_id FROM exams WHERE id = $1")
        .bind(exam_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let items = versions(app, &bank).await;
    for (who, marks) in MARKS.iter().enumerate() {
        attempt(app, exam_id, who, 1, marks, &items).await;
    }
    (bank, items)
}

fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("a number, not {v}"));
    assert!((got - want).abs() < 1e-3, "{got} is not {want}");
}

#[tokio::test]
async fn the_report_matches_the_hand_worked_example() {
    let (app, seeded) = TestApp::start("reports").await;
    let (bank, items) = the_example(&app, &seeded.exam_id).await;
    // Candidate 4 tried again and did better: counted only when every (or the last, or the
    // highest) attempt counts.
    attempt(&app, &seeded.exam_id, 4, 2, &[1.0, 1.0, 2.0], &items).await;

    let viewer = app.signed_in("reports@demo.vigil.test").await;
    let (status, r) = app
        .call(
            &viewer,
            "exam_report",
            &[("exam_id", &seeded.exam_id), ("attempts", "FIRST")],
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["counted"], 5);
    assert_eq!(r["few_attempts"], true, "5 attempts are too few to mean much");
    let rows: Vec<&Value> = r["items"].as_array().unwrap().iter().collect();
    assert_eq!(rows.len(), 3);
    close(&rows[0]["facility"], 60.0);
    close(&rows[0]["sd"], 54.772);
    close(&rows[0]["discrimination"], 8.006);
    close(&rows[0]["efficiency"], 9.091);
    assert_eq!(rows[0]["concerns"], json!(["LOW_DISCRIMINATION"]));
    close(&rows[2]["discrimination"], 42.258);
    close(&rows[2]["efficiency"], 50.0);
    assert_eq!(rows[2]["concerns"], json!([]));
    assert_eq!(rows[2]["max_points"], 2.0);
    // Every attempt chose option "a": one attempt in each third (5 / 3), so the option counts
    // show one choice at the top and one at the bottom.
    assert_eq!(rows[0]["third"], 1);
    let sum = |key: &str| -> u64 {
        rows[0]["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o[key].as_u64().unwrap())
            .sum()
    };
    assert_eq!((sum("top"), sum("bottom")), (1, 1), "{}", rows[0]["options"]);
    close(&r["alpha"], 35.294);
    close(&r["error_ratio"], 80.440);
    close(&r["standard_error"], 1.04881);
    // Scores 100, 75, 50, 25, 25 %: mean 55, median 50; passes at 2 of 4 points: 3 of 5.
    close(&r["scores"]["mean"], 55.0);
    close(&r["scores"]["median"], 50.0);
    close(&r["pass_rate"], 60.0);
    assert_eq!(r["score_bins"]["counts"], json!([0, 0, 2, 0, 0, 1, 0, 1, 0, 1]));
    // Minutes used 1, 11, 21, 31, 41.
    close(&r["minutes"]["median"], 21.0);
    assert_eq!(r["started"], 6);
    assert_eq!(r["submitted"], 6);

    // Which attempts count.
    for (choice, counted, mean) in [("LAST", 5, 70.0), ("HIGHEST", 5, 70.0), ("ALL", 6, 62.5)] {
        let (status, r) = app
            .call(
                &viewer,
                "exam_report",
                &[("exam_id", &seeded.exam_id), ("attempts", choice)],
            )
            .await;
        assert_eq!(status, 200, "{r}");
        assert_eq!(r["counted"], counted, "{choice}");
        close(&r["scores"]["mean"], mean);
    }
    let (status, _) = app
        .call(
            &viewer,
            "exam_report",
            &[("exam_id", &seeded.exam_id), ("attempts", "BEST")],
        )
        .await;
    assert_eq!(status, 400, "an unknown choice is refused");

    // The bank learns from use: question 1 over all six attempts, its marks against the rest
    // of each attempt as shares (rest 1, 2/3, 2/3, 0, 1/3, 1): facility 4/6, discrimination
    // 22.086 (worked out by hand as in shared::statistics).
    let author = app.signed_in("author@demo.vigil.test").await;
    let (status, usage) = app.call(&author, "bank_usage", &[("bank_id", &bank)]).await;
    assert_eq!(status, 200, "{usage}");
    let q1 = usage
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["question_id"] == "rq-0")
        .expect("question 1 has been used");
    assert_eq!(
        (q1["attempts"].as_u64(), q1["exams"].as_u64()),
        (Some(6), Some(1))
    );
    close(&q1["facility"], 66.667);
    close(&q1["discrimination"], 22.086);
    let (status, _) = app.call(&viewer, "bank_usage", &[("bank_id", &bank)]).await;
    assert_eq!(status, 403, "report viewers do not read banks");
}

/// A CSV download, parsed as a spreadsheet would read it: the header, then the rows.
async fn csv_rows(client: &reqwest::Client, url: &str) -> (u16, Vec<csv::StringRecord>) {
    let r = client.get(url).send().await.unwrap();
    let status = r.status().as_u16();
    let body = r.text().await.unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let rows = if status == 200 {
        reader.records().map(|r| r.expect("well-formed CSV")).collect()
    } else {
        Vec::new()
    };
    (status, rows)
}

fn column(rows: &[csv::StringRecord], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no {name} in {:?}", rows[0]))
}

#[tokio::test]
async fn results_items_and_flags_download_as_csv() {
    let (app, seeded) = TestApp::start("reports_csv").await;
    the_example(&app, &seeded.exam_id).await;
    // A name a spreadsheet could trip on: a comma, quotes, a line break, a formula.
    let tricky = "Doe, \"Jo\"\n=HYPERLINK(\"x\")";
    exec(
        &app,
        "UPDATE users SET display_name = $1 WHERE id = 'ru-0'",
        &[json!(tricky)],
    )
    .await;
    exec(
        &app,
        "INSERT INTO flags (id, session_id, flag_type, severity, evidence_json, status, raised_at, resolution) \
         VALUES ('rf-1', 'rs-1-1', 'COPY_PASTE', 'MEDIUM', '{}', 'CONFIRMED', 1796112000000, 'pasted, \"clearly\"')",
        &[],
    )
    .await;
    let viewer = app.signed_in("reports@demo.vigil.test").await;
    let base = format!("{}/exports/exams/{}", app.base, seeded.exam_id);

    let (status, rows) = csv_rows(&viewer, &format!("{base}/sessions.csv")).await;
    assert_eq!(status, 200);
    assert_eq!(rows.len(), 6, "a header and five attempts");
    let (name, email, passed, minutes) = (
        column(&rows, "candidate"),
        column(&rows, "email"),
        column(&rows, "passed"),
        column(&rows, "minutes_used"),
    );
    let first = rows.iter().find(|r| &r[email] == "r0@x.test").unwrap();
    assert_eq!(&first[name], tricky, "the name survives the round trip");
    assert_eq!((&first[passed], &first[minutes]), ("yes", "1.0"));
    let last = rows.iter().find(|r| &r[email] == "r4@x.test").unwrap();
    assert_eq!((&last[passed], &last[minutes]), ("no", "41.0"));

    let (status, rows) = csv_rows(&viewer, &format!("{base}/items.csv?attempts=FIRST")).await;
    assert_eq!(status, 200);
    assert_eq!(rows.len(), 4);
    let (facility, discrimination, check) = (
        column(&rows, "facility_percent"),
        column(&rows, "discrimination_index"),
        column(&rows, "needs_checking"),
    );
    assert_eq!((&rows[1][facility], &rows[1][discrimination]), ("60.00", "8.01"));
    assert_eq!(&rows[1][check], "LOW_DISCRIMINATION");
    assert_eq!(&rows[3][discrimination], "42.26");
    let (status, _) = csv_rows(&viewer, &format!("{base}/items.csv?attempts=BEST")).await;
    assert_eq!(status, 400);

    let (status, rows) = csv_rows(&viewer, &format!("{base}/flags.csv")).await;
    assert_eq!(status, 200);
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[1][column(&rows, "flag_type")], "COPY_PASTE");
    assert_eq!(&rows[1][column(&rows, "resolution")], "pasted, \"clearly\"");
    assert_eq!(&rows[1][column(&rows, "raised_at_utc")], "2026-12-01T08:00:00Z");

    let candidate = app.signed_in("candidate@demo.vigil.test").await;
    for file in ["sessions.csv", "items.csv", "flags.csv"] {
        let (status, _) = csv_rows(&candidate, &format!("{base}/{file}")).await;
        assert_eq!(status, 403, "{file}");
    }
}

#[tokio::test]
async fn only_report_readers_of_the_exams_organisation_read_it() {
    let (app, seeded) = TestApp::start("reports_access").await;
    for email in [
        "candidate@demo.vigil.test",
        "reviewer@demo.vigil.test",
        "author@demo.vigil.test",
    ] {
        let who = app.signed_in(email).await;
        let (status, body) = app
            .call(
                &who,
                "exam_report",
                &[("exam_id", &seeded.exam_id), ("attempts", "HIGHEST")],
            )
            .await;
        assert_eq!(status, 403, "{email}: {body}");
    }
    for email in [
        "reports@demo.vigil.test",
        "coordinator@demo.vigil.test",
        "admin@demo.vigil.test",
    ] {
        let who = app.signed_in(email).await;
        let (status, body) = app
            .call(
                &who,
                "exam_report",
                &[("exam_id", &seeded.exam_id), ("attempts", "HIGHEST")],
            )
            .await;
        assert_eq!(status, 200, "{email}: {body}");
        let (_, list) = app.call(&who, "report_exams", &[]).await;
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .any(|e| e["exam_id"] == seeded.exam_id.as_str()),
            "{email}: {list}"
        );
    }
    let (_, list) = app
        .call(
            &app.signed_in("candidate@demo.vigil.test").await,
            "report_exams",
            &[],
        )
        .await;
    assert_eq!(list, json!([]));
    let viewer = app.signed_in("reports@demo.vigil.test").await;
    let (status, body) = app
        .call(
            &viewer,
            "exam_report",
            &[("exam_id", "no-such-exam"), ("attempts", "HIGHEST")],
        )
        .await;
    assert_eq!(status, 404, "{body}");
    assert!(message(&body).contains("no such exam"));
}

/// The report over the candidates' highest attempts, narrowed by `filter` (query fields).
async fn report(
    app: &TestApp,
    viewer: &reqwest::Client,
    exam: &str,
    filter: &[(&str, &str)],
) -> (u16, Value) {
    let mut form = vec![("exam_id", exam), ("attempts", "HIGHEST")];
    form.extend_from_slice(filter);
    app.call(viewer, "exam_report", &form).await
}

/// 2026-11-02 and 2026-11-20 at noon UTC: the same day in any organisation's time zone.
const NOV_2: i64 = 1_793_620_800_000;
const NOV_20: i64 = 1_795_176_000_000;

#[tokio::test]
async fn a_report_narrows_to_a_department_and_days_and_opens_an_attempts_answers() {
    let (app, seeded) = TestApp::start("reports_filters").await;
    the_example(&app, &seeded.exam_id).await;
    // Candidates 0 and 1 sat on 2 November, the rest on the 20th; 0 and 2 are in Physics.
    for (who, day) in [(0, NOV_2), (1, NOV_2), (2, NOV_20), (3, NOV_20), (4, NOV_20)] {
        exec(
            &app,
            "UPDATE exam_sessions SET started_at = $1, submitted_at = $2 WHERE id = $3",
            &[json!(day), json!(day + 600_000), json!(format!("rs-{who}-1"))],
        )
        .await;
    }
    exec(
        &app,
        "INSERT INTO departments (id, org_id, name, created_at) VALUES ('rd-physics', $1, 'Physics', 0)",
        &[json!(seeded.org_id)],
    )
    .await;
    for who in 0..5 {
        let department = if who == 0 || who == 2 {
            json!("rd-physics")
        } else {
            Value::Null
        };
        exec(
            &app,
            "INSERT INTO organization_members (org_id, user_id, department_id, created_at) VALUES ($1, $2, $3, 0)",
            &[json!(seeded.org_id), json!(format!("ru-{who}")), department],
        )
        .await;
    }
    // A flag on candidate 1's attempt: outside Physics.
    exec(
        &app,
        "INSERT INTO flags (id, session_id, flag_type, severity, evidence_json, status, raised_at) \
         VALUES ('rf-2', 'rs-1-1', 'TAB_SWITCH', 'LOW', '{}', 'OPEN', 0)",
        &[],
    )
    .await;
    let viewer = app.signed_in("reports@demo.vigil.test").await;
    let exam = seeded.exam_id.as_str();

    let (status, whole) = report(&app, &viewer, exam, &[]).await;
    assert_eq!(status, 200, "{whole}");
    assert_eq!(whole["counted"], 5);
    assert_eq!(whole["flags"].as_array().unwrap().len(), 1);
    assert!(
        whole["departments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "Physics"),
        "the form offers the organisation's departments: {}",
        whole["departments"]
    );

    // Physics: candidates 0 and 2 (100% and 50%), and candidate 1's flag is not theirs.
    let (status, physics) = report(&app, &viewer, exam, &[("department", "rd-physics")]).await;
    assert_eq!(status, 200, "{physics}");
    assert_eq!(
        (physics["counted"].as_u64(), physics["started"].as_u64()),
        (Some(2), Some(2))
    );
    close(&physics["scores"]["mean"], 75.0);
    assert_eq!(physics["flags"], json!([]));
    assert_eq!(physics["items"][0]["attempts"], 2);

    // 1–5 November: candidates 0 and 1 (100% and 75%).
    let (status, early) = report(
        &app,
        &viewer,
        exam,
        &[("from", "2026-11-01"), ("to", "2026-11-05")],
    )
    .await;
    assert_eq!(status, 200, "{early}");
    assert_eq!(early["counted"], 2);
    close(&early["scores"]["mean"], 87.5);
    // The last day counts whole: the 20th up to the 20th holds three.
    let (_, late) = report(
        &app,
        &viewer,
        exam,
        &[("from", "2026-11-20"), ("to", "2026-11-20")],
    )
    .await;
    assert_eq!(late["counted"], 3, "{late}");

    // Worst values: another organisation's or no department, days that are not days, a range
    // that ends before it starts, and a long id.
    let other_org: String = sqlx::query_scalar("SELECT id FROM organizations WHERE id <> $1 LIMIT 1")
        .bind(&seeded.org_id)
        .fetch_optional(&app.pool)
        .await
        .unwrap()
        .unwrap_or_else(|| "no-other-org".into());
    if other_org != "no-other-org" {
        exec(
            &app,
            "INSERT INTO departments (id, org_id, name, created_at) VALUES ('rd-elsewhere', $1, 'Elsewhere', 0)",
            &[json!(other_org)],
        )
        .await;
    }
    let long = "d".repeat(65);
    for (filter, says) in [
        (
            vec![("department", "rd-elsewhere")],
            "not one of this organisation",
        ),
        (vec![("department", "nothing")], "not one of this organisation"),
        (
            vec![("department", long.as_str())],
            "not one of this organisation",
        ),
        (vec![("from", "2026-13-01")], "is not a date"),
        (vec![("to", "yesterday")], "is not a date"),
        (
            vec![("from", "2026-11-20"), ("to", "2026-11-02")],
            "after the last",
        ),
    ] {
        let shown = format!("{filter:?}");
        let (status, body) = report(&app, &viewer, exam, &filter).await;
        assert_eq!(status, 400, "{shown}: {body}");
        assert!(message(&body).contains(says), "{shown}: {body}");
    }

    // The item analysis download follows the same filter.
    let base = format!("{}/exports/exams/{}", app.base, seeded.exam_id);
    let (status, rows) = csv_rows(
        &viewer,
        &format!("{base}/items.csv?attempts=FIRST&department=rd-physics"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(&rows[1][column(&rows, "attempts")], "2");
    let (status, _) = csv_rows(&viewer, &format!("{base}/items.csv?department=nothing")).await;
    assert_eq!(status, 400);

    // Finding an attempt and opening its answers sheet.
    let (status, found) = app
        .call(
            &viewer,
            "report_attempts",
            &[("exam_id", &seeded.exam_id), ("search", "candidate 1")],
        )
        .await;
    assert_eq!(status, 200, "{found}");
    let lines = found["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1, "{found}");
    assert_eq!(lines[0]["email"], "r1@x.test");
    close(&lines[0]["percent"], 75.0);
    let (_, all) = app
        .call(
            &viewer,
            "report_attempts",
            &[("exam_id", &seeded.exam_id), ("search", "%")],
        )
        .await;
    assert_eq!(
        all["lines"],
        json!([]),
        "a % in the search is a character, not a wildcard"
    );
    let (status, body) = app
        .call(
            &viewer,
            "report_attempts",
            &[("exam_id", &seeded.exam_id), ("search", &"x".repeat(201))],
        )
        .await;
    assert_eq!(status, 400, "{body}");

    let session = lines[0]["session_id"].as_str().unwrap().to_string();
    let (status, sheet) = app
        .call(&viewer, "answer_sheet", &[("session_id", &session)])
        .await;
    assert_eq!(status, 200, "{sheet}");
    assert_eq!(sheet["candidate_name"], "Candidate 1");
    let questions = sheet["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 3);
    assert_eq!(
        (questions[1]["awarded"].as_f64(), questions[1]["points"].as_f64()),
        (Some(0.0), Some(1.0))
    );

    let candidate = app.signed_in("candidate@demo.vigil.test").await;
    let (status, _) = app
        .call(&candidate, "answer_sheet", &[("session_id", &session)])
        .await;
    assert_eq!(status, 403, "a candidate does not read another's answers");
    let (status, _) = app
        .call(
            &candidate,
            "report_attempts",
            &[("exam_id", &seeded.exam_id), ("search", "")],
        )
        .await;
    assert_eq!(status, 403);
    exec(
        &app,
        "UPDATE exam_sessions SET status = 'IN_PROGRESS', submitted_at = NULL WHERE id = 'rs-3-1'",
        &[],
    )
    .await;
    let (status, body) = app
        .call(&viewer, "answer_sheet", &[("session_id", "rs-3-1")])
        .await;
    assert_eq!(status, 409, "an attempt still running has no sheet: {body}");
}
