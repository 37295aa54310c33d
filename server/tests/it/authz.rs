//! Authorisation over HTTP: every role against every protected page and form, on SQLite
//! and PostgreSQL. Each denial is proved by its status code and by what did not change.

use app::domain::authz::Role;
use app::domain::LocalizedText;
use app::ssr::admin::store::roles;
use app::ssr::agencies::store as agencies;
use app::ssr::agencies::store::NewAgency;
use app::ssr::clock::Clock;
use app::ssr::db::testing::TestDb;
use reqwest::StatusCode;

use crate::common::*;

struct Probe {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    form: &'static [(&'static str, &'static str)],
}

const PROBES: [Probe; 6] = [
    Probe {
        name: "admin page",
        method: "GET",
        path: "/en/admin",
        form: &[],
    },
    Probe {
        name: "audit log",
        method: "GET",
        path: "/en/admin/audit",
        form: &[],
    },
    Probe {
        name: "staff page of A",
        method: "GET",
        path: "/en/agencies/agency-a/staff",
        form: &[],
    },
    Probe {
        name: "create agency",
        method: "POST",
        path: "/en/admin",
        form: &[
            ("intent", "agency"),
            ("slug", "new-agency"),
            ("name_en", "New agency"),
            ("time_zone", "Asia/Riyadh"),
        ],
    },
    Probe {
        name: "appoint moderator",
        method: "POST",
        path: "/en/admin",
        form: &[
            ("intent", "appoint"),
            ("email", "target@example.org"),
            ("role", "moderator"),
        ],
    },
    Probe {
        name: "authorise staff of A",
        method: "POST",
        path: "/en/agencies/agency-a/staff",
        form: &[
            ("intent", "appoint"),
            ("email", "target@example.org"),
            ("decision_ref", "قرار 9/2026"),
            ("decided_on", "2026-02-01"),
            ("scope", "نطاق"),
        ],
    },
];

async fn probe(server: &TestServer, client: &reqwest::Client, p: &Probe) -> StatusCode {
    let url = server.url(p.path);
    let res = if p.method == "GET" {
        client.get(&url).send().await.expect("get")
    } else {
        // The token comes from a page every visitor can open.
        let csrf = csrf_of(client, &server.url("/en/sign-in")).await;
        let mut form: Vec<(&str, &str)> = p.form.to_vec();
        form.push(("csrf", &csrf));
        client.post(&url).form(&form).send().await.expect("post")
    };
    res.status()
}

http_tests! {
    async fn every_role_against_every_protected_page_and_form(server, demo = false) {
        let db = server.test_db.db.clone();
        let now = Clock::system().now();
        let agency = |slug: &str| NewAgency {
            slug: slug.into(),
            name: LocalizedText::new(None, Some(slug.into())),
            time_zone: "Asia/Riyadh".into(),
            website: None,
        };
        let a = app::ssr::db::testing::create_agency(&db, &agency("agency-a"), now).await.expect("a").id;
        let b = app::ssr::db::testing::create_agency(&db, &agency("agency-b"), now).await.expect("b").id;
        person(&db, "target@example.org", &[], false).await;

        const OK: StatusCode = StatusCode::OK;
        const MOVED: StatusCode = StatusCode::SEE_OTHER;
        const NO: StatusCode = StatusCode::FORBIDDEN;
        const ANON: StatusCode = StatusCode::UNAUTHORIZED;
        //  who                       roles                     2FA    admin audit staffA create appoint authorise
        let table: Vec<(&str, Vec<Role>, bool, [StatusCode; 6])> = vec![
            ("nobody",                vec![],                      false, [ANON, ANON, ANON, ANON, ANON, ANON]),
            ("citizen",               vec![],                      false, [NO,   NO,   NO,   NO,   NO,   NO]),
            ("staff of A",            vec![Role::AgencyStaff(a)],  true,  [NO,   NO,   NO,   NO,   NO,   NO]),
            ("admin of B",            vec![Role::AgencyAdmin(b)],  true,  [NO,   NO,   NO,   NO,   NO,   NO]),
            ("moderator",             vec![Role::Moderator],       true,  [NO,   NO,   NO,   NO,   NO,   NO]),
            ("admin without 2FA",     vec![Role::PlatformAdmin],   false, [NO,   NO,   NO,   NO,   NO,   NO]),
            ("admin of A",            vec![Role::AgencyAdmin(a)],  true,  [NO,   NO,   OK,   NO,   NO,   MOVED]),
            ("platform admin",        vec![Role::PlatformAdmin],   true,  [OK,   OK,   OK,   MOVED, MOVED, MOVED]),
        ];
        for (i, (who, roles, two_factor, expected)) in table.into_iter().enumerate() {
            let client = if who == "nobody" {
                client_from([127, 0, 0, 1])
            } else {
                let email = format!("p{i}@example.org");
                let (_, secret) = person(&db, &email, &roles, two_factor).await;
                signed_in_client(&server, &email, &secret).await
            };
            let agencies_before = agencies::list(&db).await.expect("list").len();
            let grants_before = roles::current(&db, None).await.expect("grants").len();
            for (p, want) in PROBES.iter().zip(expected) {
                let got = probe(&server, &client, p).await;
                assert_eq!(got, want, "{who} / {}", p.name);
            }
            if expected.iter().all(|s| *s != MOVED) {
                assert_eq!(agencies::list(&db).await.expect("list").len(), agencies_before, "{who}");
                assert_eq!(roles::current(&db, None).await.expect("grants").len(), grants_before, "{who}");
            }
            // Undo what allowed rows did, so that the next row starts from the same state.
            for g in roles::current(&db, None).await.expect("grants") {
                if g.display_name == "target" {
                    roles::revoke(&db, g.id, &no_audit(), now).await.expect("revoke");
                }
            }
        }
    }

    async fn admin_actions_are_confirmed_and_the_last_admin_stays(server, demo = false) {
        let db = server.test_db.db.clone();
        let (admin_id, secret) = person(&db, "only-admin@example.org", &[Role::PlatformAdmin], true).await;
        person(&db, "future-moderator@example.org", &[], false).await;
        let admin = signed_in_client(&server, "only-admin@example.org", &secret).await;

        // Withdrawing the last platform admin's role is refused, and says why.
        let grant = roles::grants_of(&db, admin_id).await.expect("grants")[0].id.to_string();
        let res = post_form(&server, &admin, "/en/admin", &[("intent", "revoke"), ("grant", &grant)]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.expect("page").contains("last administrator"));
        assert_eq!(roles::roles_of(&db, admin_id).await.expect("roles"), vec![Role::PlatformAdmin]);

        // An appointment is confirmed on the page it came from.
        let res = post_form(&server, &admin, "/en/admin", &[
            ("intent", "appoint"), ("email", "future-moderator@example.org"), ("role", "moderator"),
        ]).await;
        assert_eq!(location(&res), "/en/admin?done=appoint");
        let page = text_of(&admin, server.url("/en/admin?done=appoint")).await;
        assert!(page.contains("The role was granted"), "confirmed");

        // Appointing oneself ends one's sessions: sign in again, told why, then back.
        let res = post_form(&server, &admin, "/en/admin", &[
            ("intent", "appoint"), ("email", "only-admin@example.org"), ("role", "moderator"),
        ]).await;
        assert_eq!(location(&res), "/en/sign-in?next=/en/admin&roles=changed");
        let page = text_of(&admin, server.url("/en/sign-in?next=/en/admin&roles=changed")).await;
        assert!(page.contains("Your roles changed"), "told why");
        assert!(page.contains(r#"name="next" value="/en/admin""#), "and where it goes back to");
    }
}
