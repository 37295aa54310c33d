//! The page cache (server/src/http/page_cache.rs) over HTTP, on SQLite and PostgreSQL:
//! readers without a session share one render until a write changes the page; what a
//! write changes shows on the next anonymous view; a signed-in reader is never served a
//! kept page.

use std::io::Read;

use app::domain::authz::Role;
use app::ssr::agencies::store as agencies;
use app::ssr::consultations::publishing;
use app::ssr::consultations::store as consultations;
use app::ssr::contributions::store as contributions;
use app::ssr::db::testing::TestDb;
use reqwest::multipart::Form;
use reqwest::StatusCode;

use crate::common::*;

const GUIDELINE: &str = "e-participation-guideline";
const PAGE: &str = "/en/consultations/e-participation-guideline";

/// The page as a reader without a session gets it (a fresh client: no cookies).
async fn anonymous(server: &TestServer, path: &str) -> String {
    text_of(&client_from([127, 0, 0, 1]), server.url(path)).await
}

/// The id in a redirect to `…#contribution-{id}`.
fn posted_id(res: &reqwest::Response) -> String {
    location(res)
        .rsplit("#contribution-")
        .next()
        .unwrap_or_default()
        .to_owned()
}

http_tests! {
    async fn what_a_write_changes_shows_on_the_next_anonymous_view(server, demo = true) {
        let db = &server.test_db.db;
        let (_, secret) = person(db, "amal@example.org", &[], false).await;
        let amal = signed_in_client(&server, "amal@example.org", &secret).await;
        const FIRST: &str = "نقترح نشر الردود خلال ثلاثين يومًا";
        const EDITED: &str = "نقترح نشر الردود خلال أسبوعين";
        assert!(!anonymous(&server, PAGE).await.contains(FIRST));

        // A new contribution.
        let res = post_form(&server, &amal, PAGE, &[("intent", "contribute"), ("body", FIRST)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let id = posted_id(&res);
        assert!(anonymous(&server, PAGE).await.contains(FIRST), "a new contribution");

        // An edit.
        let res = post_form(&server, &amal, PAGE, &[("intent", "edit"), ("target", &id), ("body", EDITED)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(anonymous(&server, PAGE).await.contains(EDITED), "an edit");

        // A hide.
        let (_, secret) = person(db, "mod@example.org", &[Role::Moderator], true).await;
        let moderator = signed_in_client(&server, "mod@example.org", &secret).await;
        let res = post_form(&server, &moderator, "/en/moderation", &[
            ("intent", "hide"), ("target", &id), ("category", "spam"), ("reason", "A test of the cache."),
        ]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(!anonymous(&server, PAGE).await.contains(EDITED), "a hide");

        // A new version, published by the agency's staff through the editor.
        let c = consultations::by_slug(db, GUIDELINE).await.expect("q").expect("guideline");
        let next = consultations::versions(db, c.id).await.expect("versions").len() + 1;
        let next_version = format!("{PAGE}/versions/{next}");
        assert_eq!(client_from([127, 0, 0, 1]).get(server.url(&next_version)).send().await.expect("get").status(), StatusCode::NOT_FOUND);
        let agency = agencies::by_slug(db, "digital-government-authority").await.expect("q").expect("agency");
        let (_, secret) = person(db, "staff@dga.example", &[Role::AgencyStaff(agency.id)], true).await;
        let staff = signed_in_client(&server, "staff@dga.example", &secret).await;
        let mut fields = publishing::current_input(db, &c).await.expect("input").fields();
        const ADDED: &str = "A clause added by the second version, about answering within thirty days.";
        fields.entry("draft_en".to_owned()).or_default().push_str(&format!("\n\n{ADDED}\n"));
        fields.entry("draft_ar".to_owned()).or_default().push_str("\n\nمادة أضافتها النسخة الثانية عن الرد خلال ثلاثين يومًا.\n");
        fields.insert("change_note_en".to_owned(), "Adds a deadline.".to_owned());
        let edit = format!("/en/consultations/{GUIDELINE}/edit");
        let mut form = Form::new()
            .text("csrf", csrf_of(&staff, &server.url(&edit)).await)
            .text("intent", "save");
        for (name, value) in fields {
            form = form.text(name, value);
        }
        let res = staff.post(server.url(&edit)).multipart(form).send().await.expect("save");
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        let errors: Vec<&str> = body.split("field__error").skip(1).map(|e| e.split("</").next().unwrap_or_default()).collect();
        assert_eq!(status, StatusCode::SEE_OTHER, "{errors:?}");
        assert!(anonymous(&server, PAGE).await.contains(ADDED), "a new version");
        assert!(anonymous(&server, &next_version).await.contains(ADDED));
    }

    async fn readers_without_a_session_share_a_kept_page_and_signed_in_ones_never_do(server, demo = true) {
        let db = &server.test_db.db;
        // Signing in is a write: done first, it empties a cache that holds nothing yet.
        let (_, secret) = person(db, "badr@example.org", &[], false).await;
        let badr = signed_in_client(&server, "badr@example.org", &secret).await;

        let reader = client_from([127, 0, 0, 1]);
        let first = reader.get(server.url(PAGE)).send().await.expect("get");
        assert_eq!(first.status(), StatusCode::OK);
        assert!(first.headers().get("set-cookie").is_none(), "reading sets no cookie");
        let etag = first.headers().get("etag").expect("an ETag").clone();
        let kept = first.text().await.expect("body");
        assert!(!kept.contains("name=\"csrf\""), "a kept page holds no form token");

        // Something written where this process does not see it (another process, an
        // import): readers without a session keep the page they share.
        let (author, _) = person(db, "hind@example.org", &[], false).await;
        const UNSEEN: &str = "Written by another process, straight to the database.";
        let c = consultations::by_slug(db, GUIDELINE).await.expect("q").expect("guideline");
        let v = consultations::versions(db, c.id).await.expect("versions").pop().expect("version");
        contributions::insert(db, &contributions::NewContribution {
            consultation_id: c.id,
            version_id: v.id,
            clause_key: None,
            parent_id: None,
            author,
            speaker: app::domain::contribution::Speaker::Individual,
            body: UNSEEN.into(),
            body_hash: "1".repeat(64),
            channel: app::domain::contribution::Channel::Online,
            external_id: None,
            received: None,
        }, chrono::Utc::now()).await.expect("insert");
        assert_eq!(anonymous(&server, PAGE).await, kept, "the kept page, as it was");
        let revalidated = reader.get(server.url(PAGE)).header("if-none-match", etag.clone()).send().await.expect("get");
        assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);

        // A signed-in reader gets a page rendered for them, not to be stored anywhere.
        let mine = badr.get(server.url(PAGE)).send().await.expect("get");
        assert_eq!(mine.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
        let mine = mine.text().await.expect("body");
        assert!(mine.contains(UNSEEN), "rendered for the signed-in reader");
        let token = mine.split("name=\"csrf\" value=\"").nth(1).and_then(|t| t.split('"').next()).expect("their forms").to_owned();
        let after = anonymous(&server, PAGE).await;
        assert_eq!(after, kept, "a signed-in view changes nothing kept");
        assert!(!after.contains(&token), "nothing of theirs is kept for others");

        // Kept pages are compressed once: brotli and gzip decode to the same page.
        let br = reqwest::Client::new().get(server.url(PAGE)).header("accept-encoding", "br").send().await.expect("get");
        assert_eq!(br.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("br"));
        let mut page = String::new();
        brotli::Decompressor::new(&br.bytes().await.expect("body")[..], 4096).read_to_string(&mut page).expect("brotli");
        assert_eq!(page, kept);
        let gz = reqwest::Client::new().get(server.url(PAGE)).header("accept-encoding", "gzip;q=1, br;q=0").send().await.expect("get");
        assert_eq!(gz.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
        let mut page = String::new();
        flate2::read::GzDecoder::new(&gz.bytes().await.expect("body")[..]).read_to_string(&mut page).expect("gzip");
        assert_eq!(page, kept);

        // Within the cache's age limit the other process's write reaches everyone.
        tokio::time::sleep(server::http::page_cache::MAX_AGE + std::time::Duration::from_millis(500)).await;
        assert!(anonymous(&server, PAGE).await.contains(UNSEEN));
    }

    async fn a_page_fetches_and_serialises_each_resource_once(server, demo = true) {
        // Rendered for a signed-in reader (nothing kept), with a contribution in the list.
        let (_, secret) = person(&server.test_db.db, "reem@example.org", &[], false).await;
        let reem = signed_in_client(&server, "reem@example.org", &secret).await;
        post_form(&server, &reem, PAGE, &[("intent", "contribute"), ("body", "Once is enough.")]).await;
        let html = text_of(&reem, server.url(PAGE)).await;
        let data = html.split("__RESOLVED_RESOURCES").skip(1);
        let threads = data.clone().filter(|r| r.contains("Once is enough.")).count();
        assert_eq!(threads, 1, "the threads are serialised once");
        let feedback = data.filter(|r| r.contains("\\\"errors\\\":")).count();
        assert_eq!(feedback, 1, "one form feedback for the page");
    }

    async fn a_page_view_asks_the_database_the_same_number_of_times_however_long_the_threads(server, demo = true) {
        use std::sync::atomic::Ordering;
        let db = &server.test_db.db;
        // The search indexer polls the database on its own: counted, it would blur the
        // count of a page view.
        server.stop_indexer().await;
        // Signed in: the view is rendered, not kept.
        let (author, secret) = person(db, "noor@example.org", &[], false).await;
        let noor = signed_in_client(&server, "noor@example.org", &secret).await;
        let asked = || async {
            text_of(&noor, server.url(PAGE)).await; // connections opened, caches warm
            let before = server.test_db.handed_out.load(Ordering::SeqCst);
            let html = text_of(&noor, server.url(PAGE)).await;
            (server.test_db.handed_out.load(Ordering::SeqCst) - before, html)
        };
        let c = consultations::by_slug(db, GUIDELINE).await.expect("q").expect("guideline");
        let v = consultations::versions(db, c.id).await.expect("versions").pop().expect("version");
        let (consultation_id, version_id) = (c.id, v.id);
        let now = chrono::Utc::now();
        // The newest thread is answered each time: a page with answers on it asks for
        // them (four queries), whichever they are.
        let add_threads = |from: usize, to: usize| async move {
            let mut newest = None;
            for i in from..to {
                let new = |parent, body: String, n: usize| contributions::NewContribution {
                    consultation_id, version_id, clause_key: None, parent_id: parent,
                    author, speaker: app::domain::contribution::Speaker::Individual,
                    body, body_hash: format!("{:064}", i * 10 + n), channel: app::domain::contribution::Channel::Online,
                    external_id: None,
                    received: None,
                };
                let root = contributions::insert(db, &new(None, format!("Thread {i}"), 0), now).await.expect("root");
                for j in 0..3 {
                    contributions::insert(db, &new(Some(root), format!("Reply {j} in thread {i}"), j + 1), now).await.expect("reply");
                }
                newest = Some(root);
            }
            let written = app::ssr::responses::store::Written {
                outcome: app::domain::response::Outcome::Noted,
                reasons: app::domain::LocalizedText::default(),
                responder: None,
            };
            let mut tx = db.begin().await.expect("tx");
            app::ssr::responses::store::import_group(&mut tx, consultation_id, &[newest.expect("a thread")], &[(written, now)], &[], now)
                .await.expect("answer");
            tx.commit().await.expect("commit");
        };
        add_threads(0, 2).await;
        let (few, _) = asked().await;
        add_threads(2, 60).await;
        let (many, html) = asked().await;
        assert!(html.contains("Reply 2 in thread 59"), "the threads are on the page");
        assert_eq!(few, many, "as many round trips for 240 contributions as for 8");
        // A bound that a new section of the page moves by its one query (the workshops: 31;
        // each channel's share: 32; with answers on the page: 36).
        assert!(many <= 36, "{many} round trips for one page");
    }

    async fn the_digits_choice_and_the_language_are_kept_apart(server, demo = true) {
        let indic = reqwest::Client::new()
            .get(server.url("/ar/consultations/e-participation-guideline"))
            .header("cookie", "shura_digits=arabic_indic")
            .send().await.expect("get").text().await.expect("body");
        let latin = anonymous(&server, "/ar/consultations/e-participation-guideline").await;
        assert_ne!(indic, latin);
        let indic_digits = |page: &str| page.chars().filter(|c| ('\u{660}'..='\u{669}').contains(c)).count();
        assert!(indic_digits(&indic) > indic_digits(&latin), "each reader gets their digits");
        assert!(anonymous(&server, PAGE).await.contains("lang=\"en\""));
    }
}
