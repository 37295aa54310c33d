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

/// The TOTP key shown on the two-factor page (set-up or replacement).
async fn shown_secret(server: &TestServer, client: &reqwest::Client) -> String {
    let page = client
        .get(server.url("/en/account/two-factor"))
        .send()
        .await
        .expect("page");
    let html = page.text().await.expect("body");
    html.split("data-otpauth=")
        .nth(1)
        .and_then(|rest| rest.split('>').nth(1))
        .and_then(|rest| rest.split('<').next())
        .expect("a secret on the page")
        .to_owned()
}

/// The recovery codes shown once after a change.
async fn shown_codes(server: &TestServer, client: &reqwest::Client) -> Vec<String> {
    let page = client
        .get(server.url("/en/account/recovery-codes"))
        .send()
        .await
        .expect("page");
    let html = page.text().await.expect("body");
    html.split("<li><code>")
        .skip(1)
        .filter_map(|rest| rest.split('<').next())
        .map(str::to_owned)
        .collect()
}

fn code_now(secret: &str) -> String {
    app::ssr::accounts::auth::totp::code_at(secret, Clock::system().now()).expect("code")
}

async fn subjects(db: &Db, to: &str) -> Vec<String> {
    app::ssr::mail::store::queued_for(db, to)
        .await
        .expect("mail")
        .into_iter()
        .map(|m| m.subject)
        .collect()
}

http_tests! {
    async fn second_factor_seeds_are_sealed_with_a_key_kept_outside_the_database(server, demo = false) {
        let db = server.test_db.db.clone();
        let seed_of = |id: UserId| {
            let db = db.clone();
            async move {
                users::stored_seeds(&db).await.expect("seeds").into_iter()
                    .find(|(u, _)| *u == id).map(|(_, s)| s).expect("a seed")
            }
        };
        // Set up on the portal: stored sealed, never the secret itself.
        let (owner, _) = person(&db, "owner@example.org", &[], false).await;
        let client = signed_in_client(&server, "owner@example.org", "").await;
        let secret = shown_secret(&server, &client).await;
        let res = post_form(&server, &client, "/en/account/two-factor", &[("intent", "confirm"), ("code", &code_now(&secret))]).await;
        assert_eq!(location(&res), "/en/account/recovery-codes");
        let stored = seed_of(owner).await;
        assert!(stored.starts_with("v1:") && !stored.contains(&secret), "{stored}");

        // A seed stored in clear before sealing existed is sealed when the portal
        // starts, and keeps working.
        let (old, old_secret) = person(&db, "staff@example.org", &[Role::Moderator], true).await;
        assert_eq!(seed_of(old).await, old_secret);
        let data = server.data_dir.path().to_string_lossy().into_owned();
        // The running server keeps its search index; a second process needs its own.
        let index = server.data_dir.path().join("index-restarted").to_string_lossy().into_owned();
        let config = server::config::Config::from_vars(&[("SHURA_DATA_DIR", &data), ("SHURA_INDEX_DIR", &index), ("SHURA_BIND", "127.0.0.1:0")]).expect("config");
        server::startup::build(&config, db.clone(), Clock::system()).await.expect("restart");
        let stored = seed_of(old).await;
        assert!(stored.starts_with("v1:") && !stored.contains(&old_secret), "{stored}");
        signed_in_client(&server, "staff@example.org", &old_secret).await;

        // Without its key the portal does not start, and says what to restore; a key
        // of another deployment is refused too.
        let key_file = server.data_dir.path().join("seed.key");
        let key = std::fs::read_to_string(&key_file).expect("the key file");
        std::fs::remove_file(&key_file).expect("lose the key");
        let err = server::startup::build(&config, db.clone(), Clock::system()).await.err().expect("refused");
        assert!(err.to_string().contains("seed.key") && err.to_string().contains("SHURA_SEED_KEY"), "{err}");
        let other = app::ssr::accounts::auth::seeds::SeedKey::generate_hex().expect("key");
        let with_other = server::config::Config::from_vars(&[("SHURA_DATA_DIR", &data), ("SHURA_INDEX_DIR", &index), ("SHURA_BIND", "127.0.0.1:0"), ("SHURA_SEED_KEY", &other)]).expect("config");
        assert!(server::startup::build(&with_other, db.clone(), Clock::system()).await.is_err(), "a wrong key");
        // The key given in the environment works as the file did.
        let with_env = server::config::Config::from_vars(&[("SHURA_DATA_DIR", &data), ("SHURA_INDEX_DIR", &index), ("SHURA_BIND", "127.0.0.1:0"), ("SHURA_SEED_KEY", key.trim())]).expect("config");
        server::startup::build(&with_env, db.clone(), Clock::system()).await.expect("starts with the key");
        assert!(!key_file.exists(), "no new key file when the environment has the key");
        assert!(server::config::Config::from_vars(&[("SHURA_SEED_KEY", "not hex")]).is_err());
    }

    async fn the_portal_carries_no_message_in_a_name_to_a_typed_address(server, demo = false) {
        let db = server.test_db.db.clone();
        let client = client_from([127, 0, 0, 1]);
        let form = |name: &'static str| [
            ("email", "stranger@example.org"), ("display_name", name),
            ("password", "ضوء القمر على وادي حنيفة"), ("accept_terms", "yes"),
        ];
        let res = post_form(&server, &client, "/en/register", &form("Cheap pills at pills.example.com")).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.expect("body").contains("cannot contain a web link"));
        assert!(app::ssr::mail::store::queued_for(&db, "stranger@example.org").await.expect("mail").is_empty());

        // A name behind a right-to-left override is stored without it; the mail to
        // the typed address does not repeat the name at all.
        let res = post_form(&server, &client, "/en/register", &form("\u{202e}Salem\u{200b} Ali")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let (user, _) = users::credentials_by_email(&db, "stranger@example.org").await.expect("q").expect("user");
        assert_eq!(user.display_name, "Salem Ali");
        let mails = app::ssr::mail::store::queued_for(&db, "stranger@example.org").await.expect("mail");
        assert_eq!(mails.len(), 1);
        assert!(!mails[0].text_body.contains("Salem") && mails[0].text_body.starts_with("Hello,"), "{}", mails[0].text_body);
    }

    async fn the_owner_is_told_when_recovery_codes_are_renewed(server, demo = false) {
        let db = server.test_db.db.clone();
        let email = "staff@example.org";
        let (id, secret) = person(&db, email, &[Role::Moderator], true).await;
        let client = signed_in_client(&server, email, &secret).await;
        let res = post_form(&server, &client, "/en/account/two-factor", &[("intent", "renew")]).await;
        assert_eq!(location(&res), "/en/account/recovery-codes");
        assert!(subjects(&db, email).await.iter().any(|s| s.contains("New recovery codes")));
        let audit = app::ssr::admin::store::audit::by_actor(&db, id).await.expect("audit");
        assert!(audit.iter().any(|r| r.action == "two_factor.recovery_codes" && r.ip.is_some()), "{audit:?}");
    }

    async fn writes_from_another_site_are_refused_and_sign_in_gives_a_new_form_token(server, demo = false) {
        let db = server.test_db.db.clone();
        let (id, _) = person(&db, "owner@example.org", &[], false).await;
        // The token a visitor's page carried before signing in stops working after.
        let client = client_from([127, 0, 0, 1]);
        let before = csrf_of(&client, &server.url("/en/sign-in")).await;
        let res = client.post(server.url("/en/sign-in"))
            .form(&[("csrf", before.as_str()), ("email", "owner@example.org"), ("password", PASSWORD)])
            .send().await.expect("sign in");
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let digits = |token: &str| [("csrf", token.to_owned()), ("digits", "arabic_indic".to_owned())];
        let res = client.post(server.url("/en/account/digits")).form(&digits(&before)).send().await.expect("post");
        assert_ne!(res.status(), StatusCode::SEE_OTHER, "the old token is refused");
        let after = csrf_of(&client, &server.url("/en/account")).await;
        assert_ne!(after, before);

        // With a valid token, a post that a browser says comes from another site is
        // refused before anything reads it; so is one whose Origin is another site.
        for (name, value) in [("sec-fetch-site", "cross-site"), ("sec-fetch-site", "same-site"), ("origin", "https://evil.example"), ("origin", "null")] {
            let res = client.post(server.url("/en/account/digits")).header(name, value)
                .form(&digits(&after)).send().await.expect("post");
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}: {value}");
        }
        let user = users::by_id(&db, id).await.expect("q").expect("user");
        assert_eq!(user.digits, app::domain::digits::Digits::Latin, "nothing changed");
        // The same post from the site itself goes through.
        let origin = format!("http://{}", server.addr);
        let res = client.post(server.url("/en/account/digits")).header("sec-fetch-site", "same-origin")
            .header("origin", origin).form(&digits(&after)).send().await.expect("post");
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }

    async fn bodies_are_bounded_per_route_and_files_go_only_to_the_editor(server, demo = true) {
        use reqwest::multipart::{Form, Part};
        let client = client_from([127, 0, 0, 1]);
        let csrf = csrf_of(&client, &server.url("/en/sign-in")).await;
        // An account form takes 64 KiB: a 100 KiB one is refused and not echoed.
        let big = "ب".repeat(50 * 1024);
        let res = client.post(server.url("/en/sign-in"))
            .form(&[("csrf", csrf.as_str()), ("email", "a@example.org"), ("password", big.as_str())])
            .send().await.expect("post");
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(!res.text().await.expect("body").contains(&big[..600]));
        // So is a form with more fields than any form has.
        let mut many: Vec<(String, String)> = vec![("csrf".into(), csrf.clone())];
        many.extend((0..400).map(|i| (format!("f{i}"), "x".to_owned())));
        let res = client.post(server.url("/en/sign-in")).form(&many).send().await.expect("post");
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        // Files: not on an account form at all…
        let form = Form::new().text("csrf", csrf.clone()).text("email", "a@example.org")
            .part("file", Part::bytes(vec![b'x'; 1024]).file_name("x.pdf"));
        let res = client.post(server.url("/en/sign-in")).multipart(form).send().await.expect("post");
        assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        // …and on the editor, not from someone signed out…
        let editor = server.url("/en/consultations/e-participation-guideline/edit");
        let form = Form::new().text("csrf", csrf.clone()).text("intent", "attach")
            .part("file", Part::bytes(b"%PDF-1.4".to_vec()).file_name("x.pdf"));
        let res = client.post(&editor).multipart(form).send().await.expect("post");
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        // …nor from a signed-in person whose form token does not come first.
        person(&server.test_db.db, "writer@example.org", &[], false).await;
        let writer = signed_in_client(&server, "writer@example.org", "").await;
        let token = csrf_of(&writer, &server.url("/en/account")).await;
        let form = Form::new()
            .part("file", Part::bytes(b"%PDF-1.4".to_vec()).file_name("x.pdf"))
            .text("csrf", token.clone()).text("intent", "attach");
        let res = writer.post(&editor).multipart(form).send().await.expect("post");
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }

    async fn visitors_reading_pages_get_no_session_and_their_forms_still_work(server, demo = true) {
        let set_cookies = |res: &reqwest::Response| -> Vec<String> {
            res.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect()
        };
        let visitor = client_from([127, 0, 0, 1]);
        for path in ["/en/register", "/en/sign-in", "/ar/forgot-password", "/ar/consultations/e-participation-guideline", "/en/"] {
            let res = visitor.get(server.url(path)).send().await.expect("get");
            let cookies = set_cookies(&res);
            assert!(!cookies.iter().any(|c| c.starts_with("shura_session=")), "{path}: {cookies:?}");
            // However many forms a page has, one token, the cookie's.
            let minted: Vec<&String> = cookies.iter().filter(|c| c.starts_with("shura_form=")).collect();
            assert!(minted.len() <= 1, "{path}: {cookies:?}");
            let html = res.text().await.expect("body");
            let tokens: std::collections::BTreeSet<&str> = html.split(r#"name="csrf" value=""#).skip(1)
                .filter_map(|rest| rest.split('"').next()).collect();
            assert!(tokens.len() <= 1, "{path}: {tokens:?}");
        }
        // The token is a signed cookie of this browser's, and the form works with it.
        let token = csrf_of(&visitor, &server.url("/en/register")).await;
        let res = visitor.post(server.url("/en/register")).form(&[
            ("csrf", token.as_str()), ("email", "visitor@example.org"), ("display_name", "Visitor"),
            ("password", "ضوء القمر على وادي حنيفة"), ("accept_terms", "yes"),
        ]).send().await.expect("post");
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(!set_cookies(&res).iter().any(|c| c.starts_with("shura_session=")), "registering signs nobody in");
        // Another browser's token does not pass with this browser's cookie, nor a token
        // made up without the site's key.
        let other = client_from([127, 0, 0, 2]);
        let theirs = csrf_of(&other, &server.url("/en/sign-in")).await;
        assert_ne!(theirs, token);
        for wrong in [theirs.as_str(), "0123456789abcdef0123456789abcdef.00", ""] {
            let res = visitor.post(server.url("/en/forgot-password"))
                .form(&[("csrf", wrong), ("email", "visitor@example.org")]).send().await.expect("post");
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{wrong}");
        }
        // Signing in makes the session, which the token now belongs to.
        let res = visitor.post(server.url("/en/sign-in"))
            .form(&[("csrf", token.as_str()), ("email", "visitor@example.org"), ("password", "ضوء القمر على وادي حنيفة")])
            .send().await.expect("sign in");
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(set_cookies(&res).iter().any(|c| c.starts_with("shura_session=")));
    }

    async fn the_owner_is_told_when_the_password_changes(server, demo = false) {
        let db = server.test_db.db.clone();
        let email = "owner@example.org";
        person(&db, email, &[], false).await;
        let client = signed_in_client(&server, email, "").await;
        let res = post_form(&server, &client, "/en/account", &[
            ("intent", "password"), ("current_password", PASSWORD),
            ("new_password", "ضوء القمر على وادي حنيفة"),
        ]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(subjects(&db, email).await.iter().any(|s| s.contains("password was changed")));
    }

    async fn mailed_links_do_not_stay_in_the_outbox(server, demo = false) {
        let db = server.test_db.db.clone();
        let email = "owner@example.org";
        person(&db, email, &[], false).await;
        let client = client_from([127, 0, 0, 1]);
        let res = post_form(&server, &client, "/en/forgot-password", &[("email", email)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let queued = app::ssr::mail::store::queued_for(&db, email).await.expect("mail");
        assert!(queued[0].text_body.contains("token="), "the link, until sent");

        let spool = tempfile::tempdir().expect("spool");
        let mailer = app::ssr::mail::Mailer::files("Shura <no-reply@localhost>", spool.path().into()).expect("mailer");
        let now = Clock::system().now();
        let round = app::ssr::mail::worker::deliver_due(&db, &mailer, now).await.expect("sent");
        assert_eq!(round.sent, 1);
        let kept = app::ssr::mail::store::queued_for(&db, email).await.expect("mail");
        assert_eq!(kept.len(), 1, "the message is listed");
        assert!(!kept[0].text_body.contains("token="), "{}", kept[0].text_body);
        assert!(kept[0].html_body.is_none());

        // A month later the worker's tick deletes it.
        app::ssr::workers::minute_tick(&db, "http://localhost", now + chrono::Duration::days(29)).await;
        assert_eq!(app::ssr::mail::store::queued_for(&db, email).await.expect("mail").len(), 1);
        app::ssr::workers::minute_tick(&db, "http://localhost", now + chrono::Duration::days(31)).await;
        assert!(app::ssr::mail::store::queued_for(&db, email).await.expect("mail").is_empty());
    }

    async fn only_the_owner_with_password_and_code_can_change_the_second_factor(server, demo = false) {
        let db = server.test_db.db.clone();
        let email = "owner@example.org";
        person(&db, email, &[Role::Moderator], false).await;
        // Someone with the password signs in before the owner turns two-factor on, and
        // opens the set-up page: their session holds a secret of their own.
        let intruder = signed_in_client(&server, email, "").await;
        let intruder_secret = shown_secret(&server, &intruder).await;

        // The owner turns it on: every other session ends, and the owner is told.
        let owner = signed_in_client(&server, email, "").await;
        let owner_secret = shown_secret(&server, &owner).await;
        let code = code_now(&owner_secret);
        let res = post_form(&server, &owner, "/en/account/two-factor", &[("intent", "confirm"), ("code", &code)]).await;
        assert_eq!(location(&res), "/en/account/recovery-codes");
        let codes = shown_codes(&server, &owner).await;
        assert_eq!(codes.len(), 10);
        assert!(subjects(&db, email).await.iter().any(|s| s.contains("Two-factor authentication is on")));

        // The intruder's session is over: their secret cannot take the factor over.
        let code = code_now(&intruder_secret);
        let csrf = csrf_of(&intruder, &server.url("/en/sign-in")).await;
        let res = intruder.post(server.url("/en/account/two-factor"))
            .form(&[("csrf", csrf.as_str()), ("intent", "confirm"), ("code", code.as_str())])
            .send().await.expect("post");
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

        // Nor can any session turn it on again over the current one.
        let res = post_form(&server, &owner, "/en/account/two-factor", &[("intent", "confirm"), ("code", &code)]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.expect("page").contains("already on"));

        // Replacing it takes the password and a current code (here a recovery code).
        // (Five tries on the account so far, the per-account limit's burst.)
        let new_secret = shown_secret(&server, &owner).await;
        assert_ne!(new_secret, owner_secret);
        let second = client_from([127, 0, 0, 1]);
        let res = post_form(&server, &second, "/en/sign-in", &[("email", email), ("password", PASSWORD)]).await;
        assert_eq!(location(&res), "/en/sign-in/code");
        let res = post_form(&server, &second, "/en/sign-in/code", &[("code", &codes[1])]).await;
        assert_eq!(location(&res), "/en/account");
        let new_code = code_now(&new_secret);
        let res = post_form(&server, &owner, "/en/account/two-factor", &[
            ("intent", "replace"), ("current_password", PASSWORD),
            ("current_code", "bbbbb-bbbbb"), ("code", &new_code),
        ]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let res = post_form(&server, &owner, "/en/account/two-factor", &[
            ("intent", "replace"), ("current_password", PASSWORD),
            ("current_code", &codes[0]), ("code", &new_code),
        ]).await;
        assert_eq!(location(&res), "/en/account/recovery-codes", "{}", res.status());
        assert!(subjects(&db, email).await.iter().any(|s| s.contains("new authenticator app")));
        // The owner's other session ended; this one goes on.
        let res = second.get(server.url("/en/account/two-factor")).send().await.expect("page");
        assert!(!res.text().await.expect("body").contains("data-otpauth"), "signed out");
        assert_eq!(owner.get(server.url("/en/moderation")).send().await.expect("page").status(), StatusCode::OK);
    }

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

/// Ten wrong codes in a row end the sign-in; the next waits, and the owner is told.
async fn wrong_codes_are_capped(test_db: TestDb) {
    let clock = Clock::fixed(Clock::system().now());
    let server = TestServer::start_with_clock(test_db, false, clock.clone()).await;
    let db = server.test_db.db.clone();
    let email = "owner@example.org";
    let (_, secret) = person(&db, email, &[], true).await;
    let client = client_from([127, 0, 0, 1]);
    let sign_in = || async {
        post_form(
            &server,
            &client,
            "/en/sign-in",
            &[("email", email), ("password", PASSWORD)],
        )
        .await
    };
    let res = sign_in().await;
    assert_eq!(location(&res), "/en/sign-in/code");
    let right = |at| app::ssr::accounts::auth::totp::code_at(&secret, at).expect("code");
    for attempt in 1..=10 {
        // Past the per-account rate limit: only the cap stops these.
        clock.set(clock.now() + chrono::Duration::seconds(13));
        let wrong = if right(clock.now()) == "123456" {
            "654321"
        } else {
            "123456"
        };
        let res = post_form(&server, &client, "/en/sign-in/code", &[("code", wrong)]).await;
        let want = if attempt < 10 {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(res.status(), want, "attempt {attempt}");
    }
    // The sign-in is over: even the right code does not finish it.
    let csrf = csrf_of(&client, &server.url("/en/sign-in")).await;
    let res = client
        .post(server.url("/en/sign-in/code"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", right(clock.now()).as_str()),
        ])
        .send()
        .await
        .expect("code");
    assert_ne!(location(&res), "/en/account");
    assert!(subjects(&db, email)
        .await
        .iter()
        .any(|s| s.contains("Many wrong sign-in codes")));
    // Starting again with the password waits…
    let res = sign_in().await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    // …until the delay has passed.
    clock.set(clock.now() + chrono::Duration::minutes(6));
    let res = sign_in().await;
    assert_eq!(location(&res), "/en/sign-in/code");
    let res = post_form(
        &server,
        &client,
        "/en/sign-in/code",
        &[("code", &right(clock.now()))],
    )
    .await;
    assert_eq!(location(&res), "/en/account");
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_second_factor_codes_are_capped_on_sqlite() {
    wrong_codes_are_capped(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_second_factor_codes_are_capped_on_postgres() {
    wrong_codes_are_capped(TestDb::postgres().await).await;
}

/// Signs in through the forms at the fixed `clock`'s time; the last answer.
async fn sign_in_at(
    server: &TestServer,
    client: &reqwest::Client,
    email: &str,
    secret: &str,
    clock: &Clock,
) -> reqwest::Response {
    let res = post_form(
        server,
        client,
        "/en/sign-in",
        &[("email", email), ("password", PASSWORD)],
    )
    .await;
    if location(&res) != "/en/sign-in/code" {
        return res;
    }
    let code = app::ssr::accounts::auth::totp::code_at(secret, clock.now()).expect("code");
    post_form(server, client, "/en/sign-in/code", &[("code", &code)]).await
}

fn session_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("shura_session="))
        .expect("a session cookie")
        .to_owned()
}

/// Role holders get short sessions with a browser-session cookie, and give their
/// password again before granting roles.
async fn privileged_sessions_are_short(test_db: TestDb) {
    let clock = Clock::fixed(Clock::system().now());
    let server = TestServer::start_with_clock(test_db, false, clock.clone()).await;
    let db = server.test_db.db.clone();
    let (_, secret) = person(&db, "admin@example.org", &[Role::PlatformAdmin], true).await;
    person(&db, "citizen@example.org", &[], false).await;
    person(&db, "future@example.org", &[], false).await;
    let admin = client_from([127, 0, 0, 1]);
    let res = sign_in_at(&server, &admin, "admin@example.org", &secret, &clock).await;
    assert_eq!(location(&res), "/en/account");
    let cookie = session_cookie(&res).to_lowercase();
    assert!(
        !cookie.contains("max-age") && !cookie.contains("expires"),
        "{cookie}"
    );
    let citizen = client_from([127, 0, 0, 2]);
    let res = sign_in_at(&server, &citizen, "citizen@example.org", "", &clock).await;
    assert!(
        session_cookie(&res).to_lowercase().contains("max-age"),
        "citizens stay signed in"
    );

    // Eleven minutes after the password, granting a role asks for it again.
    clock.set(clock.now() + chrono::Duration::minutes(11));
    let appoint = [
        ("intent", "appoint"),
        ("email", "future@example.org"),
        ("role", "moderator"),
    ];
    let res = post_form(&server, &admin, "/en/admin", &appoint).await;
    assert_eq!(
        location(&res),
        "/en/sign-in?next=/en/admin&confirm=password"
    );
    let page = text_of(&admin, server.url(location(&res))).await;
    assert!(page.contains("please confirm it is you"), "told why");
    let future = users::by_email(&db, "future@example.org")
        .await
        .expect("user")
        .expect("future")
        .id;
    assert!(roles::roles_of(&db, future)
        .await
        .expect("roles")
        .is_empty());
    let res = sign_in_at(&server, &admin, "admin@example.org", &secret, &clock).await;
    assert_eq!(location(&res), "/en/account");
    let res = post_form(&server, &admin, "/en/admin", &appoint).await;
    assert_eq!(location(&res), "/en/admin?done=appoint");

    // Half an hour unused ends the admin's session, not the citizen's.
    clock.set(clock.now() + chrono::Duration::minutes(31));
    let res = admin
        .get(server.url("/en/admin"))
        .send()
        .await
        .expect("admin");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let page = citizen
        .get(server.url("/en/account/two-factor"))
        .send()
        .await
        .expect("page");
    assert!(
        page.text().await.expect("body").contains("data-otpauth"),
        "still signed in"
    );

    // However busy, twelve hours after signing in the admin signs in again.
    clock.set(clock.now() + chrono::Duration::minutes(1));
    let res = sign_in_at(&server, &admin, "admin@example.org", &secret, &clock).await;
    assert_eq!(location(&res), "/en/account");
    for _ in 0..(12 * 3) {
        clock.set(clock.now() + chrono::Duration::minutes(20));
        let res = admin
            .get(server.url("/en/admin"))
            .send()
            .await
            .expect("admin");
        if res.status() != StatusCode::OK {
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
            server.finish().await;
            return;
        }
    }
    panic!("the admin's session outlived twelve hours");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn privileged_sessions_are_short_on_sqlite() {
    privileged_sessions_are_short(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn privileged_sessions_are_short_on_postgres() {
    privileged_sessions_are_short(TestDb::postgres().await).await;
}
