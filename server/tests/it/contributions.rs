//! Contributions over HTTP, on SQLite and PostgreSQL: posting on a clause, replying,
//! supporting, correcting, withdrawing, and the rules that refuse a post.

use app::domain::{ClauseKey, ContributionId, VersionId};
use app::ssr::consultations::store as consultations;
use app::ssr::contributions::store as contributions;
use app::ssr::db::testing::TestDb;
use reqwest::StatusCode;

use crate::common::*;

const GUIDELINE: &str = "e-participation-guideline";

/// A verified citizen, signed in.
async fn citizen(server: &TestServer, email: &str) -> reqwest::Client {
    let (_, secret) = person(&server.test_db.db, email, &[], false).await;
    signed_in_client(server, email, &secret).await
}

/// The key and number of the third numbered clause of the guideline's latest version.
async fn clause_three(server: &TestServer) -> (ClauseKey, u32) {
    let db = &server.test_db.db;
    let c = consultations::by_slug(db, GUIDELINE)
        .await
        .expect("query")
        .expect("guideline");
    let latest = consultations::versions(db, c.id)
        .await
        .expect("versions")
        .pop()
        .expect("version");
    let clause = consultations::clauses(db, latest.id)
        .await
        .expect("clauses")
        .into_iter()
        .find(|cl| cl.number == Some(3))
        .expect("clause 3");
    (clause.key, 3)
}

async fn post(
    server: &TestServer,
    client: &reqwest::Client,
    slug: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    post_form(server, client, &format!("/en/consultations/{slug}"), form).await
}

/// The id in a redirect to `…#contribution-{id}`.
fn posted_id(res: &reqwest::Response) -> ContributionId {
    location(res)
        .rsplit("#contribution-")
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no contribution in {:?}", location(res)))
}

async fn page(server: &TestServer, client: &reqwest::Client, path: &str) -> String {
    client
        .get(server.url(path))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body")
}

http_tests! {
    async fn a_long_thread_shows_its_first_replies_and_opens_whole(server, demo = true) {
        use app::domain::contribution::{Channel, Speaker, MAX_REPLIES_SHOWN};
        use app::ssr::contributions::store::NewContribution;
        let db = &server.test_db.db;
        let (author, _) = person(db, "long@example.org", &[], false).await;
        let c = consultations::by_slug(db, GUIDELINE).await.expect("q").expect("guideline");
        let v = consultations::versions(db, c.id).await.expect("versions").pop().expect("version");
        let post = |parent: Option<ContributionId>, body: String| NewContribution {
            consultation_id: c.id,
            version_id: v.id,
            clause_key: None,
            parent_id: parent,
            author,
            speaker: Speaker::Individual,
            body,
            body_hash: "0".repeat(64),
            channel: Channel::Online,
            external_id: None,
            received: None,
        };
        let now = chrono::Utc::now();
        let root = contributions::insert(db, &post(None, "بداية نقاش طويل".into()), now).await.expect("root");
        let total = MAX_REPLIES_SHOWN + 5;
        for i in 1..=total {
            let at = now + chrono::Duration::seconds(i64::from(i));
            contributions::insert(db, &post(Some(root), format!("ردّ رقم {i} في النقاش")), at).await.expect("reply");
        }
        // What the page says, without the renderer's markers between text parts.
        let server = &server;
        let read = |path: String| async move { text_of(&server.client, server.url(&path)).await.replace("<!>", "") };
        let page = read(format!("/en/consultations/{GUIDELINE}")).await;
        assert!(page.contains(&format!("ردّ رقم {MAX_REPLIES_SHOWN} في")), "the first replies are there");
        assert!(!page.contains(&format!("ردّ رقم {} في", MAX_REPLIES_SHOWN + 1)), "the rest are not loaded");
        assert!(page.contains("Show the whole thread (5 more replies)"), "and it says how many more");
        let link = format!("?thread={root}#contribution-{root}");
        assert!(page.contains(&link), "with a link to the whole thread");

        let whole = read(format!("/en/consultations/{GUIDELINE}?thread={root}")).await;
        assert!(whole.contains(&format!("ردّ رقم {total} في")), "the whole thread");
        assert!(whole.contains("One thread with all its replies") && !whole.contains("Show the whole thread"));
        let arabic = read(format!("/ar/consultations/{GUIDELINE}")).await;
        assert!(arabic.contains("عرض النقاش كاملًا (5 ردود أخرى)"), "Arabic agrees with the number");
        // A thread of another consultation, or a reply, is not a thread of this page.
        let res = server.get(&format!("/en/consultations/{GUIDELINE}?thread=999999")).await;
        assert!(!res.text().await.expect("body").contains("One thread with all its replies"));
    }

    async fn a_citizen_comments_on_clause_three_and_another_replies(server, demo = true) {
        let alice = citizen(&server, "alice@example.org").await;
        let badr = citizen(&server, "badr@example.org").await;
        let (key, _) = clause_three(&server).await;
        let res = post(&server, &alice, GUIDELINE, &[
            ("intent", "contribute"),
            ("clause", &key),
            ("speaker", "organisation"),
            ("org_name", "جمعية حماية المستهلك"),
            ("org_kind", "ngo"),
            ("body", "نقترح نشر المسودة قبل ٣٠ يومًا على الأقل.\n\nSee https://example.org/standard for the OECD practice."),
            ("back", "sort=oldest"),
        ]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(location(&res).starts_with(&format!("/en/consultations/{GUIDELINE}?sort=oldest#contribution-")));
        let first = posted_id(&res);

        let res = post(&server, &badr, GUIDELINE, &[
            ("intent", "reply"),
            ("parent", &first.to_string()),
            ("speaker", "individual"),
            ("body", "I agree, and the period should be in the agency's own calendar."),
        ]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let reply = posted_id(&res);
        let stored = contributions::by_id(&server.test_db.db, reply).await.expect("query").expect("reply");
        assert_eq!(stored.parent_id, Some(first));
        assert_eq!(stored.clause_key.as_deref(), Some(key.as_str()), "a reply is about its thread's clause");

        for lang in ["ar", "en"] {
            let html = page(&server, &server.client, &format!("/{lang}/consultations/{GUIDELINE}")).await;
            assert!(html.contains("نقترح نشر المسودة قبل ٣٠ يومًا"), "{lang}");
            assert!(html.contains(&format!("id=\"contribution-{reply}\"")), "{lang}");
            assert!(html.contains(r#"href="https://example.org/standard" rel="nofollow ugc noopener""#), "{lang}");
            assert!(html.contains("جمعية حماية المستهلك"), "{lang}");
        }
        let html = page(&server, &server.client, &format!("/en/consultations/{GUIDELINE}")).await;
        assert!(html.contains("on Version 2 · Clause 3"), "the anchor says where it was written");
        // The count and its noun are the catalog's plural form; the renderer marks the
        // text nodes it joins with `<!>`.
        assert!(html.replace("<!>", "").contains("(2 comments)"), "the table of contents counts the thread");
    }

    async fn a_contribution_outside_the_comment_period_is_refused_and_kept(server, demo = true) {
        let alice = citizen(&server, "alice@example.org").await;
        let c = consultations::by_slug(&server.test_db.db, "street-vendors-regulation").await.expect("q").expect("c");
        let roots = || contributions::roots_page(&server.test_db.db, c.id, VersionId(0), Default::default(), None, 1, 10);
        // The demo's workshop, email and letter contributions.
        let (before, _) = roots().await.expect("roots");
        for slug in ["street-vendors-regulation", "public-parks-bylaw"] {
            let res = post(&server, &alice, slug, &[
                ("intent", "contribute"),
                ("body", "رأيي في هذه اللائحة"),
            ]).await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{slug}");
            let html = res.text().await.expect("page");
            assert!(html.contains("The comment period is not open"), "{slug}");
            assert!(html.contains("رأيي في هذه اللائحة"), "{slug}: the text is kept");
        }
        let (after, listed) = roots().await.expect("roots");
        assert_eq!(after, before, "nothing stored");

        // Supports are part of the record too: a concluded consultation's stay as they were.
        let said = listed.first().expect("a demo contribution");
        let res = post(&server, &alice, "street-vendors-regulation", &[
            ("intent", "support"),
            ("target", &said.id.to_string()),
        ]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.expect("page").contains("The comment period is not open"));
        let now = contributions::by_id(&server.test_db.db, said.id).await.expect("q").expect("row");
        assert_eq!(now.support_count, said.support_count, "the count did not change");
    }

    async fn robots_repeats_link_spam_and_strangers_are_turned_away(server, demo = true) {
        let alice = citizen(&server, "alice@example.org").await;
        // The honeypot: answered like a success, nothing stored.
        let res = post(&server, &alice, GUIDELINE, &[
            ("intent", "contribute"), ("body", "Buy now"), ("website", "http://spam.example"),
        ]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(!page(&server, &alice, &format!("/en/consultations/{GUIDELINE}")).await.contains("Buy now"));

        let body = [("intent", "contribute"), ("body", "The same remark, twice.")];
        assert_eq!(post(&server, &alice, GUIDELINE, &body).await.status(), StatusCode::SEE_OTHER);
        let again = post(&server, &alice, GUIDELINE, &body).await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.text().await.expect("page").contains("You have already published this text"));

        let spam = "https://a.example https://b.example https://c.example https://d.example";
        let res = post(&server, &alice, GUIDELINE, &[("intent", "contribute"), ("body", spam)]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.expect("page");
        assert!(html.contains("at most three links"));
        assert!(html.contains("https://d.example"), "the text is kept");

        // Too long: refused with its length, nothing cut.
        let long = "نص طويل جدا ".repeat(450);
        let res = post(&server, &alice, GUIDELINE, &[("intent", "contribute"), ("body", &long)]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.expect("page");
        let chars = long.trim().chars().count();
        assert!(html.contains(&format!("Your text has {chars} characters; the limit is 5000")), "the count is given");
        assert!(html.contains(long.trim()), "all of it is kept");

        let res = post(&server, &alice, GUIDELINE, &[("intent", "contribute"), ("clause", "no-such-clause"), ("body", "About nothing")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // Nobody signed in (the page has no form for them: the token comes from another).
        let anonymous = client_from([127, 0, 0, 1]);
        let csrf = csrf_of(&anonymous, &server.url("/en/sign-in")).await;
        let res = anonymous
            .post(server.url(&format!("/en/consultations/{GUIDELINE}")))
            .form(&[("csrf", csrf.as_str()), ("intent", "contribute"), ("body", "Anonymous")])
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }

    async fn support_edit_and_withdraw_follow_their_rules(server, demo = true) {
        let alice = citizen(&server, "alice@example.org").await;
        let badr = citizen(&server, "badr@example.org").await;
        let res = post(&server, &alice, GUIDELINE, &[("intent", "contribute"), ("body", "أول نص")]).await;
        let id = posted_id(&res).to_string();

        let own = post(&server, &alice, GUIDELINE, &[("intent", "support"), ("target", &id)]).await;
        assert_eq!(own.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(post(&server, &badr, GUIDELINE, &[("intent", "support"), ("target", &id)]).await.status(), StatusCode::SEE_OTHER);
        let stored = contributions::by_id(&server.test_db.db, id.parse().expect("id")).await.expect("q").expect("row");
        assert_eq!(stored.support_count, 1);

        // Only the author corrects it; the old text stays in the history.
        let res = post(&server, &badr, GUIDELINE, &[("intent", "edit"), ("target", &id), ("body", "hijacked")]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = post(&server, &alice, GUIDELINE, &[("intent", "edit"), ("target", &id), ("body", "النص بعد التصحيح")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let html = page(&server, &server.client, &format!("/en/consultations/{GUIDELINE}")).await;
        assert!(html.contains("النص بعد التصحيح") && html.contains("أول نص"), "history shown");

        let res = post(&server, &alice, GUIDELINE, &[("intent", "withdraw"), ("target", &id)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let html = page(&server, &server.client, &format!("/en/consultations/{GUIDELINE}")).await;
        assert!(html.contains("withdrawn by its author"));
        assert!(!html.contains("النص بعد التصحيح") && !html.contains("أول نص"), "no text left");
    }

    async fn markup_in_a_contribution_is_shown_as_text(server, demo = true) {
        let alice = citizen(&server, "alice@example.org").await;
        let payload = r#"<script>alert(1)</script><img src=x onerror=alert(2)> javascript:alert(3)"#;
        let res = post(&server, &alice, GUIDELINE, &[("intent", "contribute"), ("body", payload)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let html = page(&server, &server.client, &format!("/en/consultations/{GUIDELINE}")).await;
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "escaped");
        assert!(!html.contains("<script>alert(1)"));
        assert!(!html.contains("<img src=x"));
        assert!(!html.contains(r#"href="javascript:"#));
    }

    async fn my_data_holds_what_one_wrote_reported_and_follows(server, demo = true) {
        let alice = citizen(&server, "alice@example.org").await;
        let badr = citizen(&server, "badr@example.org").await;
        let res = post(&server, &alice, GUIDELINE, &[
            ("intent", "contribute"), ("body", "النص الأول"),
            ("speaker", "organisation"), ("org_name", "جمعية الشفافية"), ("org_kind", "ngo"),
        ]).await;
        let id = posted_id(&res).to_string();
        post(&server, &alice, GUIDELINE, &[("intent", "edit"), ("target", &id), ("body", "النص المصحح")]).await;
        let theirs = posted_id(&post(&server, &badr, GUIDELINE, &[("intent", "reply"), ("parent", &id), ("body", "Off topic")]).await).to_string();
        let res = post(&server, &alice, GUIDELINE, &[("intent", "report"), ("target", &theirs), ("category", "spam"), ("note", "advertising")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);

        let data: serde_json::Value = alice.get(server.url("/en/account/my-data")).send().await.expect("get")
            .json().await.expect("json");
        let written = data["contributions"].as_array().expect("contributions");
        assert_eq!(written.len(), 1, "only one's own: {written:?}");
        assert_eq!(written[0]["body"], "النص المصحح");
        assert_eq!(written[0]["earlier_texts"][0]["body"], "النص الأول");
        assert_eq!(written[0]["as_organisation"]["name"], "جمعية الشفافية");
        assert_eq!(data["reports_made"][0]["rule"], "spam");
        assert_eq!(data["reports_made"][0]["note"], "advertising");
        assert_eq!(data["following"][0]["consultation"], GUIDELINE, "taking part follows");
        assert_eq!(data["notifications"]["mode"], "immediate");
    }
}

/// An edit sent after the 15-minute window: refused with the reason, the text kept.
async fn a_late_edit_keeps_its_text(test_db: TestDb) {
    let start = app::ssr::clock::Clock::system().now();
    let clock = app::ssr::clock::Clock::fixed(start);
    let server = TestServer::start_with_clock(test_db, true, clock.clone()).await;
    let alice = citizen(&server, "alice@example.org").await;
    let res = post(
        &server,
        &alice,
        GUIDELINE,
        &[("intent", "contribute"), ("body", "First words.")],
    )
    .await;
    let id = posted_id(&res).to_string();
    clock.set(start + chrono::Duration::minutes(16));
    let late = "Second thoughts, typed at length and sent too late.";
    let res = post(
        &server,
        &alice,
        GUIDELINE,
        &[("intent", "edit"), ("target", &id), ("body", late)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.expect("page");
    assert!(html.contains("15 minutes"), "the reason is given");
    assert!(html.contains(late), "the typed text is kept");
    assert!(
        html.contains(r#"id="form-summary""#) && html.contains("autofocus"),
        "the summary takes focus"
    );
    let stored = contributions::by_id(&server.test_db.db, id.parse().expect("id"))
        .await
        .expect("q")
        .expect("row");
    assert_eq!(stored.body, "First words.");
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_edit_keeps_its_text_on_sqlite() {
    a_late_edit_keeps_its_text(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_edit_keeps_its_text_on_postgres() {
    a_late_edit_keeps_its_text(TestDb::postgres().await).await;
}
