//! Notifications over HTTP, on SQLite and PostgreSQL: replies, and the news of the
//! consultations one follows, at once with a one-click unsubscribe (RFC 8058) or in a
//! daily digest.

use app::domain::LocalizedText;
use app::ssr::accounts::store as users;
use app::ssr::consultations::store as consultations;
use app::ssr::db::testing::TestDb;
use app::ssr::mail::store as mail_outbox;
use app::ssr::notifications::service as notifying;
use app::ssr::notifications::store::follows;
use chrono::{Duration, Utc};
use reqwest::StatusCode;

use crate::common::*;

const PAGE: &str = "/en/consultations/e-participation-guideline";

fn posted_id(res: &reqwest::Response) -> String {
    location(res)
        .rsplit("#contribution-")
        .next()
        .unwrap_or("")
        .to_owned()
}

async fn replies_to(server: &TestServer, to: &str) -> Vec<mail_outbox::NewMail> {
    mail_outbox::queued_for(&server.test_db.db, to)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|m| m.subject.contains("New reply"))
        .collect()
}

/// Publishes the next version of `slug` (same clauses) at `at`; its number.
async fn publish_next_version(db: &app::ssr::db::Db, slug: &str, at: chrono::DateTime<Utc>) -> u32 {
    let c = consultations::by_slug(db, slug)
        .await
        .expect("read")
        .expect("consultation");
    let versions = consultations::versions(db, c.id).await.expect("versions");
    let last = versions.last().expect("a version");
    let clauses = consultations::clauses(db, last.id).await.expect("clauses");
    let n = last.number + 1;
    let note = LocalizedText::new(
        Some("تعديل مدة الرد".into()),
        Some("Response time changed".into()),
    );
    let mut tx = db.begin().await.expect("begin");
    let v = consultations::insert_version(&mut tx, c.id, n, Some(at), &note, at)
        .await
        .expect("version");
    consultations::replace_clauses(&mut tx, v, &clauses)
        .await
        .expect("clauses");
    tx.commit().await.expect("commit");
    n
}

fn with_subject(mails: Vec<mail_outbox::NewMail>, part: &str) -> Vec<mail_outbox::NewMail> {
    mails
        .into_iter()
        .filter(|m| m.subject.contains(part))
        .collect()
}

http_tests! {
    async fn a_reply_mails_the_author_who_can_stop_it_in_one_click(server, demo = true) {
        let db = &server.test_db.db;
        let (_, amal_secret) = person(db, "amal@example.org", &[], false).await;
        let (_, badr_secret) = person(db, "badr@example.org", &[], false).await;
        let amal = signed_in_client(&server, "amal@example.org", &amal_secret).await;
        let badr = signed_in_client(&server, "badr@example.org", &badr_secret).await;
        let first = post_form(&server, &amal, PAGE, &[("intent", "contribute"), ("body", "رأيي في المدة")]).await;
        let first = posted_id(&first);
        // Answering oneself sends nothing.
        post_form(&server, &amal, PAGE, &[("intent", "reply"), ("parent", &first), ("body", "Adding a detail")]).await;
        assert!(replies_to(&server, "amal@example.org").await.is_empty());

        let res = post_form(&server, &badr, PAGE, &[("intent", "reply"), ("parent", &first), ("body", "I disagree, politely.")]).await;
        let reply = posted_id(&res);
        let mails = replies_to(&server, "amal@example.org").await;
        assert_eq!(mails.len(), 1);
        let mail = &mails[0];
        assert!(mail.text_body.contains(&format!("{PAGE}#contribution-{reply}")), "{}", mail.text_body);
        assert_eq!(mail.headers.get("List-Unsubscribe-Post").map(String::as_str), Some("List-Unsubscribe=One-Click"));
        let one_click = mail.headers["List-Unsubscribe"].trim_matches(['<', '>']).to_owned();
        assert!(one_click.starts_with(&server.url("/unsubscribe/")), "{one_click}");
        assert!(mail.text_body.contains("/en/unsubscribe/"), "a link for people too");
        // The database keeps only the token's hash: a copy of it unsubscribes nobody.
        {
            use app::ssr::notifications::store::notices;
            let db = &server.test_db.db;
            let token = one_click.rsplit('/').next().expect("token");
            let hash = app::ssr::accounts::auth::token::hash_token(token);
            assert!(!notices::is_unsubscribe_token(db, token).await.expect("q"), "not in clear");
            assert!(notices::is_unsubscribe_token(db, &hash).await.expect("q"));
            assert!(notices::old_unsubscribe_tokens(db).await.expect("q").is_empty());
        }

        // What a mail program does: a POST without cookies or form token.
        let res = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
            .post(&one_click)
            .form(&[("List-Unsubscribe", "One-Click")])
            .send()
            .await
            .expect("one click");
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let done = location(&res).to_owned();
        assert!(done.ends_with("?done=1"));
        let page = server.get(&done).await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.expect("page");
        assert!(html.contains("Notification emails are off"), "{html}");
        // A link that is not (or no longer) anyone's says so, with a 404, never "done".
        let token = one_click.rsplit('/').next().expect("token");
        let unknown = done.replace(token, &"a".repeat(token.len()));
        assert_ne!(unknown, done);
        let page = server.get(&unknown).await;
        assert_eq!(page.status(), StatusCode::NOT_FOUND, "{unknown}");
        let html = page.text().await.expect("page");
        assert!(html.contains("link is not valid") && !html.contains("emails are off"), "{html}");
        post_form(&server, &badr, PAGE, &[("intent", "reply"), ("parent", &first), ("body", "One more thought.")]).await;
        assert_eq!(replies_to(&server, "amal@example.org").await.len(), 1, "no mail once unsubscribed");
        assert_eq!(server.client.post(server.url("/unsubscribe/0000")).send().await.expect("post").status(), StatusCode::NOT_FOUND);
    }

    async fn the_daily_digest_gathers_replies_once_a_day(server, demo = true) {
        let db = &server.test_db.db;
        let (_, amal_secret) = person(db, "amal@example.org", &[], false).await;
        let (_, badr_secret) = person(db, "badr@example.org", &[], false).await;
        let amal = signed_in_client(&server, "amal@example.org", &amal_secret).await;
        let badr = signed_in_client(&server, "badr@example.org", &badr_secret).await;
        let csrf = csrf_of(&amal, &server.url("/en/account")).await;
        let res = amal
            .post(server.url("/en/account/notifications"))
            .form(&[("csrf", csrf.as_str()), ("mode", "daily")])
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(amal.get(server.url("/en/account")).send().await.expect("page").text().await.expect("body")
            .contains(r#"value="daily" checked"#), "the setting shows");
        let first = posted_id(&post_form(&server, &amal, PAGE, &[("intent", "contribute"), ("body", "Daily please")]).await);
        for body in ["Reply one", "Reply two"] {
            post_form(&server, &badr, PAGE, &[("intent", "reply"), ("parent", &first), ("body", body)]).await;
        }
        assert!(replies_to(&server, "amal@example.org").await.is_empty(), "nothing at once");
        let url = server.url("");
        let now = Utc::now();
        assert_eq!(notifying::send_digests(db, &url, now).await.expect("digests"), 1);
        let digests: Vec<_> = mail_outbox::queued_for(db, "amal@example.org").await.expect("outbox")
            .into_iter().filter(|m| m.subject.contains("daily digest")).collect();
        assert_eq!(digests.len(), 1);
        assert_eq!(digests[0].text_body.matches("A reply to your contribution").count(), 2, "{}", digests[0].text_body);
        assert!(digests[0].headers.contains_key("List-Unsubscribe"));
        // Not again within the day, even with something new.
        post_form(&server, &badr, PAGE, &[("intent", "reply"), ("parent", &first), ("body", "Reply three")]).await;
        assert_eq!(notifying::send_digests(db, &url, now + Duration::hours(2)).await.expect("digests"), 0);
        assert_eq!(notifying::send_digests(db, &url, now + Duration::hours(25)).await.expect("digests"), 1);
    }

    async fn followers_hear_of_new_versions_and_of_the_closing_once(server, demo = true) {
        let db = &server.test_db.db;
        let url = server.url("");
        let now = Utc::now();
        // What the demo data already published is told to nobody, once.
        notifying::tell_followers(db, &url, now).await.expect("tell");
        let (_, amal_secret) = person(db, "amal@example.org", &[], false).await;
        let (badr, badr_secret) = person(db, "badr@example.org", &[], false).await;
        let amal = signed_in_client(&server, "amal@example.org", &amal_secret).await;
        let badr_client = signed_in_client(&server, "badr@example.org", &badr_secret).await;
        let page = amal.get(server.url(PAGE)).send().await.expect("page").text().await.expect("body");
        assert!(page.contains("Follow this consultation"), "a follow button");
        assert!(!server.get(PAGE).await.text().await.expect("body").contains(r#"name="intent" value="follow""#),
            "nobody signed in: no form, a sign-in link");

        let res = post_form(&server, &amal, PAGE, &[("intent", "follow")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), format!("{PAGE}#follow"));
        let page = amal.get(server.url(PAGE)).send().await.expect("page").text().await.expect("body");
        assert!(page.contains("Stop following"), "the button turns");
        let account = amal.get(server.url("/en/account")).send().await.expect("page").text().await.expect("body");
        assert!(account.contains("/en/consultations/e-participation-guideline#follow"), "listed on the account page");
        // Taking part follows too; Badr then takes the daily digest.
        post_form(&server, &badr_client, PAGE, &[("intent", "contribute"), ("body", "A point on clause one")]).await;
        let c = consultations::by_slug(db, "e-participation-guideline").await.expect("read").expect("c");
        assert!(follows::is_following(db, badr, c.id).await.expect("follows"));
        let csrf = csrf_of(&badr_client, &server.url("/en/account")).await;
        badr_client.post(server.url("/en/account/notifications"))
            .form(&[("csrf", csrf.as_str()), ("mode", "daily")]).send().await.expect("post");

        let n = publish_next_version(db, "e-participation-guideline", now).await;
        assert_eq!(notifying::tell_followers(db, &url, now).await.expect("tell"), 1);
        assert_eq!(notifying::tell_followers(db, &url, now).await.expect("tell"), 0, "told once");
        let mails = with_subject(mail_outbox::queued_for(db, "amal@example.org").await.expect("outbox"), "New version");
        assert_eq!(mails.len(), 1);
        let mail = &mails[0];
        assert!(mail.text_body.contains(&format!("Version {n} of the draft")), "{}", mail.text_body);
        assert!(mail.text_body.contains("Response time changed"), "the change note");
        assert!(mail.text_body.contains(&format!("{PAGE}/diff?from={}&to={n}", n - 1)), "{}", mail.text_body);
        assert!(mail.headers.contains_key("List-Unsubscribe"));
        assert!(with_subject(mail_outbox::queued_for(db, "badr@example.org").await.expect("outbox"), "New version").is_empty(),
            "the digest reader waits for the digest");

        // The demo consultation closes in weeks: two days before, followers are told.
        let before = c.closes_at - Duration::hours(49);
        let within = c.closes_at - Duration::hours(47);
        assert_eq!(notifying::tell_followers(db, &url, before).await.expect("tell"), 0);
        assert_eq!(notifying::tell_followers(db, &url, within).await.expect("tell"), 1);
        assert_eq!(notifying::tell_followers(db, &url, within + Duration::hours(1)).await.expect("tell"), 0);
        let closing = with_subject(mail_outbox::queued_for(db, "amal@example.org").await.expect("outbox"), "close soon");
        assert_eq!(closing.len(), 1);
        assert!(closing[0].text_body.contains(" AH) at "), "with the Hijri date: {}", closing[0].text_body);

        // Badr's digest has both, each with its link.
        assert_eq!(notifying::send_digests(db, &url, within).await.expect("digests"), 1);
        let digest = with_subject(mail_outbox::queued_for(db, "badr@example.org").await.expect("outbox"), "daily digest");
        assert_eq!(digest.len(), 1);
        let text = &digest[0].text_body;
        assert!(text.contains(&format!("Version {n} of")) && text.contains("close on"), "{text}");

        // Unfollowing stops it.
        let res = post_form(&server, &amal, PAGE, &[("intent", "unfollow")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        publish_next_version(db, "e-participation-guideline", now).await;
        assert_eq!(notifying::tell_followers(db, &url, now).await.expect("tell"), 1);
        assert_eq!(with_subject(mail_outbox::queued_for(db, "amal@example.org").await.expect("outbox"), "New version").len(), 1);
    }

    async fn following_needs_a_confirmed_address_and_a_public_consultation(server, demo = true) {
        let db = &server.test_db.db;
        let (_, secret) = person(db, "amal@example.org", &[], false).await;
        let amal = signed_in_client(&server, "amal@example.org", &secret).await;
        let res = post_form(&server, &amal, "/en/consultations/no-such-thing", &[("intent", "follow")]).await;
        assert_ne!(res.status(), StatusCode::SEE_OTHER);

        let user = users::create(db, &users::NewUser {
            email: "new@example.org".into(),
            display_name: "New".into(),
            preferred_lang: app::domain::Lang::En,
            password_hash: app::ssr::accounts::auth::password::hash(PASSWORD).await.expect("hash"),
            terms_version: "2026-11".into(),
        }, Utc::now()).await.expect("user");
        let new = signed_in_client(&server, "new@example.org", "").await;
        let res = post_form(&server, &new, PAGE, &[("intent", "follow")]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(res.text().await.expect("body").contains("confirm"), "says what to do");
        let c = consultations::by_slug(db, "e-participation-guideline").await.expect("read").expect("c");
        assert!(!follows::is_following(db, user.id, c.id).await.expect("follows"));
    }
}
