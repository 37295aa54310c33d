//! The public read API and its OpenAPI document, on SQLite and PostgreSQL.

use app::domain::contribution::{OrgKind, Speaker};
use app::domain::{ClauseKey, ConsultationStatus, ContributionId, LocalizedText};
use app::ssr::agencies::store as agencies;
use app::ssr::consultations::store as consultations;
use app::ssr::contributions::store as contributions;
use app::ssr::contributions::store::NewContribution;
use app::ssr::db::testing::TestDb;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::*;

/// Every item of a paged list (`path` without `page`/`per_page`), and its total.
async fn all_items(server: &TestServer, path: &str) -> (u64, Vec<Value>) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    let mut total = 0;
    for page in 1.. {
        let (status, body) = json(server, &format!("{path}{sep}per_page=100&page={page}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        total = body["total"].as_u64().expect("total");
        let got = body["items"].as_array().expect("items").clone();
        if got.is_empty() {
            break;
        }
        items.extend(got);
    }
    (total, items)
}

async fn json(server: &TestServer, path: &str) -> (StatusCode, Value) {
    let res = server.get(path).await;
    let status = res.status();
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json"),
        "{path}"
    );
    (status, res.json().await.expect("json"))
}

http_tests! {
    async fn the_list_shows_published_consultations_page_by_page(server, demo = true) {
        let (status, all) = json(&server, "/api/v1/consultations").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(all["total"], 5, "{all}");
        let slugs: Vec<&str> = all["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|c| c["slug"].as_str())
            .collect();
        assert!(slugs.contains(&"e-participation-guideline"), "{slugs:?}");
        assert!(slugs.contains(&"public-parks-bylaw"), "{slugs:?}");

        let (_, page2) = json(&server, "/api/v1/consultations?per_page=2&page=2").await;
        assert_eq!(page2["pages"], 3);
        assert_eq!(page2["page"], 2);
        assert_eq!(page2["items"].as_array().map(Vec::len), Some(2));

        let (_, open) = json(&server, "/api/v1/consultations?status=open").await;
        assert!(open["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|c| c["status"] == "open"), "{open}");
        let (_, by_agency) =
            json(&server, "/api/v1/consultations?agency=capital-municipality").await;
        assert!(by_agency["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|c| c["agency"]["slug"] == "capital-municipality"), "{by_agency}");
    }

    async fn malformed_parameters_are_a_json_400(server, demo = false) {
        for query in ["per_page=0", "per_page=101", "page=x", "status=draft", "status=nope"] {
            let (status, body) = json(&server, &format!("/api/v1/consultations?{query}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
            assert_eq!(body["error"], "bad_request", "{query}");
            assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
    }

    async fn a_consultation_comes_with_its_versions_and_latest_clauses(server, demo = true) {
        let (status, c) = json(&server, "/api/v1/consultations/e-participation-guideline").await;
        assert_eq!(status, StatusCode::OK, "{c}");
        assert_eq!(c["versions"].as_array().map(Vec::len), Some(2), "{c}");
        assert_eq!(c["current_version"]["number"], 2);
        let clauses = c["current_version"]["clauses"].as_array().expect("clauses");
        assert!(clauses.iter().all(|cl| cl["key"].as_str().is_some_and(|k| !k.is_empty())));
        assert!(clauses.iter().any(|cl| cl["text"]["ar"].as_str().is_some()));
        assert!(c["title"]["ar"].as_str().is_some() && c["title"]["en"].as_str().is_some());
        assert!(c["page_url"]["ar"]
            .as_str()
            .is_some_and(|u| u.ends_with("/ar/consultations/e-participation-guideline")));

        let (status, v1) =
            json(&server, "/api/v1/consultations/e-participation-guideline/versions/1").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(v1["number"], 1);
        let v1_keys: Vec<&str> = v1["clauses"]
            .as_array()
            .expect("clauses")
            .iter()
            .filter_map(|cl| cl["key"].as_str())
            .collect();
        let v2_keys: Vec<&str> = clauses.iter().filter_map(|cl| cl["key"].as_str()).collect();
        // Version 2 adds a clause and keeps the keys of the others.
        assert_eq!(v2_keys.len(), v1_keys.len() + 1);
        assert!(v1_keys.iter().all(|k| v2_keys.contains(k)));
    }

    async fn unknown_and_unpublished_things_are_a_json_404(server, demo = true) {
        let agency = agencies::by_slug(&server.test_db.db, "digital-government-authority")
            .await
            .expect("query")
            .expect("demo agency");
        let now = chrono::Utc::now();
        app::ssr::db::testing::create_consultation(
            &server.test_db.db,
            &consultations::ConsultationRecord {
                slug: "secret-draft".into(),
                agency_id: agency.id,
                title: LocalizedText::new(Some("مسودة".into()), None),
                summary: LocalizedText::default(),
                audience: LocalizedText::default(),
                contact_email: None,
                status: ConsultationStatus::Draft,
                opens_at: now,
                closes_at: now + chrono::Duration::days(30),
                concluded_at: None,
            },
            now,
        )
        .await
        .expect("draft");
        for path in [
            "/api/v1/consultations/secret-draft",
            "/api/v1/consultations/no-such-consultation",
            "/api/v1/consultations/e-participation-guideline/versions/3",
            "/api/v1/consultations/e-participation-guideline/versions/0",
            "/api/v1/consultations/e-participation-guideline/versions/x",
        ] {
            let (status, body) = json(&server, path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(body["error"], "not_found");
        }
        let (_, list) = json(&server, "/api/v1/consultations?per_page=100").await;
        assert!(!list.to_string().contains("secret-draft"));
    }

    async fn the_openapi_document_describes_every_route(server, demo = false) {
        let (status, doc) = json(&server, "/api/openapi.json").await;
        assert_eq!(status, StatusCode::OK);
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
        for path in [
            "/api/v1/consultations",
            "/api/v1/consultations/{slug}",
            "/api/v1/consultations/{slug}/versions/{number}",
            "/api/v1/consultations/{slug}/contributions",
            "/api/v1/contributions/{id}",
        ] {
            assert!(doc["paths"][path]["get"].is_object(), "{path} missing");
        }
        assert!(doc["components"]["schemas"]["Consultation"].is_object());
        // Closed sets of values are documented enums, in the responses and the filters.
        let enum_of = |name: &str| -> Vec<String> {
            doc["components"]["schemas"][name]["enum"].as_array()
                .unwrap_or_else(|| panic!("{name} is not a documented enum"))
                .iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
        };
        assert_eq!(enum_of("Outcome"), ["accepted", "partly_accepted", "not_adopted", "noted", "out_of_scope"]);
        assert_eq!(enum_of("ContributionStatus"), ["published", "hidden", "withdrawn"]);
        assert_eq!(enum_of("Channel"), ["online", "workshop", "social_media", "email", "letter"]);
        assert_eq!(enum_of("OrgKind"), ["agency", "company", "ngo", "academic"]);
        assert!(enum_of("ConsultationStatus").contains(&"concluded".to_owned()));
        assert!(enum_of("ClauseKind").contains(&"heading".to_owned()));
        let contribution = &doc["components"]["schemas"]["Contribution"]["properties"];
        assert_eq!(contribution["status"]["$ref"], "#/components/schemas/ContributionStatus");
        let filters = doc["paths"]["/api/v1/consultations/{slug}/contributions"]["get"]["parameters"]
            .as_array().expect("parameters");
        let channel = filters.iter().find(|p| p["name"] == "channel").expect("channel filter");
        assert!(channel.to_string().contains("Channel"), "the channel filter names its enum: {channel}");
        let (bad, _) = json(&server, "/api/v1/consultations/x/contributions?channel=fax").await;
        assert!(bad == StatusCode::BAD_REQUEST || bad == StatusCode::NOT_FOUND);
        let res = server.get("/api/v1/consultations").await;
        assert_eq!(
            res.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()),
            Some("*")
        );
    }

    async fn page_api_and_my_data_read_a_contribution_the_same_way(server, demo = true) {
        use app::domain::contribution::{ContributionStatus, ReportCategory};
        use app::domain::response::Outcome;
        use app::ssr::responses::store::{self as responses, Written};
        let db = &server.test_db.db;
        let (author, secret) = person(db, "huda@example.org", &[], false).await;
        let c = consultations::by_slug(db, "e-participation-guideline").await.expect("q").expect("c");
        let v = consultations::versions(db, c.id).await.expect("versions").pop().expect("v");
        let key = consultations::clauses(db, v.id).await.expect("clauses")[2].key.clone();
        let now = chrono::Utc::now();
        let new = |clause: Option<&ClauseKey>, parent: Option<ContributionId>, speaker: Speaker, body: &str| NewContribution {
            consultation_id: c.id,
            version_id: v.id,
            clause_key: clause.cloned(),
            parent_id: parent,
            author,
            speaker,
            body: body.to_owned(),
            body_hash: format!("{:0>64}", body.len()),
            channel: app::domain::contribution::Channel::Online,
            external_id: None,
            received: None,
        };
        let org = Speaker::Organisation { name: "غرفة الرياض".into(), kind: OrgKind::Company };
        let root = contributions::insert(db, &new(Some(&key), None, org, "نص منشور عن البند"), now).await.expect("root");
        let reply = contributions::insert(db, &new(None, Some(root), Speaker::Individual, "A published reply"), now).await.expect("reply");
        let hidden = contributions::insert(db, &new(None, None, Speaker::Individual, "A text a moderator hid"), now).await.expect("hidden");
        let gone = contributions::insert(db, &new(None, None, Speaker::Individual, "A text its author withdrew"), now).await.expect("gone");
        let mut tx = db.begin().await.expect("tx");
        contributions::set_state(&mut tx, hidden, ContributionStatus::Hidden, Some(ReportCategory::Spam)).await.expect("hide");
        responses::create(&mut tx, c.id, &[root], &Written {
            outcome: Outcome::Accepted,
            reasons: LocalizedText::new(Some("سنأخذ به".into()), None),
            responder: None,
        }, now, now).await.expect("response");
        tx.commit().await.expect("commit");
        contributions::withdraw(db, gone, now).await.expect("withdraw");
        let mine = [root, reply, hidden, gone];

        let (_, items) = all_items(&server, "/api/v1/consultations/e-participation-guideline/contributions").await;
        let api: Vec<&Value> = items.iter()
            .filter(|x| mine.iter().any(|id| x["id"] == id.0)).collect();
        let client = signed_in_client(&server, "huda@example.org", &secret).await;
        let data: Value = client.get(server.url("/en/account/my-data")).send().await.expect("get")
            .json().await.expect("json");
        let own = data["contributions"].as_array().expect("contributions");
        assert_eq!(api.len(), 4, "the API lists all four");
        assert_eq!(own.len(), 4, "my data lists all four");
        for (a, m) in api.iter().zip(own) {
            let what = &a["id"];
            assert_eq!(a["id"], m["id"], "{what}: same order, same ids");
            assert_eq!(a["parent_id"], m["in_reply_to"], "{what}: parent");
            assert_eq!(a["clause_key"], m["clause"], "{what}: clause");
            assert_eq!(a["version"], m["version"], "{what}: version");
            assert_eq!(a["status"], m["status"], "{what}: status");
            assert_eq!(a["on_behalf_of"], m["as_organisation"], "{what}: speaker");
            assert_eq!(a["created_at"], m["created_at"], "{what}: written");
            assert_eq!(a["edited_at"], m["edited_at"], "{what}: edited");
            if a["status"] == "hidden" {
                assert!(a["body"].is_null(), "the public does not read a hidden text");
                assert_eq!(m["body"], "A text a moderator hid", "its author does, in their data");
                assert_eq!(m["hidden_under_rule"], "spam");
            } else {
                assert_eq!(a["body"], m["body"], "{what}: text");
            }
        }
        assert_eq!(api[0]["response"]["outcome"], "accepted");
        assert!(api[3]["body"].is_null() && own[3]["body"].is_null(), "a withdrawn text is gone for all");

        let html = client.get(server.url("/en/consultations/e-participation-guideline")).send().await.expect("get")
            .text().await.expect("page");
        for id in mine {
            assert!(html.contains(&format!("id=\"contribution-{id}\"")), "{id} keeps its place on the page");
        }
        assert!(html.contains("نص منشور عن البند") && html.contains("A published reply"), "published texts are read");
        assert!(!html.contains("A text a moderator hid"), "not a hidden one, even to its author");
        assert!(!html.contains("A text its author withdrew"), "nor a withdrawn one");
    }

    async fn contributions_are_listed_with_placeholders_and_come_with_their_thread(server, demo = true) {
        let db = &server.test_db.db;
        let (author, _) = person(db, "amal@example.org", &[], false).await;
        let c = consultations::by_slug(db, "e-participation-guideline").await.expect("q").expect("c");
        let v = consultations::versions(db, c.id).await.expect("versions").pop().expect("v");
        let key = consultations::clauses(db, v.id).await.expect("clauses")[3].key.clone();
        let now = chrono::Utc::now();
        // The demo's own contributions come first; these are counted on top of them.
        let list = "/api/v1/consultations/e-participation-guideline/contributions";
        let (demo_total, _) = all_items(&server, list).await;
        let (demo_on_clause, _) = all_items(&server, &format!("{list}?clause={key}")).await;
        let (demo_withdrawn, _) = all_items(&server, &format!("{list}?status=withdrawn")).await;
        let new = |clause: Option<&ClauseKey>, parent: Option<ContributionId>, body: &str| NewContribution {
            consultation_id: c.id,
            version_id: v.id,
            clause_key: clause.cloned(),
            parent_id: parent,
            author,
            speaker: Speaker::Organisation { name: "جامعة الملك سعود".into(), kind: OrgKind::Academic },
            body: body.to_owned(),
            body_hash: format!("{:0>64}", body.len()),
            channel: app::domain::contribution::Channel::Online,
            external_id: None,
            received: None,
        };
        let root = contributions::insert(db, &new(Some(&key), None, "تعليق على البند"), now).await.expect("root");
        let reply = contributions::insert(db, &new(Some(&key), Some(root), "A reply"), now).await.expect("reply");
        let gone = contributions::insert(db, &new(None, None, "Withdrawn later"), now).await.expect("gone");
        contributions::withdraw(db, gone, now).await.expect("withdraw");

        let (total, items) = all_items(&server, list).await;
        assert_eq!(total, demo_total + 3);
        let mine = [root, reply, gone];
        let items: Vec<&Value> = items.iter().filter(|x| mine.iter().any(|id| x["id"] == id.0)).collect();
        assert_eq!(items[0]["id"], root.0);
        assert_eq!(items[0]["clause_key"], key.as_str());
        assert_eq!(items[0]["on_behalf_of"]["kind"], "academic");
        assert_eq!(items[1]["parent_id"], root.0);
        assert_eq!(items[2]["status"], "withdrawn");
        assert!(items[2]["body"].is_null(), "no text for a withdrawn contribution");

        let (_, on_clause) = json(&server, &format!("{list}?clause={key}")).await;
        assert_eq!(on_clause["total"], demo_on_clause + 2);
        let (_, withdrawn) = json(&server, &format!("{list}?status=withdrawn")).await;
        assert_eq!(withdrawn["total"], demo_withdrawn + 1);
        let (bad, _) = json(&server, "/api/v1/consultations/e-participation-guideline/contributions?status=deleted").await;
        assert_eq!(bad, StatusCode::BAD_REQUEST);
        let (bad, body) = json(&server, "/api/v1/consultations/e-participation-guideline/contributions?clause=Not%20a%20key").await;
        assert_eq!(bad, StatusCode::BAD_REQUEST);
        assert!(body["message"].as_str().is_some_and(|m| m.starts_with("clause")), "{body}");

        let (status, one) = json(&server, &format!("/api/v1/contributions/{reply}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(one["contribution"]["body"], "A reply");
        let thread: Vec<ContributionId> = one["thread"].as_array().expect("thread").iter().filter_map(|t| t["id"].as_i64().map(ContributionId)).collect();
        assert_eq!(thread, vec![root, reply]);
        let (missing, _) = json(&server, "/api/v1/contributions/999999").await;
        assert_eq!(missing, StatusCode::NOT_FOUND);
    }

    async fn agency_responses_come_with_their_contributions(server, demo = true) {
        let path = "/api/v1/consultations/street-vendors-regulation/contributions?channel=letter";
        let (status, page) = json(&server, path).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page["total"], 1, "{page}");
        let letter = &page["items"][0];
        assert_eq!(letter["channel"], "letter");
        assert_eq!(letter["response"]["outcome"], "accepted");
        assert_eq!(letter["response"]["changed_version"], 2);
        assert_eq!(letter["response"]["changed_clause"], "locations");
        assert!(letter["response"]["reasons"]["ar"].as_str().is_some_and(|t| t.contains("ستة أشهر")));
        let (_, thread) = json(&server, &format!("/api/v1/contributions/{}", letter["id"])).await;
        assert_eq!(thread["contribution"]["response"]["outcome"], "accepted");
        let (_, doc) = json(&server, "/api/openapi.json").await;
        assert!(doc["components"]["schemas"]["Response"]["properties"]["outcome"].is_object(), "documented");
    }
}
