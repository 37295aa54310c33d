//! Contributions the agency received by social media, email or letter, on SQLite and
//! PostgreSQL: its mandated staff record them (mistakes named, nothing stored), each in
//! the audit log; the public reads them with the author named only with consent, and
//! sees each channel's share; nobody without a mandate for that agency records any.

use app::domain::authz::Role;
use app::domain::contribution::{Attribution, Channel};
use app::ssr::agencies::store as agencies;
use app::ssr::consultations::store as consultations;
use app::ssr::contributions::store as contributions;
use app::ssr::db::testing::TestDb;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::*;

const GUIDELINE: &str = "e-participation-guideline";
const RECORD: &str = "/en/consultations/e-participation-guideline/record";

http_tests! {
    async fn mandated_staff_record_what_reached_the_agency_elsewhere(server, demo = true) {
        let db = &server.test_db.db;
        let agency = agencies::by_slug(db, "digital-government-authority").await.expect("q").expect("agency");
        let other = agencies::list(db).await.expect("agencies").into_iter().find(|a| a.id != agency.id).expect("another agency");
        let (staff_id, s1) = person(db, "staff@example.org", &[Role::AgencyStaff(agency.id)], true).await;
        let (_, s2) = person(db, "admin@example.org", &[Role::AgencyAdmin(agency.id)], true).await;
        let (_, s3) = person(db, "organiser@example.org", &[Role::Organiser(agency.id)], true).await;
        let (_, s4) = person(db, "elsewhere@example.org", &[Role::AgencyStaff(other.id)], true).await;
        let staff = signed_in_client(&server, "staff@example.org", &s1).await;
        let guideline = consultations::by_slug(db, GUIDELINE).await.expect("q").expect("c");
        let received = || async {
            // What staff entered here (the demo brings some received elsewhere).
            contributions::of_consultation(db, guideline.id).await.expect("q")
                .into_iter().filter(|x| x.received.as_ref().is_some_and(|r| r.entered_by.is_some())).collect::<Vec<_>>()
        };
        let today = Utc::now().date_naive();
        let tomorrow = (today + Duration::days(2)).format("%Y-%m-%d").to_string();
        let yesterday = (today - Duration::days(1)).format("%Y-%m-%d").to_string();

        // The form is there for its staff, who reach it from the response queue.
        let queue = text_of(&staff, server.url(&format!("/en/consultations/{GUIDELINE}/responses"))).await;
        assert!(queue.contains(&format!("href=\"{RECORD}\"")));
        assert_eq!(staff.get(server.url(RECORD)).send().await.expect("get").status(), StatusCode::OK);

        // A day to come, a link that is no web address, no channel: all named, nothing stored.
        let res = post_form(&server, &staff, RECORD, &[
            ("intent", "record"), ("received_on", &tomorrow), ("source_url", "javascript:alert(1)"),
            ("speaker", "person"), ("text", "أرجو توضيح البند الثالث"),
        ]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.expect("html");
        assert!(html.contains("Enter a full address starting with https://."), "{html}");
        assert!(html.contains("أرجو توضيح البند الثالث"), "what was typed comes back");
        assert!(received().await.is_empty());
        // A channel the form does not offer is a form we did not draw.
        let res = post_form(&server, &staff, RECORD, &[("intent", "record"), ("channel", "fax"), ("received_on", &yesterday), ("speaker", "person"), ("text", "x y")]).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);

        // A post on the agency's account, its author not agreeing to be named: a member of
        // the public, its link kept from the public (it would name them).
        let res = post_form(&server, &staff, RECORD, &[
            ("intent", "record"), ("channel", "social_media"), ("received_on", &yesterday),
            ("source_url", "https://x.example/dga/status/1"), ("clause", "1"),
            ("speaker", "person"), ("text", "أرجو توضيح البند الأول بأمثلة عملية"),
        ]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap_or_default());
        assert!(location(&res).starts_with(&format!("{RECORD}?done=")));
        // A letter from an organisation, its writer agreeing to be named (Arabic-Indic digits in the date).
        let arabic_day: String = yesterday.chars().map(|c| if c.is_ascii_digit() { char::from_u32('٠' as u32 + c.to_digit(10).unwrap_or(0)).unwrap_or(c) } else { c }).collect();
        let res = post_form(&server, &staff, RECORD, &[
            ("intent", "record"), ("channel", "letter"), ("received_on", &arabic_day),
            ("speaker", "organisation"), ("name", "د. هند العتيبي"), ("consent", "yes"),
            ("organisation", "جامعة الملك سعود"), ("organisation_kind", "academic"),
            ("text", "Universities should be consulted on the research data clause."),
        ]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap_or_default());
        let stored = received().await;
        assert_eq!(stored.len(), 2);
        let post = stored.iter().find(|x| x.channel == Channel::SocialMedia).expect("post");
        let letter = stored.iter().find(|x| x.channel == Channel::Letter).expect("letter");
        let receipt = post.received.as_ref().expect("receipt");
        assert_eq!(receipt.attribution, Attribution::Anonymous);
        assert_eq!(receipt.entered_by, Some(staff_id));
        assert_eq!(receipt.received_on.format("%Y-%m-%d").to_string(), yesterday);
        assert_eq!(post.clause_number, Some(1));
        assert_eq!(letter.author_name, "د. هند العتيبي");
        // The same text again is refused.
        let res = post_form(&server, &staff, RECORD, &[
            ("intent", "record"), ("channel", "social_media"), ("received_on", &yesterday),
            ("speaker", "person"), ("text", "أرجو توضيح البند الأول بأمثلة عملية"),
        ]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(received().await.len(), 2);
        let audit = app::ssr::admin::store::audit::recent(db, None, 50).await.expect("audit");
        for x in &stored {
            assert!(audit.iter().any(|e| e.action == "contribution.enter" && e.target == format!("contribution:{}", x.id)), "{}", x.id);
        }

        // What the public reads.
        let page = server.get(&format!("/en/consultations/{GUIDELINE}?sort=newest")).await.text().await.expect("html");
        assert!(page.contains("A member of the public") && page.contains("د. هند العتيبي"));
        assert!(!page.contains("x.example/dga/status/1"), "no link to an anonymous author's post");
        assert!(page.contains("data-channel=\"letter\"") && page.contains("data-channel=\"social_media\""));
        let api: Value = server.get(&format!("/api/v1/contributions/{}", post.id)).await.json().await.expect("json");
        assert_eq!(api["contribution"]["author"], Value::Null);
        assert_eq!(api["contribution"]["received"]["attribution"], "anonymous");
        assert_eq!(api["contribution"]["received"]["source_url"], Value::Null);
        // Each channel's share, on the consultation and impact pages.
        let page = server.get(&format!("/en/consultations/{GUIDELINE}")).await.text().await.expect("html");
        assert!(page.contains("class=\"table report__shares channel-shares\""), "{page}");
        let impact = server.get(&format!("/en/consultations/{GUIDELINE}/impact")).await.text().await.expect("html");
        assert!(impact.contains("data-channel=\"letter\""));

        // Nobody else records: an agency admin without a recorded mandate, its organiser,
        // another agency's staff.
        let admin = signed_in_client(&server, "admin@example.org", &s2).await;
        assert_eq!(admin.get(server.url(RECORD)).send().await.expect("get").status(), StatusCode::FORBIDDEN);
        let csrf = csrf_of(&admin, &server.url(&format!("/en/consultations/{GUIDELINE}"))).await;
        let form = [("csrf", csrf.as_str()), ("intent", "record"), ("channel", "email"), ("received_on", yesterday.as_str()), ("speaker", "person"), ("text", "رسالة بالبريد")];
        let res = admin.post(server.url(RECORD)).form(&form).send().await.expect("post");
        assert!(res.status().is_client_error());
        assert!(res.text().await.expect("html").contains("recorded mandate"));
        for (email, secret) in [("organiser@example.org", &s3), ("elsewhere@example.org", &s4)] {
            let client = signed_in_client(&server, email, secret).await;
            assert_eq!(client.get(server.url(RECORD)).send().await.expect("get").status(), StatusCode::FORBIDDEN, "{email}");
            let csrf = csrf_of(&client, &server.url(&format!("/en/consultations/{GUIDELINE}"))).await;
            let mut fields = form;
            fields[0].1 = csrf.as_str();
            let res = client.post(server.url(RECORD)).form(&fields).send().await.expect("post");
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{email}");
        }
        let anonymous = client_from([127, 0, 0, 8]);
        assert_eq!(anonymous.get(server.url(RECORD)).send().await.expect("get").status(), StatusCode::UNAUTHORIZED);
        assert_eq!(received().await.len(), 2);
    }
}
