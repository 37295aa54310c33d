//! The real router on a real port, against SQLite and PostgreSQL.

use app::ssr::db::testing::TestDb;
use reqwest::StatusCode;

use crate::common::*;
use app::ssr::clock::Clock;

const GUIDELINE: &str = "e-participation-guideline";

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

http_tests! {
    async fn healthz_answers_when_the_database_does(server, demo = false) {
        let res = server.get("/healthz").await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: serde_json::Value = res.json().await.expect("json");
        assert_eq!(body["status"], "ok");
    }

    async fn arabic_home_is_rtl_and_lists_open_consultations(server, demo = true) {
        let res = server.get("/ar/").await;
        assert_eq!(res.status(), StatusCode::OK);
        let html = res.text().await.expect("body");
        assert!(html.contains(r#"lang="ar""#) && html.contains(r#"dir="rtl""#), "{html}");
        assert!(html.contains("استشارات مفتوحة للتعليق"));
        assert!(html.contains("مسودة الدليل الوطني للمشاركة الإلكترونية"));
        assert!(!html.contains("لائحة الحدائق العامة"), "scheduled consultations are not open");
    }

    async fn english_home_is_ltr_and_translated(server, demo = true) {
        let res = server.get("/en/").await;
        assert_eq!(res.status(), StatusCode::OK);
        let html = res.text().await.expect("body");
        let html_tag = html.split("<head").next().unwrap_or("");
        assert!(html_tag.contains(r#"lang="en""#) && html_tag.contains(r#"dir="ltr""#), "{html_tag}");
        assert!(html.contains("Consultations open for comment"));
        assert!(html.contains("Draft national guideline for e-participation"));
    }

    async fn pages_allow_only_their_own_nonced_scripts(server, demo = false) {
        let res = server.get("/en/").await;
        let csp = res
            .headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), "{csp}");
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("a nonce in script-src");
        let html = res.text().await.expect("body");
        let scripts = html.matches("<script").count();
        assert!(scripts > 0);
        assert_eq!(html.matches(&format!("nonce=\"{nonce}\"")).count(), scripts, "every script has the nonce");
        // A new nonce for every render. Readers without a session share the home page
        // as kept (server/src/http/page_cache.rs), nonce included, until a write
        // (here a refused sign-in) may have changed it.
        let kept = server.get("/en/").await;
        assert_eq!(kept.headers().get("content-security-policy").and_then(|v| v.to_str().ok()), Some(csp.as_str()));
        server.client.post(server.url("/en/sign-in")).send().await.expect("post");
        let again = server.get("/en/").await;
        let csp_again = again
            .headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        again.text().await.expect("body");
        assert_ne!(csp_again.as_deref(), Some(csp.as_str()));
    }

    async fn an_empty_database_shows_the_empty_state(server, demo = false) {
        let html = server.get("/en/").await.text().await.expect("body");
        assert!(html.contains("No consultation is open for comment right now"));
    }

    async fn unknown_pages_are_404(server, demo = false) {
        assert_eq!(server.get("/fr/").await.status(), StatusCode::NOT_FOUND);
        let res = server.get("/ar/no-such-page").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert!(res.text().await.expect("body").contains("الصفحة غير موجودة"));
    }

    async fn nothing_a_signed_in_person_sees_is_kept_in_a_cache(server, demo = true) {
        let db = &server.test_db.db;
        let (_, secret) = person(db, "moderator@example.org", &[app::domain::authz::Role::Moderator], true).await;
        let moderator = signed_in_client(&server, "moderator@example.org", &secret).await;
        for path in ["/en/account", "/en/moderation", "/ar/consultations", "/en/account/my-data"] {
            let res = moderator.get(server.url(path)).send().await.expect("get");
            assert_eq!(header(&res, "cache-control"), "no-store", "{path}");
        }
        let res = moderator.post(server.url("/api/fn/current_viewer")).send().await.expect("post");
        assert_eq!(header(&res, "cache-control"), "no-store", "server functions too");
        // A visitor without a session reads public pages that caches may keep.
        let res = server.get("/en/").await;
        assert!(header(&res, "set-cookie").is_empty(), "no session for a visitor");
        assert_ne!(header(&res, "cache-control"), "no-store");
        for (name, value) in [
            ("cross-origin-opener-policy", "same-origin"),
            ("cross-origin-resource-policy", "same-origin"),
        ] {
            assert_eq!(header(&res, name), value);
        }
        assert!(header(&res, "permissions-policy").contains("camera=()"));
    }

    async fn a_person_chooses_arabic_indic_digits_for_arabic_pages_on_every_browser(server, demo = true) {
        let db = &server.test_db.db;
        let (_, secret) = person(db, "huda@example.org", &[], false).await;
        let page = |lang: &str| format!("/{lang}/consultations/{GUIDELINE}");
        // The dates a page writes (Gregorian, Hijri, time): the portal's own numbers.
        async fn dates(client: &reqwest::Client, url: String) -> String {
            let html = text_of(client, url).await;
            html.split("class=\"date__")
                .skip(1)
                .filter_map(|s| s.split_once('>').map(|(_, rest)| rest.split('<').next().unwrap_or("").to_owned()))
                .collect::<Vec<_>>()
                .join(" | ")
        }
        let indic = |s: &str| s.chars().any(|c| ('٠'..='٩').contains(&c));
        let latin = |s: &str| s.chars().any(|c| c.is_ascii_digit());

        let huda = signed_in_client(&server, "huda@example.org", &secret).await;
        let before = dates(&huda, server.url(&page("ar"))).await;
        assert!(latin(&before) && !indic(&before), "Latin digits by default: {before}");

        let csrf = csrf_of(&huda, &server.url("/ar/account")).await;
        let res = huda.post(server.url("/ar/account/digits"))
            .form(&[("csrf", csrf.as_str()), ("digits", "arabic_indic")]).send().await.expect("post");
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/ar/account?changed=digits#digits");
        let cookie = res.headers().get_all("set-cookie").iter()
            .filter_map(|v| v.to_str().ok()).find(|c| c.starts_with("shura_digits=")).expect("the digits cookie").to_owned();
        assert!(cookie.starts_with("shura_digits=arabic_indic;") && !cookie.contains("HttpOnly"), "{cookie}");

        let after = dates(&huda, server.url(&page("ar"))).await;
        assert!(indic(&after) && !latin(&after), "Arabic-Indic digits on Arabic pages: {after}");
        let english = dates(&huda, server.url(&page("en"))).await;
        assert!(latin(&english) && !indic(&english), "English pages keep Latin digits: {english}");
        let list = text_of(&huda, server.url("/ar/consultations")).await;
        let count = list.split("class=\"list__count\"").nth(1).and_then(|s| s.split("</p>").next()).unwrap_or("").to_owned();
        assert!(!count.is_empty() && !latin(&count), "the count follows the choice: {count}");
        let account = text_of(&huda, server.url("/ar/account?changed=digits")).await;
        assert!(account.contains("حُفظ اختيار الأرقام"), "the page says it is saved");

        // The choice is the account's: a browser that signs in later gets it.
        let other = signed_in_client(&server, "huda@example.org", &secret).await;
        let there = dates(&other, server.url(&page("ar"))).await;
        assert!(indic(&there) && !latin(&there), "another browser: {there}");
        let data: serde_json::Value = other.get(server.url("/en/account/my-data")).send().await.expect("get").json().await.expect("json");
        assert_eq!(data["account"]["digits"], "arabic_indic", "{data}");

        let csrf = csrf_of(&other, &server.url("/ar/account")).await;
        let res = other.post(server.url("/ar/account/digits"))
            .form(&[("csrf", csrf.as_str()), ("digits", "latin")]).send().await.expect("post");
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let back = dates(&other, server.url(&page("ar"))).await;
        assert!(latin(&back) && !indic(&back), "back to Latin: {back}");
    }
}

mod language {
    use super::*;

    async fn redirect_for(server: &TestServer, headers: &[(&str, &str)]) -> String {
        let mut req = server.client.get(server.url("/"));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.expect("request");
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        location(&res).to_owned()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn root_redirects_by_cookie_then_accept_language_then_arabic() {
        let server = TestServer::start(TestDb::sqlite().await, false).await;
        assert_eq!(redirect_for(&server, &[]).await, "/ar/");
        assert_eq!(
            redirect_for(&server, &[("accept-language", "en-US,en;q=0.9")]).await,
            "/en/"
        );
        assert_eq!(
            redirect_for(
                &server,
                &[("accept-language", "en-US"), ("cookie", "shura_lang=ar")]
            )
            .await,
            "/ar/"
        );
        assert_eq!(
            redirect_for(&server, &[("cookie", "shura_lang=en")]).await,
            "/en/"
        );
        server.finish().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_switch_remembers_the_choice_and_never_leaves_the_site() {
        let server = TestServer::start(TestDb::sqlite().await, false).await;
        let res = server.get("/lang/en?next=%2Fen%2F%3Fpage%3D2").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/en/?page=2");
        let cookie = res
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            cookie.starts_with("shura_lang=en;") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        for evil in [
            "%2F%2Fevil.example%2Fen%2F",
            "https%3A%2F%2Fevil.example%2Fen%2F",
            "%2Far%2F",
        ] {
            let res = server.get(&format!("/lang/en?next={evil}")).await;
            assert_eq!(location(&res), "/en/", "{evil}");
        }
        assert_eq!(server.get("/lang/fr").await.status(), StatusCode::NOT_FOUND);
        server.finish().await;
    }
}

mod throttling {
    use super::*;
    use app::ssr::accounts::auth::password;
    use app::ssr::accounts::store as users;
    use app::ssr::accounts::store::NewUser;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn rapid_sign_ins_from_one_address_get_429_while_another_address_signs_in() {
        // The time stands still: nothing refills while argon2 hashes, however slow the
        // machine.
        let clock = Clock::fixed(Clock::system().now());
        let server = TestServer::start_with_clock(TestDb::sqlite().await, false, clock).await;
        let hash = password::hash("نخلة القصيم تثمر في الشتاء")
            .await
            .expect("hash");
        let user = NewUser {
            email: "fatima@example.org".into(),
            display_name: "فاطمة".into(),
            preferred_lang: app::domain::Lang::Ar,
            password_hash: hash,
            terms_version: "test".into(),
        };
        users::create(&server.test_db.db, &user, Clock::system().now())
            .await
            .expect("user");
        let url = server.url("/en/sign-in");

        let attacker = client_from([127, 0, 0, 1]);
        let csrf = csrf_of(&attacker, &url).await;
        let mut statuses = Vec::new();
        let mut throttled = None;
        for n in 0..30 {
            let res = attacker
                .post(&url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("email", &format!("guess{n}@example.org")),
                    ("password", "wrong password"),
                ])
                .send()
                .await
                .expect("post");
            statuses.push(res.status());
            if res.status() == StatusCode::TOO_MANY_REQUESTS && throttled.is_none() {
                let retry_after = res
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                throttled = Some((retry_after, res.text().await.expect("body")));
            }
        }
        assert!(
            statuses[..20]
                .iter()
                .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY),
            "{statuses:?}"
        );
        assert!(
            statuses[20..]
                .iter()
                .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
            "{statuses:?}"
        );
        let (retry_after, body) = throttled.expect("a 429");
        assert!(retry_after
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|s| s >= 1));
        assert!(body.contains("Too many attempts in a short time"));

        let owner = client_from([127, 0, 0, 2]);
        let csrf = csrf_of(&owner, &url).await;
        let res = owner
            .post(&url)
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", "fatima@example.org"),
                ("password", "نخلة القصيم تثمر في الشتاء"),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/en/account");
        server.finish().await;
    }
}

/// Compressed responses and the built assets' cache headers.
mod compression {
    use super::*;

    http_tests! {
        async fn pages_and_json_are_compressed_for_clients_that_accept_it(server, demo = true) {
            let res = server
                .client
                .get(server.url("/en/"))
                .header("accept-encoding", "br")
                .send()
                .await
                .expect("request");
            assert_eq!(res.status(), StatusCode::OK);
            assert_eq!(header(&res, "content-encoding"), "br");
            assert!(header(&res, "vary").contains("accept-encoding"));
            // The security headers stay.
            assert!(header(&res, "content-security-policy").contains("'nonce-"));
            assert_eq!(header(&res, "x-frame-options"), "DENY");
            assert_eq!(header(&res, "x-content-type-options"), "nosniff");
            let body = res.bytes().await.expect("body");
            let mut html = String::new();
            std::io::Read::read_to_string(&mut brotli::Decompressor::new(&body[..], 4096), &mut html)
                .expect("brotli");
            assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
            assert!(html.contains("Consultations open for comment"));

            let res = server
                .client
                .get(server.url("/api/v1/consultations"))
                .header("accept-encoding", "gzip")
                .send()
                .await
                .expect("request");
            assert_eq!(res.status(), StatusCode::OK);
            assert_eq!(header(&res, "content-encoding"), "gzip");
            let body = res.bytes().await.expect("body");
            let json: serde_json::Value =
                serde_json::from_reader(flate2::read::GzDecoder::new(&body[..])).expect("gzip json");
            assert!(json["items"].as_array().is_some_and(|items| !items.is_empty()), "{json}");

            // A client that asks for nothing gets the page as it is.
            let res = server.get("/en/").await;
            assert_eq!(header(&res, "content-encoding"), "");
            assert!(res.text().await.expect("body").starts_with("<!DOCTYPE html>"));
        }
    }

    /// The built assets (`/pkg`): a precompressed copy when the client takes it, cached for
    /// good under a hashed name; other files of the site get a short cache, pages none.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn built_assets_are_precompressed_and_cached_by_name() {
        let site = tempfile::tempdir().expect("site dir");
        let pkg = site.path().join("pkg");
        std::fs::create_dir_all(pkg.join("snippets")).expect("pkg dir");
        let js = b"export function hydrate() { console.log('hydrated'); }\n".repeat(20);
        let hashed = "shura.0123456789abcdef0123.js";
        std::fs::write(pkg.join(hashed), &js).expect("js");
        let mut br = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
            std::io::Write::write_all(&mut writer, &js).expect("brotli");
        }
        std::fs::write(pkg.join(format!("{hashed}.br")), &br).expect("js.br");
        std::fs::write(
            pkg.join("snippets").join("inline0.js"),
            "export const x = 1;\n",
        )
        .expect("snippet");
        std::fs::write(
            site.path().join("favicon.svg"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .expect("icon");
        let server = TestServer::start_with_site(TestDb::sqlite().await, site.path()).await;
        let get = |path: &str, encoding: &str| {
            server
                .client
                .get(server.url(path))
                .header("accept-encoding", encoding)
                .send()
        };

        let res = get(&format!("/pkg/{hashed}"), "gzip, br")
            .await
            .expect("request");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(header(&res, "content-encoding"), "br");
        assert_eq!(
            header(&res, "cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert!(header(&res, "vary").contains("accept-encoding"));
        assert_eq!(
            res.bytes().await.expect("body"),
            br,
            "the precompressed file itself"
        );

        let res = get(&format!("/pkg/{hashed}"), "identity")
            .await
            .expect("request");
        assert_eq!(header(&res, "content-encoding"), "");
        assert_eq!(
            header(&res, "cache-control"),
            "public, max-age=31536000, immutable"
        );
        let etag = header(&res, "etag").to_owned();
        assert_eq!(res.bytes().await.expect("body"), js);
        let res = server
            .client
            .get(server.url(&format!("/pkg/{hashed}")))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("request");
        assert_eq!(
            res.status(),
            StatusCode::NOT_MODIFIED,
            "the browser's copy is still good"
        );

        // Read at start-up and served from memory; a file built later, from the disk.
        let later = "shura.fedcba9876543210fedc.css";
        std::fs::write(pkg.join(later), "body { color: black }").expect("css");
        let res = get(&format!("/pkg/{later}"), "br").await.expect("request");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.text().await.expect("body"), "body { color: black }");

        let res = get("/pkg/snippets/inline0.js", "identity")
            .await
            .expect("request");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            header(&res, "cache-control"),
            "no-cache",
            "an unhashed name may change"
        );

        let res = get("/favicon.svg", "identity").await.expect("request");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(header(&res, "cache-control"), "public, max-age=3600");

        let res = get("/pkg/shura.ffffffffffffffffffff.js", "br")
            .await
            .expect("request");
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(header(&res, "cache-control"), "");

        let res = get("/en/", "identity").await.expect("request");
        assert_eq!(res.status(), StatusCode::OK);
        assert!(
            !header(&res, "cache-control").contains("max-age"),
            "pages are not cached"
        );
        server.finish().await;
    }
}

#[tokio::test]
async fn over_https_cookies_are_host_prefixed_and_secure() {
    let server = TestServer::start_with_vars(
        TestDb::sqlite().await,
        Clock::system(),
        &[("SHURA_PUBLIC_URL", "https://shura.example.gov")],
    )
    .await;
    // A visitor's form token comes in a cookie of the same kind as the session's.
    let res = server.get("/en/sign-in").await;
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.contains("shura_form="))
        .expect("a form-token cookie")
        .to_owned();
    assert!(cookie.starts_with("__Host-shura_form="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"),
        "{cookie}"
    );
    assert_eq!(
        app::ssr::accounts::sessions::cookie_name(true),
        "__Host-shura_session"
    );
    server.finish().await;
}
