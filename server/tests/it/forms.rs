//! Every form handler reads its `intent` (and the row it acts on) as a known value: a
//! missing or unknown one is answered 400 with the page saying the form could not be
//! read, and nothing changes. On SQLite and PostgreSQL.

use app::domain::authz::Role;
use app::domain::LocalizedText;
use app::ssr::admin::store::{audit, roles};
use app::ssr::agencies::store::{self as agencies, NewAgency};
use app::ssr::clock::Clock;
use app::ssr::consultations::store as consultations;
use app::ssr::contributions::store as contributions;
use app::ssr::db::testing::{create_agency, TestDb};
use app::ssr::db::Db;
use reqwest::StatusCode;

use crate::common::*;

const GUIDELINE: &str = "e-participation-guideline";

/// What a refused form must leave as it was: contributions and their supports, role
/// grants, the audit log, and the guideline's title.
async fn snapshot(db: &Db) -> (usize, i64, usize, usize, LocalizedText) {
    let c = consultations::by_slug(db, GUIDELINE)
        .await
        .expect("query")
        .expect("guideline");
    let posted = contributions::of_consultation(db, c.id)
        .await
        .expect("contributions");
    let supports = posted.iter().map(|x| x.support_count).sum();
    let grants = roles::current(db, None).await.expect("grants").len();
    let audited = audit::recent(db, None, 1000).await.expect("audit").len();
    (posted.len(), supports, grants, audited, c.title)
}

/// A refused submission: what it is, who sends it, to which page, with which fields.
type Case<'a> = (
    &'a str,
    &'a reqwest::Client,
    String,
    Vec<(&'a str, &'a str)>,
);

async fn assert_unreadable(res: reqwest::Response, what: &str) {
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{what}");
    let html = res.text().await.expect("body");
    assert!(
        html.contains("This form could not be read"),
        "{what}: the page says why"
    );
}

http_tests! {
    async fn forms_with_a_missing_or_unknown_intent_or_target_change_nothing(server, demo = true) {
        let db = server.test_db.db.clone();
        let now = Clock::system().now();
        let agency = create_agency(&db, &NewAgency {
            slug: "forms-agency".into(),
            name: LocalizedText::new(None, Some("Forms agency".into())),
            time_zone: "Asia/Riyadh".into(),
            website: None,
        }, now).await.expect("agency");
        let (_, secret) = person(&db, "citizen@example.org", &[], false).await;
        let citizen = signed_in_client(&server, "citizen@example.org", &secret).await;
        let (_, secret) = person(&db, "mod@example.org", &[Role::Moderator], true).await;
        let moderator = signed_in_client(&server, "mod@example.org", &secret).await;
        let (_, secret) = person(&db, "admin@example.org", &[Role::PlatformAdmin], true).await;
        let admin = signed_in_client(&server, "admin@example.org", &secret).await;
        let (_, secret) =
            person(&db, "agency-admin@example.org", &[Role::AgencyAdmin(agency.id)], true).await;
        let agency_admin = signed_in_client(&server, "agency-admin@example.org", &secret).await;
        // The guideline belongs to the demo agency; its staff may use the editor.
        let guideline = consultations::by_slug(&db, GUIDELINE).await.expect("query").expect("guideline");
        let (_, secret) =
            person(&db, "staff@example.org", &[Role::AgencyStaff(guideline.agency_id)], true).await;
        let staff = signed_in_client(&server, "staff@example.org", &secret).await;
        person(&db, "target@example.org", &[], false).await;
        let before = snapshot(&db).await;

        let page = format!("/en/consultations/{GUIDELINE}");
        let body = ("body", "A comment that would be posted if the form were read.");
        let cases: Vec<Case> = vec![
            ("comment without intent", &citizen, page.clone(), vec![body]),
            ("comment, unknown intent", &citizen, page.clone(), vec![("intent", "publish"), body]),
            ("support without target", &citizen, page.clone(), vec![("intent", "support")]),
            ("support, target not an id", &citizen, page.clone(), vec![("intent", "support"), ("target", "1 OR 1=1")]),
            ("reply without parent", &citizen, page.clone(), vec![("intent", "reply"), body]),
            ("new thread naming a parent", &citizen, page.clone(), vec![("intent", "contribute"), ("parent", "abc"), body]),
            ("comment on a malformed clause", &citizen, page.clone(), vec![("intent", "contribute"), ("clause", "x' OR '1"), body]),
            ("moderation, unknown action", &moderator, "/en/moderation".into(), vec![("intent", "delete"), ("target", "1")]),
            ("moderation without target", &moderator, "/en/moderation".into(), vec![("intent", "hide"), ("category", "spam"), ("reason", "x")]),
            ("admin form without intent", &admin, "/en/admin".into(), vec![("email", "target@example.org"), ("role", "moderator")]),
            ("admin form, unknown intent", &admin, "/en/admin".into(), vec![("intent", "promote"), ("email", "target@example.org"), ("role", "platform_admin")]),
            ("revoke without grant", &admin, "/en/admin".into(), vec![("intent", "revoke")]),
            ("staff page, unknown intent", &agency_admin, "/en/agencies/forms-agency/staff".into(), vec![
                ("intent", "hire"), ("email", "target@example.org"), ("decision_ref", "1/2026"),
                ("decided_on", "2026-01-05"), ("scope", "x"),
            ]),
            ("staff revoke without grant", &agency_admin, "/en/agencies/forms-agency/staff".into(), vec![("intent", "revoke"), ("grant", "")]),
            ("editor, unknown intent", &staff, format!("/en/consultations/{GUIDELINE}/edit"), vec![("intent", "erase"), ("title_en", "Changed")]),
            ("editor without intent", &staff, format!("/en/consultations/{GUIDELINE}/edit"), vec![("title_en", "Changed")]),
            ("detach without attachment", &staff, format!("/en/consultations/{GUIDELINE}/edit"), vec![("intent", "detach"), ("attachment", "first")]),
            ("two-factor, unknown intent", &staff, "/en/account/two-factor".into(), vec![("intent", "disable")]),
            ("editor, unknown transition", &staff, format!("/en/consultations/{GUIDELINE}/edit"), vec![("intent", "transition"), ("transition", "erase")]),
            ("comment, unknown speaker", &citizen, page.clone(), vec![("intent", "contribute"), ("speaker", "robot"), body]),
        ];
        for (what, client, path, form) in cases {
            let res = post_form(&server, client, &path, &form).await;
            assert_unreadable(res, what).await;
            assert_eq!(snapshot(&db).await, before, "{what} changed nothing");
        }
        // The notification setting is a form of the account page, posted elsewhere.
        let csrf = csrf_of(&citizen, &server.url("/en/account")).await;
        let res = citizen.post(server.url("/en/account/notifications"))
            .form(&[("csrf", csrf.as_str()), ("mode", "loud")]).send().await.expect("post");
        assert_unreadable(res, "notifications, unknown mode").await;
        let res = citizen.post(server.url("/en/account/digits"))
            .form(&[("csrf", csrf.as_str()), ("digits", "persian")]).send().await.expect("post");
        assert_unreadable(res, "digits, unknown choice").await;
    }

    async fn an_agency_is_created_with_its_audit_entry_or_not_at_all(server, demo = false) {
        let db = server.test_db.db.clone();
        let (admin_id, secret) = person(&db, "admin@example.org", &[Role::PlatformAdmin], true).await;
        let admin = signed_in_client(&server, "admin@example.org", &secret).await;
        let form = [("intent", "agency"), ("slug", "audited-agency"), ("name_en", "Audited agency"), ("time_zone", "Asia/Riyadh")];
        app::ssr::db::testing::rename_table(&db, "audit_log", "audit_log_away").await.expect("rename");
        let res = post_form(&server, &admin, "/en/admin", &form).await;
        let status = res.status();
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{}", res.text().await.unwrap_or_default());
        app::ssr::db::testing::rename_table(&db, "audit_log_away", "audit_log").await.expect("rename back");
        assert!(agencies::by_slug(&db, "audited-agency").await.expect("query").is_none(), "no agency without its audit entry");

        let res = post_form(&server, &admin, "/en/admin", &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let agency = agencies::by_slug(&db, "audited-agency").await.expect("query").expect("created");
        let audit = audit::by_actor(&db, admin_id).await.expect("audit");
        assert!(audit.iter().any(|r| r.action == "agency.create" && r.target == format!("agency:{}", agency.id)), "{audit:?}");
    }

    async fn a_refused_form_comes_back_with_what_was_typed_but_never_a_secret(server, demo = false) {
        let db = server.test_db.db.clone();
        let (_, secret) = person(&db, "admin@example.org", &[Role::PlatformAdmin], true).await;
        let admin = signed_in_client(&server, "admin@example.org", &secret).await;

        // A time zone the time-zone database does not know is refused, never replaced.
        let res = post_form(&server, &admin, "/en/admin", &[
            ("intent", "agency"), ("slug", "typed-agency"), ("name_en", "Typed agency"),
            ("time_zone", "Riyadh/Nowhere"),
        ]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.expect("body");
        assert!(html.contains("Enter a time zone name such as Asia/Riyadh."), "the field says why");
        assert!(html.contains("value=\"typed-agency\""), "the typed slug is kept");
        assert!(html.contains("value=\"Riyadh/Nowhere\""), "the typed zone is kept to correct");
        assert!(
            app::ssr::agencies::store::by_slug(&db, "typed-agency").await.expect("query").is_none(),
            "no agency was created"
        );

        // A wrong password: the address comes back, the password never does.
        let client = client_from([127, 0, 0, 2]);
        let wrong = "a-wrong-password-that-must-not-echo";
        let res = post_form(&server, &client, "/en/sign-in", &[
            ("email", "admin@example.org"), ("password", wrong),
        ]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.expect("body");
        assert!(html.contains("value=\"admin@example.org\""), "the address is kept");
        assert!(!html.contains(wrong), "the password is not sent back");
    }
}
