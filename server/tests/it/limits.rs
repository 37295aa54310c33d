//! Rate limits at the edge: what an attacker can make the limiter hold, whose address
//! a limit counts behind a reverse proxy, and that nobody can lock an owner out.

use app::domain::authz::Role;
use app::ssr::admin::store::audit;
use app::ssr::clock::Clock;
use app::ssr::db::testing::TestDb;
use reqwest::StatusCode;

use crate::common::*;

/// A fixed clock: nothing refills while the tests run, however slow the machine.
fn still_clock() -> Clock {
    Clock::fixed(Clock::system().now())
}

/// This process's resident memory, in bytes.
fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .expect("VmRSS")
        * 1024
}

/// Resident memory is the whole process's, and tests running beside this one would
/// count in it: so the posts run in a process of their own (this test binary, with
/// only [`oversized_addresses_in_a_process_of_their_own`]).
#[test]
fn two_hundred_one_mebibyte_addresses_do_not_pin_memory() {
    let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--ignored",
            "--exact",
            "limits::oversized_addresses_in_a_process_of_their_own",
            "--test-threads=1",
            "--nocapture",
        ])
        .output()
        .expect("run the test binary");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let tail = |text: &str| {
        text.chars()
            .rev()
            .take(4000)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<String>()
    };
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "stdout:\n{}\nstderr:\n{}",
        tail(&stdout),
        tail(&stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run alone by two_hundred_one_mebibyte_addresses_do_not_pin_memory"]
async fn oversized_addresses_in_a_process_of_their_own() {
    let server = TestServer::start_with_clock(TestDb::sqlite().await, false, still_clock()).await;
    let url = server.url("/en/sign-in");
    // Ten source addresses (one IPv6 host has a whole /64 of them), twenty posts each:
    // every one within its address's allowance.
    let mut clients = Vec::new();
    for n in 0..10u8 {
        let client = client_from([127, 0, 1, n + 1]);
        let csrf = csrf_of(&client, &url).await;
        clients.push((client, csrf));
    }
    // A first post warms what the first request builds (a page render), and memory is
    // measured from there.
    let (client, csrf) = &clients[0];
    client
        .post(&url)
        .form(&[("csrf", csrf.as_str()), ("email", "x"), ("password", "")])
        .send()
        .await
        .expect("post");
    let marker = "q".repeat(4096);
    let before = resident_bytes();
    let mut echoed = Vec::new();
    for n in 0..200usize {
        let (client, csrf) = &clients[n / 20];
        let email = format!("{n}{}@example.org", "q".repeat(1 << 20));
        let res = client
            .post(&url)
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email.as_str()),
                ("password", "wrong password"),
            ])
            .send()
            .await
            .expect("post");
        drop(email);
        let status = res.status();
        assert!(status.is_client_error(), "{status}");
        let body = res.text().await.expect("body");
        if body.contains(&marker) {
            echoed.push(status);
        }
    }
    let grown = resident_bytes().saturating_sub(before);
    println!("resident memory grew by {} KiB", grown / 1024);
    assert!(grown < 50 << 20, "grew by {} MiB", grown >> 20);
    assert!(echoed.is_empty(), "pages echo the address: {echoed:?}");
    server.finish().await;
}

/// The loopback address the test clients' "proxy" connects from.
const PROXY: [u8; 4] = [127, 0, 0, 1];

async fn sign_in_through(
    client: &reqwest::Client,
    url: &str,
    csrf: &str,
    forwarded_for: &str,
) -> StatusCode {
    // An empty password is refused before any hashing: these posts test the limit only.
    client
        .post(url)
        .header("x-forwarded-for", forwarded_for)
        .form(&[
            ("csrf", csrf),
            ("email", "someone@example.org"),
            ("password", ""),
        ])
        .send()
        .await
        .expect("post")
        .status()
}

async fn behind_a_trusted_proxy(test_db: TestDb) {
    let server = TestServer::start_with_vars(
        test_db,
        still_clock(),
        &[("SHURA_TRUSTED_PROXIES", "127.0.0.1")],
    )
    .await;
    let url = server.url("/en/sign-in");
    let proxy = client_from(PROXY);
    let csrf = csrf_of(&proxy, &url).await;

    // One client behind the proxy uses up its own allowance…
    for _ in 0..20 {
        let status = sign_in_through(&proxy, &url, &csrf, "198.51.100.1, 203.0.113.5").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(
        sign_in_through(&proxy, &url, &csrf, "203.0.113.5").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // …and another behind the same proxy still signs in.
    assert_eq!(
        sign_in_through(&proxy, &url, &csrf, "203.0.113.6").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // An IPv6 client is its /64.
    for n in 0..20 {
        let status = sign_in_through(&proxy, &url, &csrf, &format!("2001:db8:1:2::{n:x}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(
        sign_in_through(&proxy, &url, &csrf, "2001:db8:1:2:ffff::1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        sign_in_through(&proxy, &url, &csrf, "[2001:db8:1:3::1]:4711").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // A client that is no proxy cannot choose its address by the header.
    let direct = client_from([127, 0, 0, 2]);
    let csrf = csrf_of(&direct, &url).await;
    for n in 0..20 {
        let status = sign_in_through(&direct, &url, &csrf, &format!("192.0.2.{n}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(
        sign_in_through(&direct, &url, &csrf, "192.0.2.200").await,
        StatusCode::TOO_MANY_REQUESTS
    );

    // The audit log records the client, not the proxy.
    let (moderator, _) = person(
        &server.test_db.db,
        "moderator@example.org",
        &[Role::Moderator],
        false,
    )
    .await;
    let csrf = csrf_of(&proxy, &url).await;
    let res = proxy
        .post(&url)
        .header("x-forwarded-for", "198.51.100.77")
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "moderator@example.org"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(location(&res), "/en/account");
    let entries = audit::by_actor(&server.test_db.db, moderator)
        .await
        .expect("audit");
    let sign_in = entries
        .iter()
        .find(|e| e.action == audit::AuditAction::SignIn.code())
        .unwrap_or_else(|| panic!("a sign-in entry in {entries:?}"));
    assert_eq!(sign_in.ip.as_deref(), Some("198.51.100.77"));
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_client_has_its_own_limits_on_sqlite() {
    behind_a_trusted_proxy(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_client_has_its_own_limits_on_postgres() {
    behind_a_trusted_proxy(TestDb::postgres().await).await;
}

async fn sign_in_as_owner(
    client: &reqwest::Client,
    url: &str,
    password: &str,
) -> reqwest::Response {
    let csrf = csrf_of(client, url).await;
    client
        .post(url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "Owner@Example.org"),
            ("password", password),
        ])
        .send()
        .await
        .expect("post")
}

async fn nobody_locks_the_owner_out(test_db: TestDb) {
    let start = Clock::system().now();
    let clock = Clock::fixed(start);
    let server = TestServer::start_with_clock(test_db, false, clock.clone()).await;
    person(&server.test_db.db, "owner@example.org", &[], false).await;
    let url = server.url("/en/sign-in");

    // Signing in is no failure: the owner can sign in again and again.
    for n in 0..8u8 {
        let res = sign_in_as_owner(&client_from([127, 0, 2, n + 1]), &url, PASSWORD).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "sign-in {n}");
    }
    // The owner's laptop signed in once: it has the device cookie.
    let res = sign_in_as_owner(&client_from([127, 0, 2, 20]), &url, PASSWORD).await;
    let device_cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("shura_device="))
        .expect("a device cookie")
        .split(';')
        .next()
        .unwrap_or("")
        .to_owned();

    // A stranger posts without the form's token, from four addresses: nothing counts.
    for n in 0..10u8 {
        let status = client_from([127, 0, 3, n % 4 + 1])
            .post(&url)
            .form(&[("email", "owner@example.org"), ("password", "guess")])
            .send()
            .await
            .expect("post")
            .status();
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let res = sign_in_as_owner(&client_from([127, 0, 2, 21]), &url, PASSWORD).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "posts without the token spend nothing"
    );

    // Then guesses passwords with the token: the account's failures grow a delay…
    let mut statuses = Vec::new();
    for n in 0..4u8 {
        let stranger = client_from([127, 0, 3, n + 1]);
        for _ in 0..5 {
            statuses.push(
                sign_in_as_owner(&stranger, &url, "wrong guess")
                    .await
                    .status(),
            );
        }
    }
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        statuses[..5]
            .iter()
            .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY)
            && refused >= 10,
        "{statuses:?}"
    );
    // …that a browser the owner never used must wait out…
    let new_device = client_from([127, 0, 2, 22]);
    let res = sign_in_as_owner(&new_device, &url, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=300).contains(&wait), "{wait}");
    // …while the owner's laptop signs in at once.
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(
        &format!("{device_cookie}; Path=/"),
        &url.parse().expect("url"),
    );
    let laptop = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_provider(jar)
        .local_address(std::net::IpAddr::from([127, 0, 2, 20]))
        .build()
        .expect("client");
    let res = sign_in_as_owner(&laptop, &url, PASSWORD).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "the known device is not delayed"
    );
    assert_eq!(location(&res), "/en/account");

    // Guessing again brings the delay back; it ends, and the new browser gets in too.
    let stranger = client_from([127, 0, 3, 9]);
    for _ in 0..6 {
        sign_in_as_owner(&stranger, &url, "wrong guess").await;
    }
    let res = sign_in_as_owner(&new_device, &url, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    clock.set(start + chrono::Duration::seconds(301));
    let res = sign_in_as_owner(&new_device, &url, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_can_lock_the_owner_out_on_sqlite() {
    nobody_locks_the_owner_out(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_can_lock_the_owner_out_on_postgres() {
    nobody_locks_the_owner_out(TestDb::postgres().await).await;
}

/// Following and unfollowing, supporting, reporting and appealing are throttled per
/// account: a script cannot flood the moderators or inflate a support count, and the
/// account's other people are not slowed.
async fn reactions_are_throttled_per_account(test_db: TestDb) {
    let server = TestServer::start_with_clock(test_db, true, still_clock()).await;
    let db = server.test_db.db.clone();
    person(&db, "busy@example.org", &[], false).await;
    person(&db, "calm@example.org", &[], false).await;
    let busy = signed_in_client(&server, "busy@example.org", "").await;
    let page = "/en/consultations/e-participation-guideline";
    let mut statuses = Vec::new();
    for i in 0..32 {
        let intent = if i % 2 == 0 { "follow" } else { "unfollow" };
        statuses.push(
            post_form(&server, &busy, page, &[("intent", intent)])
                .await
                .status(),
        );
    }
    assert!(
        statuses[..30].iter().all(|s| *s == StatusCode::SEE_OTHER),
        "{statuses:?}"
    );
    assert_eq!(statuses[31], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
    let calm = signed_in_client(&server, "calm@example.org", "").await;
    let res = post_form(&server, &calm, page, &[("intent", "follow")]).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "another account is not slowed"
    );
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reactions_are_throttled_per_account_on_sqlite() {
    reactions_are_throttled_per_account(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reactions_are_throttled_per_account_on_postgres() {
    reactions_are_throttled_per_account(TestDb::postgres().await).await;
}
