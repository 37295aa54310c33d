//! Responding on the portal, on SQLite and PostgreSQL: the staff's queue, a response
//! refused without reasons, a group response, a revision, the clauses it changed —
//! read back through the API; and nobody but the agency's own staff may respond.

use app::domain::authz::Role;
use app::domain::contribution::ContributionStatus;
use app::domain::ContributionId;
use app::ssr::agencies::store as agencies;
use app::ssr::consultations::store as consultations;
use app::ssr::contributions::store as contributions;
use app::ssr::db::testing::TestDb;
use app::ssr::responses::store as responses;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::*;

const GUIDELINE: &str = "e-participation-guideline";
const QUEUE: &str = "/en/consultations/e-participation-guideline/responses";

/// Unanswered first contributions written on the guideline's first version, oldest first.
async fn unanswered(server: &TestServer) -> Vec<ContributionId> {
    let db = &server.test_db.db;
    let c = consultations::by_slug(db, GUIDELINE)
        .await
        .expect("q")
        .expect("c");
    let list = contributions::of_consultation(db, c.id)
        .await
        .expect("list");
    let ids: Vec<ContributionId> = list.iter().map(|x| x.id).collect();
    let answered: Vec<ContributionId> = responses::of_contributions(db, &ids)
        .await
        .expect("answers")
        .iter()
        .map(|a| a.contribution_id)
        .collect();
    list.iter()
        .filter(|x| x.version_number == 1 && x.parent_id.is_none())
        .filter(|x| x.status == ContributionStatus::Published && !answered.contains(&x.id))
        .map(|x| x.id)
        .collect()
}

/// A clause of the guideline's second version whose text changed from the first.
async fn changed_clause(server: &TestServer) -> String {
    let db = &server.test_db.db;
    let c = consultations::by_slug(db, GUIDELINE)
        .await
        .expect("q")
        .expect("c");
    let versions = consultations::versions(db, c.id).await.expect("versions");
    let first = consultations::clauses(db, versions[0].id)
        .await
        .expect("clauses");
    let second = consultations::clauses(db, versions[1].id)
        .await
        .expect("clauses");
    second
        .iter()
        .find(|cl| first.iter().any(|f| f.key == cl.key && f.text != cl.text))
        .map(|cl| cl.key.to_string())
        .expect("a changed clause")
}

async fn api(server: &TestServer, id: ContributionId) -> Value {
    let res = server.get(&format!("/api/v1/contributions/{id}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.expect("json");
    body["contribution"].clone()
}

/// The `<input …>` tag of the queue's box for `id`.
fn tick_box(html: &str, id: ContributionId) -> String {
    let at = html.find(&format!("id=\"member-{id}\"")).expect("a box");
    let start = html[..at].rfind('<').expect("tag start");
    let end = at + html[at..].find('>').expect("tag end");
    html[start..=end].to_owned()
}

http_tests! {
    async fn staff_answer_in_groups_revise_and_cite_the_changed_clause(server, demo = true) {
        let db = &server.test_db.db;
        let agency = agencies::by_slug(db, "digital-government-authority").await.expect("q").expect("agency");
        let (_, secret) = person(db, "staff@example.org", &[Role::AgencyStaff(agency.id)], true).await;
        let staff = signed_in_client(&server, "staff@example.org", &secret).await;
        let open = unanswered(&server).await;
        let [a, b, c, d] = [open[0], open[1], open[2], open[3]];
        let (sa, sb, sc, sd) = (a.to_string(), b.to_string(), c.to_string(), d.to_string());
        // One by a person with an address, who is told of the answer.
        let (huda, _) = person(db, "huda@example.org", &[], false).await;
        let guideline = consultations::by_slug(db, GUIDELINE).await.expect("q").expect("c");
        let first = consultations::versions(db, guideline.id).await.expect("versions")[0].id;
        let e = contributions::insert(db, &contributions::NewContribution {
            consultation_id: guideline.id,
            version_id: first,
            clause_key: None,
            parent_id: None,
            author: huda,
            speaker: app::domain::contribution::Speaker::Individual,
            body: "أقترح تقصير مدة الرد على المشاركات".to_owned(),
            body_hash: "1".repeat(64),
            channel: app::domain::contribution::Channel::Online,
            external_id: None,
            received: None,
        }, chrono::Utc::now()).await.expect("contribution");
        let se = e.to_string();

        let queue = text_of(&staff, server.url(QUEUE)).await;
        assert!(queue.contains("Responses to contributions") && queue.contains("Answered"), "the queue with its figures");
        let html = staff.get(server.url(QUEUE)).send().await.expect("get").text().await.expect("html");
        assert!(html.contains(&format!("id=\"member-{a}\"")), "an unanswered contribution can be ticked");

        // Not adopted, without reasons: refused, nothing written, the box still ticked.
        let res = post_form(&server, &staff, QUEUE, &[("intent", "respond"), ("member", &sa), ("outcome", "not_adopted"), ("reasons_ar", " "), ("reasons_en", "")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.expect("html");
        assert!(html.contains("Give the reasons, in Arabic or English"), "the reason it was refused");
        assert!(tick_box(&html, a).contains("checked"), "{}", tick_box(&html, a));
        assert!(responses::of_contributions(db, &[a]).await.expect("q").is_empty(), "nothing written");
        // Nothing ticked, or an outcome we do not offer.
        let res = post_form(&server, &staff, QUEUE, &[("intent", "respond"), ("outcome", "noted")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.expect("html").contains("Tick at least one contribution"));
        let res = post_form(&server, &staff, QUEUE, &[("intent", "respond"), ("member", &sa), ("outcome", "rejected"), ("reasons_en", "x")]).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);

        let res = post_form(&server, &staff, QUEUE, &[("intent", "respond"), ("member", &sa), ("outcome", "not_adopted"), ("reasons_en", "The law already sets this period.")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), QUEUE);
        // A group: two contributions making the same point, noted without reasons.
        let res = post_form(&server, &staff, QUEUE, &[("intent", "respond"), ("member", &sb), ("member", &sc), ("outcome", "noted"), ("back", "show=all&order=newest")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), format!("{QUEUE}?show=all&order=newest"));
        let res = post_form(&server, &staff, QUEUE, &[("intent", "respond"), ("member", &sd), ("member", &se), ("outcome", "accepted"), ("reasons_ar", "عُدّل البند كما اقتُرح.")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let mails = app::ssr::mail::store::sent_to(db, "huda@example.org").await.expect("mail");
        assert!(mails.iter().any(|m| m.subject.contains("The agency answered your contribution")), "{mails:?}");
        // Answered already: refused, whoever sends it.
        let res = post_form(&server, &staff, QUEUE, &[("intent", "respond"), ("member", &sa), ("outcome", "noted")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.expect("html").contains("has been answered meanwhile"));

        let ra = api(&server, a).await;
        assert_eq!(ra["response"]["outcome"], "not_adopted");
        assert_eq!(ra["response"]["reasons"]["en"], "The law already sets this period.");
        assert_eq!(ra["response"]["responder"]["name"], "staff");
        assert_eq!(ra["response"]["responder"]["role"], "agency_staff");
        assert_eq!(ra["response"]["responder"]["mandate"], "قرار 1/2026 (2026-01-05)");
        let rb = api(&server, b).await;
        assert_eq!(rb["response"]["answers"], serde_json::json!([b.0, c.0]));
        assert_eq!(rb["response"]["id"], api(&server, c).await["response"]["id"], "one shared response");
        assert!(rb["response"]["reasons"]["ar"].is_null() && rb["response"]["reasons"]["en"].is_null());

        // The queue of the unanswered no longer lists them; "all" does, with the answer.
        let html = staff.get(server.url(QUEUE)).send().await.expect("get").text().await.expect("html");
        assert!(!html.contains(&format!("id=\"queue-{a}\"")), "answered: off the unanswered list");
        let all = staff.get(server.url(&format!("{QUEUE}?show=all"))).send().await.expect("get").text().await.expect("html");
        assert!(all.contains(&format!("id=\"queue-{a}\"")) && all.contains("The law already sets this period."));
        let bad = staff.get(server.url(&format!("{QUEUE}?show=rejected"))).send().await.expect("get").text().await.expect("html");
        assert!(bad.contains("This filter could not be read"));

        // A revision keeps the earlier text, public.
        let id = rd_id(&api(&server, d).await);
        let page = format!("/en/consultations/{GUIDELINE}/responses/{id}");
        assert!(text_of(&staff, server.url(&page)).await.contains("Revise the response"));
        let res = post_form(&server, &staff, &page, &[("intent", "revise"), ("outcome", "partly_accepted"), ("reasons_en", "Adopted in part: the period is shortened, not abolished.")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), page);
        let rd = api(&server, d).await;
        assert_eq!(rd["response"]["outcome"], "partly_accepted");
        assert_eq!(rd["response"]["revision"], 2);
        assert_eq!(rd["response"]["revisions"][0]["outcome"], "accepted");
        assert_eq!(rd["response"]["revisions"][0]["reasons"]["ar"], "عُدّل البند كما اقتُرح.");
        assert!(!rd["response"]["revised_at"].is_null());
        assert_eq!(rd["response"]["answers"], serde_json::json!([d.0, e.0]));
        let mails = app::ssr::mail::store::sent_to(db, "huda@example.org").await.expect("mail");
        assert!(mails.iter().any(|m| m.subject.contains("revised its answer")), "{mails:?}");

        // The clause of version 2 that changed because of it.
        let key = changed_clause(&server).await;
        let change = format!("2:{key}");
        let res = post_form(&server, &staff, &page, &[("intent", "cite"), ("change", &change)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let rd = api(&server, d).await;
        assert_eq!(rd["response"]["changes"][0]["version"], 2);
        assert_eq!(rd["response"]["changes"][0]["clause_key"], key.as_str());
        assert_eq!(rd["response"]["changed_clause"], key.as_str());
        // Not a version after the contribution: refused, the citation stays.
        let earlier = format!("1:{key}");
        let res = post_form(&server, &staff, &page, &[("intent", "cite"), ("change", &earlier)]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(api(&server, d).await["response"]["changes"].as_array().map(Vec::len), Some(1));

        let audit = app::ssr::admin::store::audit::recent(db, None, 20).await.expect("audit");
        assert!(audit.iter().any(|e| e.action == "response.write") && audit.iter().any(|e| e.action == "response.revise"));
    }

    async fn staff_answer_together_what_they_chose_from_search_results(server, demo = true) {
        let db = &server.test_db.db;
        let agency = agencies::by_slug(db, "digital-government-authority").await.expect("q").expect("agency");
        let other = agencies::by_slug(db, "capital-municipality").await.expect("q").expect("other");
        let (_, secret) = person(db, "staff@example.org", &[Role::AgencyStaff(agency.id)], true).await;
        let (_, elsewhere) = person(db, "elsewhere@example.org", &[Role::AgencyStaff(other.id)], true).await;
        let (_, citizen) = person(db, "citizen@example.org", &[], false).await;
        let staff = signed_in_client(&server, "staff@example.org", &secret).await;
        let writer = signed_in_client(&server, "citizen@example.org", &citizen).await;
        // Two contributions making one point, in both languages.
        let mut ids = Vec::new();
        for body in ["يجب نشر جداول مواعيد الردود qz9", "Publish the schedule of answers, please qz9"] {
            let res = post_form(&server, &writer, &format!("/en/consultations/{GUIDELINE}"), &[("intent", "contribute"), ("body", body)]).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER);
            let id: i64 = location(&res).rsplit("#contribution-").next().and_then(|s| s.parse().ok()).expect("id");
            ids.push(ContributionId(id));
        }
        let [a, b] = [ids[0], ids[1]];
        let server = &server;
        eventually(std::time::Duration::from_secs(2), || async move {
            let body: Value = server.get("/api/v1/search?q=qz9").await.json().await.expect("json");
            body["total"] == 2
        }).await;

        // Searching within the consultation, its staff get a box per contribution.
        let within = format!("/en/search?consultation={GUIDELINE}&q=qz9");
        let html = staff.get(server.url(&within)).send().await.expect("get").text().await.expect("html");
        assert!(html.contains(&format!("action=\"{QUEUE}\"")), "the hits are a form to the queue");
        for id in [a, b] {
            assert!(html.contains(&format!("name=\"pick\" value=\"{id}\"")), "a box for #{id}");
        }
        // Nobody else does, nor anyone searching everywhere.
        let everywhere = staff.get(server.url("/en/search?q=qz9")).send().await.expect("get").text().await.expect("html");
        assert!(everywhere.contains("qz9") && !everywhere.contains("name=\"pick\""));
        let reader = signed_in_client(server, "elsewhere@example.org", &elsewhere).await;
        for client in [&writer, &reader, &client_from([127, 0, 0, 2])] {
            let html = client.get(server.url(&within)).send().await.expect("get").text().await.expect("html");
            assert!(html.contains("qz9") && !html.contains("name=\"pick\""), "no boxes for others");
        }

        // The queue lists just those chosen, ticked; another consultation's id is not its.
        let vendors = consultations::by_slug(db, "street-vendors-regulation").await.expect("q").expect("c");
        let foreign = contributions::of_consultation(db, vendors.id).await.expect("list")[0].id;
        let picked = format!("{QUEUE}?pick={a}&pick={b}&pick={foreign}");
        let html = staff.get(server.url(&picked)).send().await.expect("get").text().await.expect("html");
        assert!(tick_box(&html, a).contains("checked") && tick_box(&html, b).contains("checked"));
        assert!(!html.contains(&format!("id=\"queue-{foreign}\"")), "not this consultation's");
        // (Without the markers hydration places between a number and its words.)
        assert!(html.replace("<!>", "").contains("2 contributions chosen from search results"));
        let text = text_of(&staff, server.url(&format!("{QUEUE}?pick=x"))).await;
        assert!(text.contains("This filter could not be read"));

        // One answer for both, and back to them, answered.
        let back = format!("pick={a}&pick={b}");
        let (sa, sb) = (a.to_string(), b.to_string());
        let res = post_form(server, &staff, QUEUE, &[("intent", "respond"), ("member", &sa), ("member", &sb), ("outcome", "noted"), ("back", &back)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), format!("{QUEUE}?{back}"));
        assert_eq!(api(server, a).await["response"]["answers"], serde_json::json!([a.0, b.0]));
        let html = staff.get(server.url(&format!("{QUEUE}?{back}"))).send().await.expect("get").text().await.expect("html");
        assert!(!html.contains("id=\"member-") && html.contains("data-outcome=\"noted\""), "answered, nothing left to tick");
    }

    async fn the_impact_json_of_the_demo_matches_its_rows(server, demo = true) {
        let schema = jsonschema::validator_for(&documented_schema()).expect("a valid JSON Schema");
        let list: Value = server.get("/api/v1/consultations?per_page=100").await.json().await.expect("json");
        let slugs: Vec<String> = list["items"].as_array().expect("items").iter()
            .filter_map(|c| c["slug"].as_str().map(str::to_owned)).collect();
        assert!(slugs.len() >= 3, "{slugs:?}");
        for slug in slugs {
            let res = server.get(&format!("/api/v1/consultations/{slug}/impact")).await;
            assert_eq!(res.status(), StatusCode::OK, "{slug}");
            let got: Value = res.json().await.expect("json");
            let errors: Vec<String> = schema.iter_errors(&got).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{slug}: the JSON fits the documented schema: {errors:?}");
            let want = impact_from_rows(&server, &slug).await;
            assert_eq!(got["consultation"], slug.as_str());
            assert_eq!(got["totals"], want["totals"], "{slug}: totals");
            assert_eq!(got["clauses"].as_array().map(Vec::len), want["clauses"].as_array().map(Vec::len), "{slug}");
            for (g, w) in got["clauses"].as_array().into_iter().flatten().zip(want["clauses"].as_array().into_iter().flatten()) {
                for field in ["key", "contributions", "by_outcome", "changed", "cited_by"] {
                    assert_eq!(g[field], w[field], "{slug}: clause {} {field}", w["key"]);
                }
            }
            for field in ["target_days", "median_days", "p90_days", "answered_late", "overdue"] {
                assert!(got["timing"].get(field).is_some(), "{slug}: timing.{field}");
            }
            let page = text_of(&server.client, server.url(&format!("/ar/consultations/{slug}/impact"))).await;
            assert!(page.contains("قلتم، فعلنا"), "{slug}: the page");
        }
        let missing = server.get("/api/v1/consultations/no-such-thing/impact").await;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    }

    async fn the_csv_has_the_documented_header_and_a_row_per_contribution(server, demo = true) {
        let db = &server.test_db.db;
        let res = server.get(&format!("/api/v1/consultations/{GUIDELINE}/contributions.csv")).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()["content-type"].to_str().unwrap_or_default().starts_with("text/csv"));
        let body = res.text().await.expect("body");
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_owned).collect();
        // As docs/open-data.md lists them.
        assert_eq!(header, [
            "id", "parent_id", "version", "clause", "channel", "speaker_kind", "organisation",
            "created_at", "status", "outcome", "reasons_ar", "reasons_en", "responded_at",
            "response_id", "changed_clauses",
        ]);
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        let c = consultations::by_slug(db, GUIDELINE).await.expect("q").expect("c");
        let list = contributions::of_consultation(db, c.id).await.expect("list");
        assert_eq!(rows.len(), list.len(), "one row per contribution");
        let ids: Vec<ContributionId> = list.iter().map(|x| x.id).collect();
        let answers = responses::of_contributions(db, &ids).await.expect("answers");
        assert!(!answers.is_empty());
        for a in &answers {
            let row = rows.iter().find(|r| r[0] == a.contribution_id.to_string()).expect("its row");
            assert_eq!(&row[9], a.response.written.outcome.as_str());
            assert_eq!(&row[10], a.response.written.reasons.ar.as_deref().unwrap_or_default());
            assert_eq!(&row[13], a.response.id.to_string());
            let changed: Vec<String> = a.response.changes.iter()
                .map(|ch| format!("{}:{}", ch.version, ch.clause_key.as_ref().map(ToString::to_string).unwrap_or_default()))
                .collect();
            assert_eq!(&row[14], changed.join(";"));
        }
        let missing = server.get("/api/v1/consultations/no-such-thing/contributions.csv").await;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    }

    async fn only_the_agencys_own_staff_respond(server, demo = true) {
        let db = &server.test_db.db;
        let agency = agencies::by_slug(db, "digital-government-authority").await.expect("q").expect("agency");
        let other = agencies::by_slug(db, "capital-municipality").await.expect("q").expect("other");
        let (_, citizen) = person(db, "citizen@example.org", &[], false).await;
        let (_, moderator) = person(db, "moderator@example.org", &[Role::Moderator], true).await;
        let (_, elsewhere) = person(db, "elsewhere@example.org", &[Role::AgencyStaff(other.id)], true).await;
        let (_, no_second) = person(db, "nosecond@example.org", &[Role::AgencyStaff(agency.id)], false).await;
        let a = unanswered(&server).await[0];
        let sa = a.to_string();
        let form = [("intent", "respond"), ("member", sa.as_str()), ("outcome", "accepted"), ("reasons_en", "Yes.")];
        for (email, secret) in [
            ("citizen@example.org", &citizen),
            ("moderator@example.org", &moderator),
            ("elsewhere@example.org", &elsewhere),
            ("nosecond@example.org", &no_second),
        ] {
            let client = signed_in_client(&server, email, secret).await;
            let res = client.get(server.url(QUEUE)).send().await.expect("get");
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{email} reads no queue");
            let res = post_form(&server, &client, QUEUE, &form).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{email} may not respond");
        }
        let anonymous = client_from([127, 0, 0, 1]);
        assert_eq!(anonymous.get(server.url(QUEUE)).send().await.expect("get").status(), StatusCode::UNAUTHORIZED);
        let csrf = csrf_of(&anonymous, &server.url("/en/sign-in")).await;
        let mut fields = vec![("csrf", csrf.as_str())];
        fields.extend_from_slice(&form);
        let res = anonymous.post(server.url(QUEUE)).form(&fields).send().await.expect("post");
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert!(responses::of_contributions(db, &[a]).await.expect("q").is_empty(), "nothing written");
    }
}

/// The JSON Schema of the impact JSON, as `docs/open-data.md` publishes it.
fn documented_schema() -> Value {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/open-data.md"),
    )
    .expect("docs/open-data.md");
    let after = doc
        .split("### JSON Schema")
        .nth(1)
        .expect("a schema section");
    let block = after
        .split("```json")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a json block");
    serde_json::from_str(block).expect("the documented schema is JSON")
}

/// The response id of a contribution's API JSON.
fn rd_id(contribution: &Value) -> String {
    contribution["response"]["id"]
        .as_i64()
        .expect("an id")
        .to_string()
}

/// The impact JSON of `slug` worked out from the rows, without the queries the
/// endpoint uses: every published contribution, its answer, and the clause texts.
async fn impact_from_rows(server: &TestServer, slug: &str) -> Value {
    use std::collections::BTreeMap;
    let db = &server.test_db.db;
    let c = consultations::by_slug(db, slug)
        .await
        .expect("q")
        .expect("c");
    let list: Vec<_> = contributions::of_consultation(db, c.id)
        .await
        .expect("list")
        .into_iter()
        .filter(|x| x.status == ContributionStatus::Published)
        .collect();
    let ids: Vec<ContributionId> = list.iter().map(|x| x.id).collect();
    let answers = responses::of_contributions(db, &ids)
        .await
        .expect("answers");
    let outcome_of = |id: ContributionId| {
        answers
            .iter()
            .find(|a| a.contribution_id == id)
            .map(|a| a.response.written.outcome.as_str())
    };
    let empty = || -> BTreeMap<&str, i64> {
        [
            "accepted",
            "partly_accepted",
            "not_adopted",
            "noted",
            "out_of_scope",
        ]
        .into_iter()
        .map(|o| (o, 0))
        .collect()
    };
    let mut by_outcome = empty();
    let mut answered = 0;
    for x in &list {
        if let Some(o) = outcome_of(x.id) {
            *by_outcome.entry(o).or_default() += 1;
            answered += 1;
        }
    }
    let totals = serde_json::json!({
        "contributions": list.len(), "answered": answered,
        "unanswered": list.len() as i64 - answered, "by_outcome": by_outcome,
    });
    let versions: Vec<_> = consultations::versions(db, c.id)
        .await
        .expect("versions")
        .into_iter()
        .filter(|v| v.published_at.is_some())
        .collect();
    let first = consultations::clauses(db, versions[0].id)
        .await
        .expect("clauses");
    let latest = consultations::clauses(db, versions[versions.len() - 1].id)
        .await
        .expect("clauses");
    let mut keys: Vec<(app::domain::ClauseKey, bool)> = Vec::new();
    for cl in latest
        .iter()
        .filter(|cl| cl.kind != app::domain::draft::ClauseKind::Heading)
    {
        let same = first.iter().any(|f| f.key == cl.key && f.text == cl.text);
        keys.push((cl.key.clone(), !same));
    }
    for v in &versions {
        for cl in consultations::clauses(db, v.id).await.expect("clauses") {
            if cl.kind != app::domain::draft::ClauseKind::Heading
                && !keys.iter().any(|(k, _)| *k == cl.key)
            {
                keys.push((cl.key, true));
            }
        }
    }
    let all = responses::of_consultation(db, c.id)
        .await
        .expect("responses");
    let clauses: Vec<Value> = keys
        .into_iter()
        .map(|(key, changed)| {
            let mut counts = empty();
            let mut n = 0;
            for x in list.iter().filter(|x| x.clause_key.as_ref() == Some(&key)) {
                n += 1;
                if let Some(o) = outcome_of(x.id) {
                    *counts.entry(o).or_default() += 1;
                }
            }
            let mut cited_by: Vec<i64> = all
                .iter()
                .filter(|r| {
                    r.changes
                        .iter()
                        .any(|ch| ch.clause_key.as_ref() == Some(&key))
                })
                .flat_map(|r| r.members.iter().map(|m| m.0))
                .collect();
            cited_by.sort_unstable();
            cited_by.dedup();
            serde_json::json!({
                "key": key.to_string(), "contributions": n, "by_outcome": counts,
                "changed": changed, "cited_by": cited_by,
            })
        })
        .collect();
    serde_json::json!({ "totals": totals, "clauses": clauses })
}
