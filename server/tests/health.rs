mod common;

use common::TestApp;

#[tokio::test]
async fn healthz_reports_the_database_and_unknown_pages_are_404() {
    let (app, _) = TestApp::start("health").await;
    let r = reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("x-request-id"));
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");

    let r = reqwest::get(format!("{}/no/such/page", app.base)).await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("Page not found"));

    let r = reqwest::get(format!("{}/signin", app.base)).await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("<label for=\"email\">Email</label>"), "{html}");
}

#[tokio::test]
async fn every_response_refuses_framing_and_sniffing_and_keeps_its_address_to_itself() {
    let (app, _) = TestApp::start("headers").await;
    for path in ["/signin", "/healthz", "/no/such/page", "/pkg/vigil.css"] {
        let r = reqwest::get(format!("{}{path}", app.base)).await.unwrap();
        let h = r.headers();
        let get = |name: &str| {
            h.get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(get("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(get("x-frame-options"), "DENY", "{path}");
        assert_eq!(get("referrer-policy"), "same-origin", "{path}");
        assert!(
            get("content-security-policy").contains("frame-ancestors 'none'"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn metrics_are_off_without_a_token_and_count_requests_and_telemetry_with_one() {
    use common::ws::{connect, cookie_for, event, next_frame, send};
    use serde_json::json;

    let (app, _) = TestApp::start("metrics-off").await;
    let r = reqwest::get(format!("{}/metrics", app.base)).await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("VIGIL_METRICS_TOKEN"));
    drop(app);

    let token = "scrape-me-0123456789";
    let (db_url, pool) = common::fresh_database("metrics").await;
    let org = app::server::demo::seed_demo(&pool).await.unwrap();
    let log = common::scratch_dir("metrics-log").join("vigil.log");
    let file = std::fs::File::create(&log).unwrap();
    let app = TestApp::spawn_logging(
        db_url,
        pool,
        &[
            ("VIGIL_METRICS_TOKEN", token),
            ("VIGIL_LOG_FORMAT", "json"),
            ("RUST_LOG", "info"),
            ("VIGIL_NODE_ID", "metrics-node"),
        ],
        file.into(),
    )
    .await;
    let scrape = |auth: Option<&'static str>| {
        let mut req = reqwest::Client::new().get(format!("{}/metrics", app.base));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    assert_eq!(scrape(None).await.0, 401);
    assert_eq!(scrape(Some("Bearer scrape-me-0123456780")).await.0, 401);

    let cand = app.signed_in("candidate@demo.vigil.test").await;
    let sid = app.start_attempt(&cand, &org.exam_id).await;
    let cookie = cookie_for(&app, "candidate@demo.vigil.test").await;
    let mut ws = connect(&app, &sid, Some(&cookie)).await.unwrap();
    next_frame(&mut ws).await;
    let t = common::now_ms();
    let batch = json!({"type": "batch", "events": [
        event(&sid, 1, t, json!({"type": "visibility_hidden"})),
        event(&sid, 2, t + 5_000, json!({"type": "visibility_visible"})),
        event(&sid, 3, t + 5_100, json!({"type": "heartbeat"})),
    ]});
    assert_eq!(send(&mut ws, batch).await["type"], "ack");
    let _ = reqwest::get(format!("{}/no/such/page", app.base)).await.unwrap();

    let (status, text) = scrape(Some("Bearer scrape-me-0123456789")).await;
    assert_eq!(status, 200, "{text}");
    let value = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
            .unwrap_or_else(|| panic!("{name} missing from {text}"))
            .parse()
            .unwrap()
    };
    assert_eq!(value("vigil_telemetry_events_stored_total"), 3.0);
    assert_eq!(value("vigil_telemetry_batches_stored_total"), 1.0);
    assert_eq!(value("vigil_flags_raised_total"), 1.0);
    assert_eq!(value("vigil_telemetry_sockets_open"), 1.0);
    assert!(value("vigil_http_responses_total{class=\"2xx\"}") >= 3.0);
    assert!(
        value("vigil_http_responses_total{class=\"4xx\"}") >= 3.0,
        "two 401s and a 404"
    );
    assert!(value("vigil_process_resident_memory_bytes") > 1e6);
    assert_eq!(value("vigil_node_info{node=\"metrics-node\"}"), 1.0);
    assert_eq!(value("vigil_job_lease_held{job=\"deadlines\"}"), 1.0);
    drop(ws);

    // JSON logs: one object per line, a request's lines carrying its id; no token in them.
    let lines = std::fs::read_to_string(&log).unwrap();
    let objects: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(objects.iter().any(|o| o["fields"]["message"] == "flags raised"));
    assert!(
        objects.iter().any(|o| o["span"]["request_id"].is_string()),
        "{lines}"
    );
    assert!(!lines.contains(token));
}
