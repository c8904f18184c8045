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
