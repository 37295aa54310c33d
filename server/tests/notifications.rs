//! Reply notifications over HTTP, on SQLite and PostgreSQL: at once with a one-click
//! unsubscribe (RFC 8058), or in a daily digest.
#![allow(clippy::expect_used)] // test helpers fail the test on purpose

use app::ssr::notifying;
use app::ssr::store::mail_outbox;
use app::ssr::testing::TestDb;
use chrono::{Duration, Utc};
use reqwest::StatusCode;

mod common;
use common::*;

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
        assert!(location(&res).ends_with("?done=1"));
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
        assert!(digests[0].text_body.contains("2 new replies"), "{}", digests[0].text_body);
        assert!(digests[0].headers.contains_key("List-Unsubscribe"));
        // Not again within the day, even with something new.
        post_form(&server, &badr, PAGE, &[("intent", "reply"), ("parent", &first), ("body", "Reply three")]).await;
        assert_eq!(notifying::send_digests(db, &url, now + Duration::hours(2)).await.expect("digests"), 0);
        assert_eq!(notifying::send_digests(db, &url, now + Duration::hours(25)).await.expect("digests"), 1);
    }
}
