//! The policy-impact record over HTTP, on SQLite and PostgreSQL: the editor cites the
//! responses behind a new version's changes and their authors are told; a contributor's
//! profile shows what changed policy; a concluded consultation's final report; the Atom
//! feeds, read back with an Atom parser.

use app::domain::authz::Role;
use app::domain::contribution::{Channel, Speaker};
use app::domain::ContributionId;
use app::ssr::agencies::store as agencies;
use app::ssr::consultations::publishing::current_input;
use app::ssr::consultations::store as consultations;
use app::ssr::contributions::store as contributions;
use app::ssr::db::testing::TestDb;
use app::ssr::mail::store as mail_outbox;
use app::ssr::notifications::service as notifying;
use app::ssr::responses::store as responses;
use atom_syndication::Feed;
use chrono::{Duration, Utc};
use reqwest::StatusCode;

use crate::common::*;

const GUIDELINE: &str = "e-participation-guideline";
const QUEUE: &str = "/en/consultations/e-participation-guideline/responses";
const EDITOR: &str = "/en/consultations/e-participation-guideline/edit";
const CONCLUDED: &str = "street-vendors-regulation";

/// A contribution by `author` on clause `key` of the guideline's latest version.
async fn contribute(
    server: &TestServer,
    author: app::domain::UserId,
    key: &app::domain::ClauseKey,
    body: &str,
) -> ContributionId {
    let db = &server.test_db.db;
    let c = consultations::by_slug(db, GUIDELINE)
        .await
        .expect("q")
        .expect("c");
    let latest = consultations::versions(db, c.id).await.expect("versions");
    let latest = latest.last().expect("a version");
    contributions::insert(
        db,
        &contributions::NewContribution {
            consultation_id: c.id,
            version_id: latest.id,
            clause_key: Some(key.clone()),
            parent_id: None,
            author,
            speaker: Speaker::Individual,
            body: body.to_owned(),
            body_hash: format!("{:0>64}", body.len()),
            channel: Channel::Online,
            external_id: None,
            received: None,
        },
        Utc::now(),
    )
    .await
    .expect("contribution")
}

fn read_feed(xml: &str) -> Feed {
    let feed = Feed::read_from(xml.as_bytes()).expect("an Atom feed");
    // What RFC 4287 requires of a feed and of each entry (4.1.1, 4.1.2): an id, a
    // title, when it was updated, an author for each entry (its own or the feed's).
    assert!(!feed.id.is_empty() && !feed.title.value.is_empty(), "{xml}");
    assert!(feed.links.iter().any(|l| l.rel == "self"), "a self link");
    for e in &feed.entries {
        assert!(!e.id.is_empty() && !e.title.value.is_empty(), "{e:?}");
        assert!(!e.authors.is_empty() || !feed.authors.is_empty(), "{e:?}");
        assert!(
            e.links
                .iter()
                .any(|l| l.rel == "alternate" && l.href.starts_with("http")),
            "{e:?}"
        );
        assert!(
            e.updated <= feed.updated,
            "the feed is as new as its newest entry"
        );
    }
    feed
}

http_tests! {
    async fn the_editor_cites_the_responses_behind_a_new_version_and_their_authors_hear_of_it(server, demo = true) {
        let db = &server.test_db.db;
        let agency = agencies::by_slug(db, "digital-government-authority").await.expect("q").expect("agency");
        let (_, secret) = person(db, "staff@example.org", &[Role::AgencyStaff(agency.id)], true).await;
        let staff = signed_in_client(&server, "staff@example.org", &secret).await;
        let (huda, _) = person(db, "huda@example.org", &[], false).await;
        let (_, citizen_secret) = person(db, "citizen@example.org", &[], false).await;
        let citizen = signed_in_client(&server, "citizen@example.org", &citizen_secret).await;

        // Huda comments on a numbered clause of the latest version; it is accepted.
        let c = consultations::by_slug(db, GUIDELINE).await.expect("q").expect("c");
        let versions = consultations::versions(db, c.id).await.expect("versions");
        let latest = versions.last().expect("v").clone();
        let clauses = consultations::clauses(db, latest.id).await.expect("clauses");
        let clause = clauses.iter().find(|cl| cl.number.is_some() && cl.text.en.is_some()).expect("a numbered clause").clone();
        let number = clause.number.expect("n");
        let e = contribute(&server, huda, &clause.key, "Publish each agency's answer times every quarter.").await;
        let refused = contribute(&server, huda, &clause.key, "Abolish the comment period altogether.").await;
        let (se, sr) = (e.to_string(), refused.to_string());
        let res = post_form(&server, &staff, QUEUE, &[("intent", "respond"), ("member", &se), ("outcome", "accepted"), ("reasons_en", "The draft now sets a quarterly report.")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = post_form(&server, &staff, QUEUE, &[("intent", "respond"), ("member", &sr), ("outcome", "not_adopted"), ("reasons_en", "The period is required by law.")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let accepted = responses::of_contributions(db, &[e]).await.expect("q")[0].response.id;
        let not_adopted = responses::of_contributions(db, &[refused]).await.expect("q")[0].response.id;

        // The next version, saved in the editor: on to the citations.
        let mut fields = current_input(db, &c).await.expect("input").fields();
        let en = clause.text.en.clone().expect("english");
        let draft = fields.get("draft_en").cloned().unwrap_or_default();
        assert!(draft.contains(&en), "the clause in the editor's draft");
        fields.insert("draft_en".into(), draft.replace(&en, &format!("{en} Each agency reports its answer times every quarter.")));
        fields.insert("change_note_en".into(), "Quarterly reports of answer times.".into());
        let mut form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        form.push(("intent", "save"));
        let res = post_form(&server, &staff, EDITOR, &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), format!("{EDITOR}#cite"));
        let next = latest.number + 1;
        let html = text_of(&staff, server.url(EDITOR)).await;
        assert!(html.contains("Contributions behind this version"), "the citation step");
        let pair = format!("{accepted}:{}", clause.key);
        assert!(html.contains(&format!("value=\"{pair}\"")), "the accepted response is offered for the changed clause");
        assert!(!html.contains(&format!("value=\"{not_adopted}:")), "a response not adopted is not");

        // Nobody else cites; nothing unknown is cited; nothing is written then.
        let res = post_form(&server, &citizen, EDITOR, &[("intent", "cite"), ("cite", &pair)]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let wrong = format!("{not_adopted}:{}", clause.key);
        let res = post_form(&server, &staff, EDITOR, &[("intent", "cite"), ("cite", &wrong)]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let res = post_form(&server, &staff, EDITOR, &[("intent", "cite"), ("cite", "seven")]).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(responses::of_contributions(db, &[e]).await.expect("q")[0].response.changes.is_empty(), "nothing written");

        let res = post_form(&server, &staff, EDITOR, &[("intent", "cite"), ("cite", &pair)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), format!("{EDITOR}#cite"));
        let changes = responses::of_contributions(db, &[e]).await.expect("q")[0].response.changes.clone();
        assert_eq!(changes.len(), 1);
        assert_eq!((changes[0].version, changes[0].clause_key.clone()), (next, Some(clause.key.clone())));
        let json: serde_json::Value = server.get(&format!("/api/v1/contributions/{e}")).await.json().await.expect("json");
        assert_eq!(json["contribution"]["response"]["changes"][0]["version"], next);
        // The author is told, once, in their language, with the link to the change.
        let told = |mails: Vec<mail_outbox::NewMail>| mails.into_iter().filter(|m| m.subject.contains("changed the draft")).collect::<Vec<_>>();
        let mails = told(mail_outbox::queued_for(db, "huda@example.org").await.expect("outbox"));
        assert_eq!(mails.len(), 1, "{mails:?}");
        assert!(mails[0].text_body.contains(&format!("clause {number} in version {next}")), "{}", mails[0].text_body);
        assert!(mails[0].text_body.contains(&format!("/diff?from={}&to={next}#diff-{}", next - 1, clause.key)), "{}", mails[0].text_body);
        assert!(mails[0].headers.contains_key("List-Unsubscribe"));
        let res = post_form(&server, &staff, EDITOR, &[("intent", "cite"), ("cite", &pair)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(told(mail_outbox::queued_for(db, "huda@example.org").await.expect("outbox")).len(), 1, "told once");
        let audit = app::ssr::admin::store::audit::recent(db, None, 20).await.expect("audit");
        assert!(audit.iter().any(|a| a.action == "consultation.version_cite"));

        // The diff shows it beside the clause; Huda's profile says what changed policy.
        let diff = text_of(&server.client, server.url(&format!("/en/consultations/{GUIDELINE}/diff?from={}&to={next}", next - 1))).await;
        assert!(diff.contains("Changed in response to") && diff.contains(&format!("#contribution-{e}")), "the diff");
        let profile = text_of(&server.client, server.url(&format!("/en/people/{}", huda.0))).await;
        assert!(profile.contains("Publish each agency's answer times every quarter."), "the contribution");
        assert!(profile.contains("Changed the draft"), "what changed policy");
        assert!(profile.contains("The period is required by law."), "the answers, the refused one too");
        let thread = text_of(&server.client, server.url(&format!("/en/consultations/{GUIDELINE}"))).await;
        assert!(thread.contains(&format!("/en/people/{}", huda.0)), "names link to profiles");
        for missing in ["/en/people/999999", "/ar/people/0", "/en/people/x"] {
            assert_eq!(server.get(missing).await.status(), StatusCode::NOT_FOUND, "{missing}");
        }
    }

    async fn a_concluded_consultation_has_its_final_report_and_followers_hear_of_it(server, demo = true) {
        let db = &server.test_db.db;
        let res = server.get(&format!("/en/consultations/{CONCLUDED}/report")).await;
        assert_eq!(res.status(), StatusCode::OK);
        let report = res.text().await.expect("html");
        for part in ["Final report", "Who took part", "By channel", "How the agency answered", "How the draft changed, and why"] {
            assert!(report.contains(part), "{part}");
        }
        let c = consultations::by_slug(db, CONCLUDED).await.expect("q").expect("c");
        let p = contributions::participation(db, c.id).await.expect("participation");
        let published: Vec<_> = contributions::of_consultation(db, c.id).await.expect("list").into_iter()
            .filter(|x| x.status == app::domain::contribution::ContributionStatus::Published).collect();
        assert_eq!(p.contributions, published.len() as i64, "counted from the rows");
        assert_eq!(p.replies, published.iter().filter(|x| x.parent_id.is_some()).count() as i64);
        let shares = contributions::channel_shares(db, c.id, p.contributions).await.expect("shares");
        let mut by_channel: Vec<(app::domain::contribution::Channel, i64)> = Vec::new();
        for x in &published {
            match by_channel.iter_mut().find(|(ch, _)| *ch == x.channel) {
                Some((_, n)) => *n += 1,
                None => by_channel.push((x.channel, 1)),
            }
        }
        by_channel.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.as_str().cmp(b.0.as_str())));
        assert_eq!(shares, by_channel, "each channel counted as the rows say");
        let arabic = text_of(&server.client, server.url(&format!("/ar/consultations/{CONCLUDED}/report"))).await;
        assert!(arabic.contains("التقرير الختامي") && arabic.contains("dir=\"rtl\""));
        // Not concluded: no report yet, said so.
        let res = server.get(&format!("/en/consultations/{GUIDELINE}/report")).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert!(res.text().await.expect("html").contains("published when the agency concludes"));

        // A follower hears of it once, within a week of the conclusion.
        let (amal, amal_secret) = person(db, "amal@example.org", &[], false).await;
        let client = signed_in_client(&server, "amal@example.org", &amal_secret).await;
        let page = format!("/en/consultations/{CONCLUDED}");
        post_form(&server, &client, &page, &[("intent", "follow")]).await;
        assert!(app::ssr::notifications::store::follows::is_following(db, amal, c.id).await.expect("q"));
        let url = server.url("");
        let concluded = c.concluded_at.expect("concluded");
        let reports = || async {
            mail_outbox::queued_for(db, "amal@example.org").await.expect("outbox")
                .into_iter().filter(|m| m.subject.contains("final report")).collect::<Vec<_>>()
        };
        notifying::tell_followers(db, &url, concluded + Duration::days(8)).await.expect("tell");
        assert!(reports().await.is_empty(), "too late to be news");
        notifying::tell_followers(db, &url, concluded + Duration::days(1)).await.expect("tell");
        notifying::tell_followers(db, &url, concluded + Duration::days(2)).await.expect("tell");
        let mails = reports().await;
        assert_eq!(mails.len(), 1, "told once");
        assert!(mails[0].text_body.contains(&format!("/en/consultations/{CONCLUDED}/report")), "{}", mails[0].text_body);
    }

    async fn the_atom_feeds_read_back_as_atom(server, demo = true) {
        let db = &server.test_db.db;
        for lang in ["en", "ar"] {
            let res = server.get(&format!("/{lang}/feeds/consultations.atom")).await;
            assert_eq!(res.status(), StatusCode::OK);
            assert!(res.headers()["content-type"].to_str().unwrap_or_default().starts_with("application/atom+xml"));
            let feed = read_feed(&res.text().await.expect("xml"));
            assert_eq!(feed.lang.as_deref(), Some(lang));
            let list: serde_json::Value = server.get("/api/v1/consultations?per_page=100").await.json().await.expect("json");
            assert_eq!(feed.entries.len(), list["items"].as_array().map(Vec::len).unwrap_or_default(), "every public one");
            assert!(feed.entries.iter().any(|e| e.links[0].href.ends_with(&format!("/{lang}/consultations/{GUIDELINE}"))));
        }
        let feed = read_feed(&server.get("/ar/feeds/consultations.atom").await.text().await.expect("xml"));
        assert!(feed.entries.iter().any(|e| e.title.value.contains("دليل")), "Arabic titles");

        // A response whose reasons look like markup comes back as the same text.
        let agency = agencies::by_slug(db, "digital-government-authority").await.expect("q").expect("agency");
        let (_, secret) = person(db, "staff@example.org", &[Role::AgencyStaff(agency.id)], true).await;
        let staff = signed_in_client(&server, "staff@example.org", &secret).await;
        let c = consultations::by_slug(db, GUIDELINE).await.expect("q").expect("c");
        let unanswered = contributions::of_consultation(db, c.id).await.expect("list").into_iter()
            .find(|x| x.parent_id.is_none() && x.status == app::domain::contribution::ContributionStatus::Published)
            .map(|x| x.id).expect("one");
        let ids: Vec<_> = contributions::of_consultation(db, c.id).await.expect("list").iter().map(|x| x.id).collect();
        let answered: Vec<_> = responses::of_contributions(db, &ids).await.expect("q").iter().map(|a| a.contribution_id).collect();
        let open = ids.into_iter().find(|id| !answered.contains(id)).unwrap_or(unanswered);
        let hostile = "Not <b>adopted</b> & \"never\" ]]> <script>alert(1)</script>";
        let so = open.to_string();
        let res = post_form(&server, &staff, QUEUE, &[("intent", "respond"), ("member", &so), ("outcome", "not_adopted"), ("reasons_en", hostile)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);

        let res = server.get(&format!("/en/consultations/{GUIDELINE}/feed.atom")).await;
        assert_eq!(res.status(), StatusCode::OK);
        let xml = res.text().await.expect("xml");
        assert!(!xml.contains("<script>"), "escaped");
        let feed = read_feed(&xml);
        let latest = &feed.entries[0];
        assert_eq!(latest.content.as_ref().and_then(|c| c.value.as_deref()), Some(hostile), "the same text back");
        assert!(latest.links[0].href.ends_with(&format!("#contribution-{open}")), "{:?}", latest.links);
        let versions = consultations::versions(db, c.id).await.expect("versions");
        assert!(feed.entries.iter().any(|e| e.title.value.contains(&format!("Version {}", versions.len()))), "the versions");
        let mut ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), feed.entries.len(), "ids are unique");
        assert_eq!(server.get("/en/consultations/no-such-thing/feed.atom").await.status(), StatusCode::NOT_FOUND);
        let page = text_of(&server.client, server.url(&format!("/en/consultations/{GUIDELINE}"))).await;
        assert!(page.contains("application/atom+xml") && page.contains("/feed.atom"), "announced on the page");
    }

    async fn an_agency_admin_publishes_the_response_target(server, demo = true) {
        let db = &server.test_db.db;
        let agency = agencies::by_slug(db, "digital-government-authority").await.expect("q").expect("agency");
        let (_, secret) = person(db, "head@example.org", &[Role::AgencyAdmin(agency.id)], true).await;
        let head = signed_in_client(&server, "head@example.org", &secret).await;
        let (_, staff_secret) = person(db, "staff@example.org", &[Role::AgencyStaff(agency.id)], true).await;
        let staff = signed_in_client(&server, "staff@example.org", &staff_secret).await;
        let page = "/en/agencies/digital-government-authority/staff";
        for typed in ["0", "366", "twenty", "4.5", ""] {
            let res = post_form(&server, &head, page, &[("intent", "target"), ("target_days", typed)]).await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{typed:?}");
            assert!(res.text().await.expect("html").contains("from 1 to 365"), "{typed:?}");
        }
        let res = post_form(&server, &staff, page, &[("intent", "target"), ("target_days", "10")]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "staff do not set the promise");
        assert_eq!(agencies::by_slug(db, "digital-government-authority").await.expect("q").expect("a").response_target_days, 30);
        // Arabic-Indic digits as typed on an Arabic keyboard.
        let res = post_form(&server, &head, page, &[("intent", "target"), ("target_days", "٤٥")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(agencies::by_slug(db, "digital-government-authority").await.expect("q").expect("a").response_target_days, 45);
        let public = text_of(&server.client, server.url("/en/agencies/digital-government-authority")).await;
        // The count and its noun are separate text nodes, with the renderer's markers.
        let words: String = public.split("<!").map(|part| part.split_once('>').map_or(part, |(_, rest)| rest)).collect();
        assert!(words.contains("within 45 days"), "published");
        let audit = app::ssr::admin::store::audit::recent(db, None, 5).await.expect("audit");
        assert!(audit.iter().any(|a| a.action == "agency.response_target"));
        // The exchange file carries it.
        let out = app::ssr::exchange::export(db, GUIDELINE, Utc::now()).await.expect("export").expect("c");
        assert_eq!(out.agencies[0].response_target_days, Some(45));
    }
}
