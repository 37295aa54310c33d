//! Account hardening over HTTP (issue 26, items 4–8 and 14): second factors that
//! cannot be replaced or guessed, roles only for confirmed addresses, no secrets at
//! rest, short privileged sessions. On SQLite and PostgreSQL.

use app::domain::authz::Role;
use app::domain::LocalizedText;
use app::domain::UserId;
use app::ssr::accounts::auth::password;
use app::ssr::accounts::store as users;
use app::ssr::accounts::store::NewUser;
use app::ssr::admin::store::roles;
use app::ssr::agencies::store::NewAgency;
use app::ssr::clock::Clock;
use app::ssr::db::testing::TestDb;
use app::ssr::db::Db;
use reqwest::StatusCode;

use crate::common::*;

/// An account whose owner never opened the confirmation link.
async fn unconfirmed(db: &Db, email: &str) -> UserId {
    let hash = password::hash(PASSWORD).await.expect("hash");
    let new = NewUser {
        email: email.into(),
        display_name: "squatter".into(),
        preferred_lang: app::domain::Lang::En,
        password_hash: hash,
        terms_version: "2026-11".into(),
    };
    users::create(db, &new, Clock::system().now())
        .await
        .expect("user")
        .id
}

http_tests! {
    async fn roles_go_only_to_confirmed_addresses(server, demo = false) {
        let db = server.test_db.db.clone();
        let now = Clock::system().now();
        let agency = NewAgency {
            slug: "agency-a".into(),
            name: LocalizedText::new(None, Some("Agency A".into())),
            time_zone: "Asia/Riyadh".into(),
            website: None,
        };
        let a = app::ssr::db::testing::create_agency(&db, &agency, now).await.expect("a").id;
        let (_, secret) = person(&db, "admin@example.org", &[Role::PlatformAdmin], true).await;
        let admin = signed_in_client(&server, "admin@example.org", &secret).await;
        let squatter = unconfirmed(&db, "future.staff@agency.example").await;

        // Appointing the address is refused, saying why, in both languages.
        for (lang, words) in [("en", "not confirmed yet"), ("ar", "لم يُؤكَّد البريد الإلكتروني")] {
            let res = post_form(&server, &admin, &format!("/{lang}/admin"), &[
                ("intent", "appoint"), ("email", "future.staff@agency.example"), ("role", "moderator"),
            ]).await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
            assert!(res.text().await.expect("page").contains(words), "{lang}");
        }
        // So is authorising it as the agency's staff.
        let res = post_form(&server, &admin, "/en/agencies/agency-a/staff", &[
            ("intent", "appoint"), ("email", "future.staff@agency.example"),
            ("decision_ref", "قرار 9/2026"), ("decided_on", "2026-02-01"), ("scope", "نطاق"),
        ]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.expect("page").contains("not confirmed yet"));
        assert!(roles::roles_of(&db, squatter).await.expect("roles").is_empty());

        // A role that reached an unconfirmed address some other way cannot be used.
        roles::grant(&db, squatter, Role::AgencyStaff(a), Some(&roles::Mandate {
            decision_ref: "x".into(), decided_on: "2026-01-01".into(), scope: "y".into(),
        }), &no_audit(), now).await.expect("grant");
        roles::grant(&db, squatter, Role::PlatformAdmin, None, &no_audit(), now).await.expect("grant");
        let totp = app::ssr::accounts::auth::totp::new_secret();
        users::enable_totp(&db, squatter, &totp, 0, &[], &no_audit(), now).await.expect("totp");
        let client = signed_in_client(&server, "future.staff@agency.example", &totp).await;
        let res = client.get(server.url("/en/admin")).send().await.expect("admin");
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(res.text().await.expect("page").contains("confirm your email address"));
    }
}
