//! Moderation over HTTP, on SQLite and PostgreSQL: a report, a hide with its public
//! placeholder, log line and mail to the author, one appeal, a restore; and nobody but
//! a moderator can hide.

use app::domain::authz::Role;
use app::domain::contribution::{ContributionStatus, Speaker};
use app::domain::{ContributionId, UserId};
use app::ssr::agencies::store as agencies;
use app::ssr::consultations::store as consultations;
use app::ssr::contributions::store as contributions;
use app::ssr::contributions::store::NewContribution;
use app::ssr::db::testing::TestDb;
use app::ssr::mail::store as mail_outbox;
use reqwest::StatusCode;

use crate::common::*;

const GUIDELINE: &str = "e-participation-guideline";
const TEXT: &str = "هذا نص سيُخفى لمخالفته القواعد";

/// A contribution by `author` on the guideline; its id.
async fn contribution_by(server: &TestServer, author: UserId) -> ContributionId {
    let db = &server.test_db.db;
    let c = consultations::by_slug(db, GUIDELINE)
        .await
        .expect("q")
        .expect("guideline");
    let v = consultations::versions(db, c.id)
        .await
        .expect("versions")
        .pop()
        .expect("version");
    contributions::insert(
        db,
        &NewContribution {
            consultation_id: c.id,
            version_id: v.id,
            clause_key: None,
            parent_id: None,
            author,
            speaker: Speaker::Individual,
            body: TEXT.to_owned(),
            body_hash: "0".repeat(64),
            channel: app::domain::contribution::Channel::Online,
            external_id: None,
            received: None,
        },
        chrono::Utc::now(),
    )
    .await
    .expect("contribution")
}

async fn status_of(server: &TestServer, id: ContributionId) -> ContributionStatus {
    contributions::by_id(&server.test_db.db, id)
        .await
        .expect("q")
        .expect("row")
        .status
}

http_tests! {
    async fn a_moderator_hides_and_restores_and_the_author_hears_of_it(server, demo = true) {
        let db = &server.test_db.db;
        let (amal, amal_secret) = person(db, "amal@example.org", &[], false).await;
        let (badr_id, badr_secret) = person(db, "badr@example.org", &[], false).await;
        let (_, mod_secret) = person(db, "moderator@example.org", &[Role::Moderator], true).await;
        let id = contribution_by(&server, amal).await;
        let target = id.to_string();
        let page = format!("/en/consultations/{GUIDELINE}");

        let badr = signed_in_client(&server, "badr@example.org", &badr_secret).await;
        let res = post_form(&server, &badr, &page, &[("intent", "report"), ("target", &target), ("category", "defamation"), ("note", "يتهم موظفًا باسمه")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);

        let moderator = signed_in_client(&server, "moderator@example.org", &mod_secret).await;
        let queue = text_of(&moderator, server.url("/en/moderation")).await;
        assert!(queue.contains(TEXT) && queue.contains("يتهم موظفًا باسمه"), "the queue shows the text and the report");
        let reports = app::ssr::moderation::store::reports_by(db, badr_id).await.expect("reports");
        assert_eq!(reports.len(), 1);
        let html = moderator.get(server.url("/en/moderation")).send().await.expect("queue").text().await.expect("body");
        assert!(html.contains(&format!("id=\"report-{}\"", reports[0].id)), "each report is addressable by its id");
        let res = post_form(&server, &moderator, "/en/moderation", &[("intent", "hide"), ("target", &target), ("category", "defamation"), ("reason", "Names an employee and accuses him without evidence.")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(status_of(&server, id).await, ContributionStatus::Hidden);

        let public = text_of(&server.client, server.url(&page)).await;
        assert!(!public.contains(TEXT), "the text is gone from the page");
        assert!(public.contains("Hidden by a moderator under the rule:") && public.contains("Defamation or discrimination"));
        let log = text_of(&server.client, server.url(&format!("/ar/consultations/{GUIDELINE}/moderation"))).await;
        assert!(log.contains("أُخفيت") && log.contains("Names an employee"), "the log has the action and reason");
        assert!(!log.contains(TEXT), "the log never shows the hidden text");
        let mails = mail_outbox::sent_to(db, "amal@example.org").await.expect("mail");
        assert!(mails.iter().any(|m| m.subject.contains("was hidden")), "{mails:?}");

        let amal_client = signed_in_client(&server, "amal@example.org", &amal_secret).await;
        let res = post_form(&server, &amal_client, &page, &[("intent", "appeal"), ("target", &target), ("appeal", "I named no one; I quoted the public decision.")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let again = post_form(&server, &amal_client, &page, &[("intent", "appeal"), ("target", &target), ("appeal", "Once more")]).await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY, "one appeal only");
        assert!(text_of(&moderator, server.url("/en/moderation")).await.contains("I named no one"));

        let res = post_form(&server, &moderator, "/en/moderation", &[("intent", "restore"), ("target", &target)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(status_of(&server, id).await, ContributionStatus::Published);
        assert!(text_of(&server.client, server.url(&page)).await.contains(TEXT));
        let mails = mail_outbox::sent_to(db, "amal@example.org").await.expect("mail");
        assert!(mails.iter().any(|m| m.subject.contains("shown again")), "{mails:?}");
        let log = text_of(&server.client, server.url(&format!("/en/consultations/{GUIDELINE}/moderation"))).await;
        for action in ["Hidden", "Appealed by the author", "Restored"] {
            assert!(log.contains(action), "{action}");
        }
    }

    async fn nobody_but_a_moderator_can_hide_or_open_the_queue(server, demo = true) {
        let db = &server.test_db.db;
        let (amal, _) = person(db, "amal@example.org", &[], false).await;
        let (_, citizen_secret) = person(db, "citizen@example.org", &[], false).await;
        let agency = agencies::by_slug(db, "digital-government-authority").await.expect("q").expect("agency");
        let (_, staff_secret) = person(db, "staff@example.org", &[Role::AgencyStaff(agency.id)], true).await;
        let (_, lapsed_secret) = person(db, "lapsed@example.org", &[Role::Moderator], false).await;
        let id = contribution_by(&server, amal).await.to_string();
        let hide = [("intent", "hide"), ("target", id.as_str()), ("category", "spam"), ("reason", "test")];

        for (email, secret, expected) in [
            ("citizen@example.org", &citizen_secret, StatusCode::FORBIDDEN),
            ("staff@example.org", &staff_secret, StatusCode::FORBIDDEN),
            // A moderator without two-factor set up may not act either.
            ("lapsed@example.org", &lapsed_secret, StatusCode::FORBIDDEN),
        ] {
            let client = signed_in_client(&server, email, secret).await;
            assert_eq!(client.get(server.url("/en/moderation")).send().await.expect("get").status(), expected, "{email}");
            let res = post_form(&server, &client, "/en/moderation", &hide).await;
            assert_eq!(res.status(), expected, "{email}");
        }
        let anonymous = client_from([127, 0, 0, 1]);
        let csrf = csrf_of(&anonymous, &server.url("/en/sign-in")).await;
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(&hide);
        let res = anonymous.post(server.url("/en/moderation")).form(&form).send().await.expect("post");
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(status_of(&server, id.parse().expect("id")).await, ContributionStatus::Published);
    }
}
