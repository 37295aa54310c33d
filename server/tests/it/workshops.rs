//! Workshops on SQLite and PostgreSQL: an organiser of the agency schedules one through
//! the form (mistakes named, nothing stored), the public pages and listings show it, its
//! calendar files parse with Python's `icalendar` with the right times in UTC and the
//! agency's zone; nobody but the agency's organisers schedules, and only those a
//! workshop names change it.

use std::io::Write;
use std::process::{Command, Stdio};

use app::domain::authz::Role;
use app::ssr::agencies::store as agencies;
use app::ssr::consultations::store as consultations;
use app::ssr::db::testing::TestDb;
use app::ssr::workshops::store as workshops;
use chrono::{Duration, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::*;

const GUIDELINE: &str = "e-participation-guideline";
const NEW: &str = "/en/consultations/e-participation-guideline/workshops/new";

/// The calendar as Python's `icalendar` reads it: the calendar's zone and each event.
fn parse_ics(ics: &str) -> Value {
    const SCRIPT: &str = r#"
import json, sys
from icalendar import Calendar
cal = Calendar.from_ical(sys.stdin.read())
events = []
for e in cal.walk("VEVENT"):
    events.append({
        "uid": str(e.get("uid")),
        "summary": str(e.get("summary")),
        "location": str(e.get("location", "")),
        "description": str(e.get("description", "")),
        "status": str(e.get("status", "")),
        "start": e.decoded("dtstart").isoformat(),
        "end": e.decoded("dtend").isoformat(),
        "url": str(e.get("url", "")),
    })
print(json.dumps({"zone": str(cal.get("x-wr-timezone", "")), "name": str(cal.get("x-wr-calname", "")), "events": events}))
"#;
    let python = std::env::var("SHURA_TEST_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into());
    let mut child = Command::new(&python)
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {python} (apt-get install python3-icalendar): {e}"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(ics.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("python");
    assert!(
        out.status.success(),
        "icalendar could not read the file: {}\n{ics}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// Schedules a workshop of the guideline through the store, ten days ahead, for
/// `audience`.
async fn scheduled(
    db: &app::ssr::db::Db,
    organisers: &[app::domain::UserId],
    capacity: u32,
    audience: app::domain::workshop::Audience,
) -> app::domain::WorkshopId {
    starting(db, organisers, capacity, audience, Duration::days(10)).await
}

/// A workshop of the guideline that starts `after` from now (negative: it has begun).
async fn starting(
    db: &app::ssr::db::Db,
    organisers: &[app::domain::UserId],
    capacity: u32,
    audience: app::domain::workshop::Audience,
    after: Duration,
) -> app::domain::WorkshopId {
    use app::domain::LocalizedText;
    let c = consultations::by_slug(db, GUIDELINE)
        .await
        .expect("q")
        .expect("c");
    let starts_at = Utc::now() + after;
    let fields = workshops::WorkshopFields {
        title: LocalizedText::new(
            Some("ورشة ممثلي الجهات".into()),
            Some("Agencies' workshop".into()),
        ),
        description: LocalizedText::default(),
        agenda: LocalizedText::default(),
        starts_at,
        ends_at: starts_at + Duration::hours(3),
        venue: LocalizedText::new(
            Some("الرياض، القاعة 3".into()),
            Some("Riyadh, hall 3".into()),
        ),
        map_url: None,
        online_url: None,
        capacity,
        registration_closes_at: starts_at - Duration::days(1),
        audience,
    };
    let mut tx = db.begin().await.expect("tx");
    let id = workshops::insert(
        &mut tx,
        c.id,
        &fields,
        organisers,
        organisers[0],
        Utc::now(),
    )
    .await
    .expect("workshop");
    tx.commit().await.expect("commit");
    id
}

/// Sends a feedback sheet to a workshop's organisers' page.
async fn post_sheet(
    server: &TestServer,
    client: &reqwest::Client,
    manage: &str,
    sheet: &[u8],
) -> reqwest::Response {
    let csrf = csrf_of(client, &server.url(manage)).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("intent", "sheet")
        .part(
            "sheet",
            reqwest::multipart::Part::bytes(sheet.to_vec())
                .file_name("ملاحظات الورشة.csv")
                .mime_str("text/csv")
                .expect("mime"),
        );
    client
        .post(server.url(manage))
        .multipart(form)
        .send()
        .await
        .expect("post")
}

fn subjects(mails: &[app::ssr::mail::store::NewMail]) -> Vec<&str> {
    mails.iter().map(|m| m.subject.as_str()).collect()
}

http_tests! {
    async fn organisers_schedule_workshops_and_calendars_read_them(server, demo = true) {
        let db = &server.test_db.db;
        let agency = agencies::by_slug(db, "digital-government-authority").await.expect("q").expect("agency");
        let other = agencies::list(db).await.expect("agencies").into_iter().find(|a| a.id != agency.id).expect("another agency");
        let (noura_id, s1) = person(db, "noura@example.org", &[Role::Organiser(agency.id)], true).await;
        let (fahad, s2) = person(db, "fahad@example.org", &[Role::Organiser(agency.id)], true).await;
        let (_, s3) = person(db, "staff@example.org", &[Role::AgencyStaff(agency.id)], true).await;
        let (_, s4) = person(db, "elsewhere@example.org", &[Role::Organiser(other.id)], true).await;
        let noura = signed_in_client(&server, "noura@example.org", &s1).await;

        // Ten days ahead, 09:00–12:30 in Riyadh (UTC+3).
        let day = (Utc::now() + Duration::days(10)).date_naive();
        let local = |h: u32, m: u32| format!("{}T{h:02}:{m:02}", day.format("%Y-%m-%d"));
        let starts = local(9, 0);
        let ends = local(12, 30);
        let closes = format!("{}T23:59", (day - Duration::days(2)).format("%Y-%m-%d"));
        let fahad_id = fahad.to_string();
        let mut form = vec![
            ("intent", "save"),
            ("title_ar", "ورشة عمل: مسودة دليل المشاركة الإلكترونية"),
            ("title_en", "Workshop on the draft e-participation guideline"),
            ("description_en", "Agency representatives discuss the draft clause by clause."),
            ("agenda_ar", "كلمة افتتاحية\nمناقشة البنود ١–٨\nالخلاصة"),
            ("starts_at", starts.as_str()),
            ("ends_at", ends.as_str()),
            ("registration_closes_at", starts.as_str()),
            ("venue_ar", "الرياض، مقر الهيئة، القاعة الكبرى"),
            ("map_url", "https://maps.example.org/?q=24.7,46.6"),
            ("capacity", "2"),
            ("audience", "open"),
            ("organiser", fahad_id.as_str()),
        ];

        // Registration closing after the start, and a script for a map: named, nothing stored.
        let mut bad = form.clone();
        bad.retain(|(k, _)| *k != "registration_closes_at" && *k != "map_url");
        let late = local(10, 0);
        bad.push(("registration_closes_at", late.as_str()));
        bad.push(("map_url", "javascript:alert(1)"));
        let res = post_form(&server, &noura, NEW, &bad).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.expect("html");
        assert!(html.contains("Registration must close before the workshop starts."), "the reason");
        assert!(html.contains("Enter a full address starting with https://."));
        assert!(html.contains("الرياض، مقر الهيئة، القاعة الكبرى"), "what was typed comes back");
        let guideline = consultations::by_slug(db, GUIDELINE).await.expect("q").expect("c");
        // The demo's own workshops (imported: no organiser of this portal runs them).
        let demo = workshops::of_consultation(db, guideline.id).await.expect("q").len();
        assert_eq!(workshops::of_consultation(db, guideline.id).await.expect("q").len(), demo);
        // An audience we do not offer is a form we did not draw.
        let mut odd = form.clone();
        odd.retain(|(k, _)| *k != "audience");
        odd.push(("audience", "everyone"));
        assert_eq!(post_form(&server, &noura, NEW, &odd).await.status(), StatusCode::BAD_REQUEST);

        form.retain(|(k, _)| *k != "registration_closes_at");
        form.push(("registration_closes_at", closes.as_str()));
        let res = post_form(&server, &noura, NEW, &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let page = location(&res).to_owned();
        let id: i64 = page.strip_prefix("/en/workshops/").expect("the workshop's page").parse().expect("id");
        let stored = workshops::of_consultation(db, guideline.id).await.expect("q");
        assert_eq!(stored.len(), demo + 1);
        let scheduled_here = stored.iter().find(|w| w.id.0 == id).expect("stored");
        let expected_start = Utc.from_utc_datetime(&day.and_hms_opt(6, 0, 0).expect("time"));
        assert_eq!(scheduled_here.fields.starts_at, expected_start, "09:00 Riyadh is 06:00 UTC");
        let audit = app::ssr::admin::store::audit::recent(db, None, 20).await.expect("audit");
        assert!(audit.iter().any(|e| e.action == "workshop.create" && e.target == format!("workshop:{id}")));

        // The public pages: its own, the consultation's section, the portal's listing.
        let public = text_of(&client_from([127, 0, 0, 9]), server.url(&page)).await;
        assert!(public.contains("Workshop on the draft e-participation guideline"), "{public}");
        assert!(public.contains("Riyadh time") && public.contains("AH"), "local time and the Hijri date");
        assert!(public.contains("fahad") && public.contains("noura"), "its organisers");
        let ar = server.get(&format!("/ar/workshops/{id}")).await.text().await.expect("html");
        assert!(ar.contains("ورشة عمل: مسودة دليل المشاركة الإلكترونية") && ar.contains("بتوقيت الرياض"));
        assert!(ar.contains("مناقشة البنود ١–٨"), "the agenda, line by line");
        // A text written in one language only is shown, with the mark just before it.
        let marked = |html: &str, note: &str, text: &str| {
            let html = html.replace("<!>", "");
            let at = html.find(text).expect("the text");
            html[..at].rfind(note).is_some_and(|n| at - n < 200)
        };
        assert!(marked(&ar, "غير متوفر بالعربية", "Agency representatives discuss"), "the description, marked");
        assert!(marked(&public, "Not available in English", "كلمة افتتاحية"), "the agenda, marked");
        let listing = server.get("/en/workshops").await.text().await.expect("html");
        assert!(listing.contains(&format!("/en/workshops/{id}\"")), "listed as upcoming");
        let section = server.get(&format!("/en/consultations/{GUIDELINE}")).await.text().await.expect("html");
        assert!(section.contains(&format!("/en/workshops/{id}\"")), "on the consultation's page");
        assert_eq!(server.get("/en/workshops/999999").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(server.get("/en/workshops/x.ics").await.status(), StatusCode::NOT_FOUND);

        // The calendar files.
        let res = server.get(&format!("/en/workshops/{id}.ics")).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()["content-type"].to_str().expect("type").starts_with("text/calendar"));
        let cal = parse_ics(&res.text().await.expect("ics"));
        assert_eq!(cal["zone"], "Asia/Riyadh");
        let event = &cal["events"][0];
        assert_eq!(event["start"], expected_start.format("%Y-%m-%dT%H:%M:%S+00:00").to_string());
        assert_eq!(event["end"], (expected_start + Duration::minutes(210)).format("%Y-%m-%dT%H:%M:%S+00:00").to_string());
        assert_eq!(event["summary"], "Workshop on the draft e-participation guideline");
        assert!(event["location"].as_str().expect("location").contains("القاعة الكبرى"));
        assert!(event["description"].as_str().expect("description").contains("09:00 Riyadh time"));
        assert!(event["url"].as_str().expect("url").ends_with(&format!("/en/workshops/{id}")));
        let ar = parse_ics(&server.get(&format!("/ar/workshops/{id}.ics")).await.text().await.expect("ics"));
        assert_eq!(ar["events"][0]["summary"], "ورشة عمل: مسودة دليل المشاركة الإلكترونية");
        let all = server.get(&format!("/en/consultations/{GUIDELINE}/workshops.ics")).await;
        assert_eq!(all.status(), StatusCode::OK);
        let all = parse_ics(&all.text().await.expect("ics"));
        assert_eq!(all["events"].as_array().map(Vec::len), Some(demo + 1));
        assert!(all["events"].as_array().is_some_and(|e| e.iter().any(|e| e["uid"] == event["uid"])), "one event, one UID in both files");

        // The read API: public fields only, documented.
        let api: Value = server.get(&format!("/api/v1/consultations/{GUIDELINE}/workshops")).await.json().await.expect("json");
        let item = api["workshops"].as_array().and_then(|w| w.iter().find(|w| w["id"] == id)).expect("listed");
        assert_eq!(item["title"]["en"], "Workshop on the draft e-participation guideline");
        assert_eq!(item["audience"], "open");
        assert_eq!(item["phase"], "registering");
        assert_eq!(item["time_zone"], "Asia/Riyadh");
        assert_eq!(item["starts_at"], expected_start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        assert_eq!(item["figures"]["capacity"], 2);
        assert!(item["figures"]["attended"].is_null() && item["minutes"].is_null());
        let one: Value = server.get(&format!("/api/v1/workshops/{id}")).await.json().await.expect("json");
        assert_eq!(one["workshop"]["ics_url"].as_str().map(|u| u.ends_with(&format!("/en/workshops/{id}.ics"))), Some(true));
        assert_eq!(server.get("/api/v1/workshops/0").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(server.get("/api/v1/consultations/no-such/workshops").await.status(), StatusCode::NOT_FOUND);
        let doc: Value = server.get("/api/openapi.json").await.json().await.expect("json");
        assert!(doc["paths"]["/api/v1/workshops/{id}"].is_object() && doc["paths"]["/api/v1/consultations/{slug}/workshops"].is_object());
        assert_eq!(doc["components"]["schemas"]["Audience"]["enum"], serde_json::json!(["open", "agency_representatives", "invitation"]));

        // Nobody else schedules: the agency's staff, another agency's organiser.
        for (email, secret) in [("staff@example.org", &s3), ("elsewhere@example.org", &s4)] {
            let client = signed_in_client(&server, email, secret).await;
            assert_eq!(client.get(server.url(NEW)).send().await.expect("get").status(), StatusCode::FORBIDDEN, "{email}");
            let csrf = csrf_of(&client, &server.url(&format!("/en/consultations/{GUIDELINE}"))).await;
            let mut fields = vec![("csrf", csrf.as_str())];
            fields.extend_from_slice(&form);
            let res = client.post(server.url(NEW)).form(&fields).send().await.expect("post");
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{email}");
        }
        let anonymous = client_from([127, 0, 0, 8]);
        assert_eq!(anonymous.get(server.url(NEW)).send().await.expect("get").status(), StatusCode::UNAUTHORIZED);
        assert_eq!(workshops::of_consultation(db, guideline.id).await.expect("q").len(), demo + 1);

        // Fahad, whom it names, changes it; another organiser of the agency may not.
        let fahad_client = signed_in_client(&server, "fahad@example.org", &s2).await;
        let edit = format!("/en/workshops/{id}/edit");
        let mut changed = form.clone();
        changed.retain(|(k, _)| *k != "capacity" && *k != "organiser");
        changed.push(("capacity", "3"));
        let noura_id = noura_id.to_string();
        changed.push(("organiser", noura_id.as_str()));
        let res = post_form(&server, &fahad_client, &edit, &changed).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap_or_default());
        let w = workshops::by_id(db, app::domain::WorkshopId(id)).await.expect("q").expect("w");
        assert_eq!(w.fields.capacity, 3);
        let names: Vec<String> = workshops::organisers(db, w.id).await.expect("q").into_iter().map(|o| o.display_name).collect();
        assert_eq!(names, ["fahad", "noura"]);
        let (_, s5) = person(db, "third@example.org", &[Role::Organiser(agency.id)], true).await;
        let third = signed_in_client(&server, "third@example.org", &s5).await;
        assert_eq!(third.get(server.url(&edit)).send().await.expect("get").status(), StatusCode::FORBIDDEN);
    }

    async fn three_register_for_two_places_and_the_third_moves_up(server, demo = true) {
        use app::domain::workshop::Audience;
        use app::ssr::mail::store::queued_for;
        let db = &server.test_db.db;
        let agency = agencies::by_slug(db, "digital-government-authority").await.expect("q").expect("agency");
        let (organiser, secret) = person(db, "org@example.org", &[Role::Organiser(agency.id)], true).await;
        let id = scheduled(db, &[organiser], 2, Audience::AgencyRepresentatives).await;
        let page = format!("/en/workshops/{id}");
        let mut clients = Vec::new();
        for who in ["amal", "badr", "chadi"] {
            let email = format!("{who}@example.org");
            let (_, s) = person(db, &email, &[], false).await;
            clients.push((email.clone(), signed_in_client(&server, &email, &s).await));
        }
        // Agency representatives give their agency and role.
        let (amal_email, amal) = &clients[0];
        let res = post_form(&server, amal, &page, &[("intent", "register"), ("org_name", ""), ("org_role", "")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.expect("html").contains("This field is required"));
        for (email, client) in &clients {
            let res = post_form(&server, client, &page, &[("intent", "register"), ("org_name", "هيئة الحكومة الرقمية"), ("org_role", "مدير إدارة")]).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{email}");
        }
        // Twice: refused, saying why.
        let res = post_form(&server, amal, &page, &[("intent", "register"), ("org_name", "x"), ("org_role", "y")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.expect("html").contains("You are already registered"));

        let amal_mail = queued_for(db, amal_email).await.expect("mail");
        let confirmed = amal_mail.iter().find(|m| m.subject.contains("is confirmed")).expect("confirmation");
        let ics = confirmed.attachment.as_ref().expect("the .ics attached");
        assert!(ics.content_type.starts_with("text/calendar"));
        assert_eq!(parse_ics(&ics.body)["events"][0]["summary"], "Agencies' workshop");
        let code = confirmed.text_body.split("check-in code is ").nth(1).expect("code").chars().take(6).collect::<String>();
        let chadi_mail = queued_for(db, &clients[2].0).await.expect("mail");
        assert!(subjects(&chadi_mail).iter().any(|s| s.contains("waiting list")), "{:?}", subjects(&chadi_mail));
        let html = text_of(&clients[2].1, server.url(&page)).await;
        assert!(html.contains("You are number 1 on the waiting list"), "the waiting one sees their place");

        // Badr gives his place up: Chadi moves up and is told, with the calendar entry.
        let res = post_form(&server, &clients[1].1, &page, &[("intent", "cancel")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(subjects(&queued_for(db, &clients[1].0).await.expect("mail")).iter().any(|s| s.contains("is cancelled")));
        let chadi_mail = queued_for(db, &clients[2].0).await.expect("mail");
        let promoted = chadi_mail.iter().find(|m| m.subject.contains("is now yours")).expect("promotion mail");
        assert!(promoted.attachment.is_some());
        assert!(text_of(&clients[2].1, server.url(&page)).await.contains("You have a place."));

        // Only its organisers check in; by code (as typed at the door) and from the list.
        let manage = format!("/en/workshops/{id}/manage");
        let csrf = csrf_of(amal, &server.url(&page)).await;
        let res = amal.post(server.url(&manage)).form(&[("csrf", csrf.as_str()), ("intent", "check_in_code"), ("code", code.as_str())]).send().await.expect("post");
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(amal.get(server.url(&manage)).send().await.expect("get").status(), StatusCode::FORBIDDEN);
        assert_eq!(amal.get(server.url(&format!("{page}/participants.csv"))).send().await.expect("get").status(), StatusCode::FORBIDDEN);
        let org = signed_in_client(&server, "org@example.org", &secret).await;
        let typed = format!(" {}-{} ", code[..3].to_lowercase(), &code[3..]);
        let res = post_form(&server, &org, &manage, &[("intent", "check_in_code"), ("code", &typed)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = post_form(&server, &org, &manage, &[("intent", "check_in_code"), ("code", "ZZZZZZ")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.expect("html").contains("No place at this workshop has this code."));
        let list = workshops::registrations::list(db, id).await.expect("list");
        let chadi = list.iter().find(|r| r.name == "chadi").expect("chadi");
        let res = post_form(&server, &org, &manage, &[("intent", "check_in"), ("registration", &chadi.id.to_string())]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        // A walk-in, by name.
        let res = post_form(&server, &org, &manage, &[("intent", "walk_in"), ("walk_in_name", "=HYPERLINK(\"x\")"), ("org_name", "جمعية"), ("org_kind", "ngo")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let counts = workshops::registrations::counts(db, id).await.expect("counts");
        assert_eq!((counts.confirmed, counts.waitlisted, counts.attended), (3, 0, 3));
        let csv = text_of(&org, server.url(&format!("{page}/participants.csv"))).await;
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("name,organisation,attended"));
        assert!(csv.contains("amal,هيئة الحكومة الرقمية,yes") && csv.contains("chadi,"), "{csv}");
        assert!(!csv.contains("badr") && !csv.contains("@"), "no one who left, no addresses: {csv}");
        assert!(csv.contains("'=HYPERLINK"), "a formula stays text: {csv}");
        let html = text_of(&org, server.url(&manage)).await;
        assert!(html.contains("amal") && html.contains("chadi"));

        // Minutes wait for the workshop to begin; then they are published, sanitised.
        let minutes = "## الخلاصة\n\n- اتُّفق على نشر المؤشرات كل ستة أشهر.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>";
        let res = post_form(&server, &org, &manage, &[("intent", "minutes"), ("minutes_ar", minutes)]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.expect("html").contains("once the workshop has begun"));
        let mut tx = db.begin().await.expect("tx");
        let mut w = workshops::by_id(db, id).await.expect("q").expect("w");
        w.fields.registration_closes_at = Utc::now() - Duration::hours(3);
        w.fields.starts_at = Utc::now() - Duration::hours(2);
        w.fields.ends_at = Utc::now() - Duration::hours(1);
        workshops::update(&mut tx, id, &w.fields, Utc::now()).await.expect("moved to the past");
        tx.commit().await.expect("commit");
        let res = post_form(&server, &org, &manage, &[("intent", "minutes"), ("minutes_ar", minutes)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let public = server.get(&format!("/ar/workshops/{id}")).await.text().await.expect("html");
        assert!(public.contains("اتُّفق على نشر المؤشرات كل ستة أشهر."), "the minutes on the page");
        for bad in ["<script>alert(1)", "href=\"javascript:", "onerror", "<img"] {
            let at = public.find(bad).map(|i| &public[i.saturating_sub(200)..(i + 100).min(public.len())]);
            assert!(at.is_none(), "sanitised: {at:?}");
        }
        assert!(public.contains("data-figure=\"attended\">3<"), "attendance figures");
        let en = server.get(&format!("/en/workshops/{id}")).await.text().await.expect("html");
        assert!(en.contains("lang=\"ar\" dir=\"rtl\""), "Arabic minutes marked as such on the English page");
        let audit = app::ssr::admin::store::audit::recent(db, None, 50).await.expect("audit");
        assert!(audit.iter().any(|e| e.action == "workshop.minutes"));
    }

    async fn invitations_work_once_for_their_address(server, demo = true) {
        use app::domain::workshop::Audience;
        use app::ssr::mail::store::queued_for;
        let db = &server.test_db.db;
        let agency = agencies::by_slug(db, "digital-government-authority").await.expect("q").expect("agency");
        let (organiser, secret) = person(db, "org@example.org", &[Role::Organiser(agency.id)], true).await;
        let id = scheduled(db, &[organiser], 10, Audience::Invitation).await;
        let page = format!("/en/workshops/{id}");
        let org = signed_in_client(&server, "org@example.org", &secret).await;
        let manage = format!("/en/workshops/{id}/manage");
        let res = post_form(&server, &org, &manage, &[("intent", "invite"), ("emails", "huda@example.org\nnot an address")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let res = post_form(&server, &org, &manage, &[("intent", "invite"), ("emails", "huda@example.org, Omar@Example.org")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let invite = queued_for(db, "huda@example.org").await.expect("mail").into_iter().find(|m| m.subject.contains("invited")).expect("invitation");
        let link = invite.text_body.split_whitespace().find(|w| w.contains("invitation=")).expect("link").to_owned();
        let token = link.split("invitation=").nth(1).expect("token").to_owned();
        let (_, hs) = person(db, "huda@example.org", &[], false).await;
        let (_, os) = person(db, "omar@example.org", &[], false).await;
        let huda = signed_in_client(&server, "huda@example.org", &hs).await;
        let omar = signed_in_client(&server, "omar@example.org", &os).await;
        // Without the invitation, or with Huda's as Omar: refused.
        let res = post_form(&server, &huda, &page, &[("intent", "register")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.expect("html").contains("by invitation only"));
        let res = post_form(&server, &omar, &page, &[("intent", "register"), ("invitation", &token)]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // That try used nothing: the invitation is Huda's, once.
        let res = post_form(&server, &huda, &format!("{page}?invitation={token}"), &[("intent", "register"), ("invitation", &token)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap_or_default());
        let res = post_form(&server, &huda, &page, &[("intent", "cancel")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = post_form(&server, &huda, &page, &[("intent", "register"), ("invitation", &token)]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a link registers once");
        assert!(res.text().await.expect("html").contains("has been used"));
    }

    async fn organisers_enter_what_was_said_one_by_one_or_a_whole_sheet(server, demo = true) {
        use app::domain::contribution::{Attribution, Channel};
        use app::domain::workshop::Audience;
        use app::ssr::contributions::store as contributions;
        let db = &server.test_db.db;
        let agency = agencies::by_slug(db, "digital-government-authority").await.expect("q").expect("agency");
        let (organiser, secret) = person(db, "org@example.org", &[Role::Organiser(agency.id)], true).await;
        let (_, other_secret) = person(db, "other-org@example.org", &[Role::Organiser(agency.id)], true).await;
        let ahead = scheduled(db, &[organiser], 20, Audience::Open).await;
        let id = starting(db, &[organiser], 20, Audience::Open, -Duration::hours(2)).await;
        let org = signed_in_client(&server, "org@example.org", &secret).await;
        let manage = format!("/en/workshops/{id}/manage");
        let guideline = consultations::by_slug(db, GUIDELINE).await.expect("q").expect("c");
        let count = || async { contributions::count_of_workshop(db, id).await.expect("count") };

        // Not before it has begun.
        let one = [("intent", "contribution"), ("clause", ""), ("speaker", "group"), ("text", "نقترح نشر محاضر الورش خلال أسبوع")];
        let res = post_form(&server, &org, &format!("/en/workshops/{ahead}/manage"), &one).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.expect("html").contains("can be entered once"));

        // A name without the person's consent is refused, saying why; nothing is stored.
        let res = post_form(&server, &org, &manage, &[("intent", "contribution"), ("speaker", "person"), ("name", "ليلى"), ("text", "رأي مهم في البند")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.expect("html");
        assert!(html.contains("only with the person&#x27;s consent") || html.contains("only with the person's consent"), "{html}");
        assert!(html.contains("رأي مهم في البند"), "what was typed comes back");
        assert_eq!(count().await, 0);

        // The group's feedback on clause 2, by its number.
        let res = post_form(&server, &org, &manage, &[("intent", "contribution"), ("clause", "2"), ("speaker", "group"), ("text", "نقترح نشر محاضر الورش خلال أسبوع")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap_or_default());
        assert_eq!(count().await, 1);
        let stored = contributions::of_consultation(db, guideline.id).await.expect("q");
        let group = stored.iter().find(|x| x.received.as_ref().is_some_and(|r| r.workshop == Some(id))).expect("entered");
        assert_eq!(group.channel, Channel::Workshop);
        assert_eq!(group.clause_number, Some(2));
        let receipt = group.received.as_ref().expect("receipt");
        assert_eq!(receipt.attribution, Attribution::Group);
        assert_eq!(receipt.entered_by, Some(organiser));
        let audit = app::ssr::admin::store::audit::recent(db, None, 50).await.expect("audit");
        assert!(audit.iter().any(|e| e.action == "contribution.enter" && e.target == format!("contribution:{}", group.id)));

        // Another organiser of the agency whom the workshop does not name, and a citizen: refused.
        let other = signed_in_client(&server, "other-org@example.org", &other_secret).await;
        assert_eq!(post_form(&server, &other, &manage, &one).await.status(), StatusCode::FORBIDDEN);
        // A workshop that names nobody (the demo's, imported) is run by the agency's organisers.
        let imported = workshops::of_consultation(db, guideline.id).await.expect("q").into_iter()
            .find(|w| w.external_id.as_deref() == Some("demo-guideline-ws-agencies")).expect("demo workshop");
        let imported_manage = format!("/en/workshops/{}/manage", imported.id);
        assert_eq!(other.get(server.url(&imported_manage)).send().await.expect("get").status(), StatusCode::OK);
        assert_eq!(post_sheet(&server, &other, &manage, b"speaker,text\ngroup,x y\n").await.status(), StatusCode::FORBIDDEN);
        let (_, citizen_secret) = person(db, "citizen@example.org", &[], false).await;
        let citizen = signed_in_client(&server, "citizen@example.org", &citizen_secret).await;
        let csrf = csrf_of(&citizen, &server.url(&format!("/en/workshops/{id}"))).await;
        let res = citizen.post(server.url(&manage)).form(&[("csrf", csrf.as_str()), ("intent", "contribution"), ("speaker", "group"), ("text", "x y z")]).send().await.expect("post");
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(count().await, 1);

        // A five-row sheet with one bad row: nothing is imported, and that row is named.
        let bad = "\u{feff}clause,speaker,name,consent,organisation,organisation_kind,text\n\
                   1,person,سارة القحطاني,yes,,,نقترح تعريفًا أوضح للمشاركة الإلكترونية\n\
                   3,organisation,,no,جمعية المكفوفين,ngo,يجب أن تكون المنصة متاحة لقارئات الشاشة\n\
                   ,somebody,,,,,Please publish the workshop minutes within a week\n\
                   2,person,,no,,,\"أقترح مهلة أطول للتعليق\nمع تذكير قبل الإغلاق\"\n\
                   ,group,,,,,The group asks for an Arabic-first interface\n";
        let res = post_sheet(&server, &org, &manage, bad.as_bytes()).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.expect("html");
        assert!(html.contains("Nothing was imported"), "{html}");
        assert!(html.contains("Line 4, column “speaker”"), "the bad row, named: {html}");
        assert_eq!(html.matches("data-line=").count(), 1, "only that row");
        assert_eq!(count().await, 1);

        // Fixed: five contributions, Arabic intact, the quoted two-line text whole.
        let fixed = bad.replace(",somebody,", ",person,");
        let res = post_sheet(&server, &org, &manage, fixed.as_bytes()).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap_or_default());
        assert_eq!(count().await, 6);
        let stored = contributions::of_consultation(db, guideline.id).await.expect("q");
        let at_workshop: Vec<_> = stored.iter().filter(|x| x.channel == Channel::Workshop && x.received.as_ref().is_some_and(|r| r.workshop == Some(id))).collect();
        assert_eq!(at_workshop.len(), 6);
        assert!(at_workshop.iter().any(|x| x.body == "أقترح مهلة أطول للتعليق\nمع تذكير قبل الإغلاق"));
        let sara = at_workshop.iter().find(|x| x.author_name == "سارة القحطاني").expect("named with consent");
        assert_eq!(sara.received.as_ref().map(|r| r.attribution), Some(Attribution::Named));
        let blind = at_workshop.iter().find(|x| x.body.contains("قارئات الشاشة")).expect("organisation");
        assert!(matches!(&blind.speaker, app::domain::contribution::Speaker::Organisation { name, .. } if name == "جمعية المكفوفين"));
        assert_eq!(blind.author_name, "", "its speaker did not agree to be named");

        // The same sheet again: every row was entered before.
        let res = post_sheet(&server, &org, &manage, fixed.as_bytes()).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.text().await.expect("html").matches("data-line=").count(), 5);
        assert_eq!(count().await, 6);
        // A file that is not UTF-8 is named as such.
        let res = post_sheet(&server, &org, &manage, b"speaker,text\nperson,caf\xe9\n").await;
        assert!(res.text().await.expect("html").contains("CSV UTF-8"));

        // The public reads them like any other, with who said them as agreed.
        let page = server.get(&format!("/en/consultations/{GUIDELINE}?sort=newest")).await.text().await.expect("html");
        assert!(page.contains("Group feedback") && page.contains("A member of the public") && page.contains("سارة القحطاني"), "{page}");
        assert!(page.contains(&format!("href=\"/en/workshops/{id}\"")), "linked to the workshop");
        let api: Value = server.get(&format!("/api/v1/contributions/{}", sara.id)).await.json().await.expect("json");
        assert_eq!(api["contribution"]["channel"], "workshop");
        assert_eq!(api["contribution"]["received"]["workshop_id"], id.0);
        assert_eq!(api["contribution"]["received"]["attribution"], "named");
        // Searchable, with the workshop as their channel; counted on the impact page.
        let minutes = at_workshop.iter().find(|x| x.body.starts_with("Please publish")).expect("row 4").id.0;
        let server = &server;
        eventually(std::time::Duration::from_secs(5), || async move {
            let found: Value = server.get("/api/v1/search?q=workshop+minutes+week&channel=workshop").await.json().await.expect("json");
            found["hits"].as_array().is_some_and(|h| h.iter().any(|h| h["id"] == minutes))
        }).await;
        let impact = server.get(&format!("/en/consultations/{GUIDELINE}/impact")).await.text().await.expect("html");
        assert!(impact.contains("data-channel=\"workshop\""), "the workshop's share");
        let manage_page = text_of(&org, server.url(&manage)).await;
        assert!(manage_page.contains("Contributions entered: 6"));
    }
}
