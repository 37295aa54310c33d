//! Search over HTTP, on SQLite and PostgreSQL: a contribution posted on the site is
//! found within two seconds, leaves within two seconds of being hidden, and the API
//! answers a query it cannot read with a 400.

use std::time::Duration;

use app::domain::contribution::{ModerationAction, ReportCategory};
use app::domain::ContributionId;
use app::ssr::consultations::store as consultations;
use app::ssr::db::testing::TestDb;
use app::ssr::moderation::store::{self as moderation, Decision};
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::*;

const GUIDELINE: &str = "e-participation-guideline";

async fn api(server: &TestServer, query: &str) -> (StatusCode, Value) {
    let res = server
        .client
        .get(server.url(&format!("/api/v1/search?{query}")))
        .send()
        .await
        .expect("search");
    let status = res.status();
    (status, res.json().await.expect("json"))
}

/// The contribution ids a search finds.
async fn found(server: &TestServer, query: &str) -> Vec<i64> {
    let (status, body) = api(server, query).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter(|h| h["kind"] == "contribution")
        .filter_map(|h| h["id"].as_i64())
        .collect()
}

http_tests! {
    async fn a_posted_contribution_is_found_within_two_seconds_and_leaves_when_hidden(server, demo = true) {
        let (_, secret) = person(&server.test_db.db, "searcher@example.org", &[], false).await;
        let client = signed_in_client(&server, "searcher@example.org", &secret).await;
        let res = post_form(&server, &client, &format!("/ar/consultations/{GUIDELINE}"), &[
            ("intent", "contribute"),
            ("body", "نقترح أن تُنشر مَحاضِر ورش العمل خلال أسبوع من انعقادها qx7"),
        ]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let id: i64 = location(&res).rsplit("#contribution-").next().and_then(|s| s.parse().ok()).expect("id");

        // Another spelling and word form of what was written: محضر for مَحاضِر.
        let server = &server;
        eventually(Duration::from_secs(2), || async move {
            found(server, "q=%D9%85%D8%AD%D8%B6%D8%B1+qx7").await.contains(&id)
        }).await;
        let (_, body) = api(server, "q=%D9%85%D8%AD%D8%B6%D8%B1+qx7&lang=en").await;
        let hit = body["hits"].as_array().expect("hits").iter().find(|h| h["id"] == id).expect("hit");
        assert_eq!(hit["consultation"], GUIDELINE);
        assert_eq!(hit["href"], format!("/en/consultations/{GUIDELINE}?thread={id}#contribution-{id}"));
        let [start, end] = [0, 1].map(|i| hit["highlights"][0][i].as_u64().expect("offset") as usize);
        let marked: String = hit["snippet"].as_str().expect("snippet").chars().skip(start).take(end - start).collect();
        assert_eq!(marked, "مَحاضِر");
        assert!(body["facets"]["channel"].as_array().is_some_and(|v| !v.is_empty()), "{body}");

        let c = consultations::by_slug(&server.test_db.db, GUIDELINE).await.expect("q").expect("guideline");
        moderation::apply(&server.test_db.db, &Decision {
            consultation: c.id,
            contribution: ContributionId(id),
            action: ModerationAction::Hide,
            category: Some(ReportCategory::Spam),
            reason: Some("spam"),
        }, Some(&no_audit()), chrono::Utc::now()).await.expect("hide");
        eventually(Duration::from_secs(2), || async move {
            !found(server, "q=%D9%85%D8%AD%D8%B6%D8%B1+qx7").await.contains(&id)
        }).await;
    }

    async fn queries_and_filters_the_api_cannot_read_are_a_400(server, demo = true) {
        for query in [
            "q=%22unclosed",
            "channel=fax",
            "sort=oldest",
            "page=0",
            "per_page=1000",
            "colour=red",
            "from=2026-02-01&to=2026-01-01",
            "lang=fr",
        ] {
            let (status, body) = api(&server, query).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
            assert_eq!(body["error"], "bad_request", "{query}");
            assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{query}");
        }
        let long = format!("q={}", "a".repeat(501));
        assert_eq!(api(&server, &long).await.0, StatusCode::BAD_REQUEST);
        // Whatever the words, a query never fails the server.
        for q in ["%22%22", "-", "--", "%E2%80%9C", "%D9%8B%D9%8B", "AND%20OR%20NOT", "*", "field:value", "%5C"] {
            let (status, body) = api(&server, &format!("q={q}")).await;
            assert!(status == StatusCode::OK || status == StatusCode::BAD_REQUEST, "{q}: {status} {body}");
        }
        let spec = text_of(&server.client, server.url("/api/openapi.json")).await;
        assert!(spec.contains("/api/v1/search"));
    }
}

/// Two app nodes on one PostgreSQL database, each with its own index fed by the shared
/// outbox: what is posted through one is found through the other, and hiding it
/// removes it from both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_postgresql_each_keep_their_index_current() {
    let a = TestServer::start(TestDb::postgres().await, true).await;
    let b = a.second_process().await;
    let (_, secret) = person(&a.test_db.db, "nodes@example.org", &[], false).await;
    let client = signed_in_client(&a, "nodes@example.org", &secret).await;
    let res = post_form(
        &a,
        &client,
        &format!("/en/consultations/{GUIDELINE}"),
        &[
            ("intent", "contribute"),
            (
                "body",
                "Publish the workshop minutes within a week, please (qx8)",
            ),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id: i64 = location(&res)
        .rsplit("#contribution-")
        .next()
        .and_then(|s| s.parse().ok())
        .expect("id");
    let find = |base: String| async move {
        let body: Value = reqwest::get(format!("{base}/api/v1/search?q=minute+qx8"))
            .await
            .expect("search")
            .json()
            .await
            .expect("json");
        body["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .any(|h| h["kind"] == "contribution" && h["id"] == id)
    };
    let (a_url, b_url) = (a.url(""), b.url(""));
    eventually(Duration::from_secs(2), || find(b_url.clone())).await;
    eventually(Duration::from_secs(2), || find(a_url.clone())).await;

    let c = consultations::by_slug(&a.test_db.db, GUIDELINE)
        .await
        .expect("q")
        .expect("guideline");
    moderation::apply(
        &a.test_db.db,
        &Decision {
            consultation: c.id,
            contribution: ContributionId(id),
            action: ModerationAction::Hide,
            category: Some(ReportCategory::Spam),
            reason: Some("spam"),
        },
        Some(&no_audit()),
        chrono::Utc::now(),
    )
    .await
    .expect("hide");
    eventually(Duration::from_secs(2), || async {
        !find(b_url.clone()).await
    })
    .await;
    eventually(Duration::from_secs(2), || async {
        !find(a_url.clone()).await
    })
    .await;
    drop(b);
    a.finish().await;
}
