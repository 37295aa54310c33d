//! Import and export against real SQLite and PostgreSQL: idempotent, all-or-nothing,
//! and published versions never change.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::domain::contribution::{Channel, ContributionStatus, ReportCategory, Speaker};
use crate::domain::response::Outcome;
use crate::domain::ConsultationStatus;
use crate::ssr::consultations::store as consultations;
use crate::ssr::contributions::store as contributions;
use crate::ssr::contributions::store::NewContribution;
use crate::ssr::db::Db;
use crate::ssr::exchange;
use crate::ssr::exchange::ImportError;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
        .single()
        .expect("valid time")
}

/// Rows in every table an import writes.
async fn counts(db: &Db) -> Vec<i64> {
    let mut out = Vec::new();
    for table in [
        "agencies",
        "topics",
        "consultations",
        "consultation_topics",
        "consultation_versions",
        "clauses",
        "contributions",
        "agency_responses",
        "response_members",
        "response_revisions",
        "response_citations",
        "workshops",
        "workshop_reported_figures",
        "users",
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let n: i64 = crate::ssr::db::with_pool!(db, pool =>
            sqlx::query_scalar(&sql).fetch_one(pool).await)
        .expect("count");
        out.push(n);
    }
    out
}

/// Spoils the contributions (or responses) of a consultation in a file.
type Breaks = fn(&mut serde_json::Value);

/// Each case spoils the demo's responses of its concluded consultation; the import is
/// refused naming the place, and nothing is written.
async fn refused_at(db: &Db, cases: &[(&str, Breaks, &str)]) {
    for (what, breaks, place) in cases {
        let mut json: serde_json::Value =
            serde_json::from_str(crate::ssr::exchange::demo::DEMO_JSON).expect("json");
        breaks(&mut json["consultations"][4]["responses"]);
        let doc = exchange::parse(&json.to_string()).expect("well-formed JSON");
        let err = exchange::import(db, &doc, t0()).await.expect_err(what);
        assert!(
            err.to_string()
                .starts_with(&format!("consultations[4].{place}")),
            "{what}: {err}"
        );
    }
    assert_eq!(counts(db).await, vec![0; 14]);
}

fn demo() -> exchange::Document {
    exchange::parse(crate::ssr::exchange::demo::DEMO_JSON).expect("demo parses")
}

crate::store_tests! {
    async fn importing_the_demo_twice_changes_nothing(db) {
        let first = exchange::import(db, &demo(), t0()).await.expect("first import");
        let after_first = counts(db).await;
        assert!(after_first.iter().all(|n| *n > 0), "{after_first:?}");
        let second = exchange::import(db, &demo(), t0() + Duration::hours(1)).await.expect("again");
        assert_eq!(counts(db).await, after_first);
        assert_eq!(second.versions_written, 0, "published versions are left as they are");
        assert_eq!(second.versions_unchanged, first.versions_written);
        let doc = demo();
        let contributions: usize = doc.consultations.iter().map(|c| c.contributions.len()).sum();
        let responses: usize = doc.consultations.iter().map(|c| c.responses.len()).sum();
        assert!(contributions > 200, "the demo's open consultations have been talked about");
        assert_eq!((first.contributions_written, second.contributions_written), (contributions, 0));
        assert_eq!(second.contributions_unchanged, contributions);
        assert_eq!((first.responses_written, second.responses_written), (responses, responses), "replaced by the same");
        let revisions: i64 = crate::ssr::db::with_pool!(db, pool =>
            sqlx::query_scalar("SELECT COUNT(*) FROM response_revisions").fetch_one(pool).await)
        .expect("count");
        assert_eq!(revisions, responses as i64, "the same file again writes no revision");
    }

    async fn responses_say_which_contributions_changed_the_draft(db) {
        exchange::import(db, &demo(), t0()).await.expect("import");
        let c = consultations::by_slug(db, "street-vendors-regulation").await.expect("q").expect("c");
        let list = contributions::of_consultation(db, c.id).await.expect("contributions");
        let answers = crate::ssr::responses::store::of_consultation(db, c.id).await.expect("responses");
        assert_eq!(answers.len(), 4);
        let letter = list.iter().find(|x| x.channel == Channel::Letter).expect("letter");
        let answer = answers.iter().find(|r| r.members == vec![letter.id]).expect("answered");
        assert_eq!(answer.written.outcome, Outcome::Accepted);
        assert_eq!(answer.written.responder, None, "from the agency's records");
        let change = answer.changes.first().cloned().expect("a change");
        assert_eq!((change.version, change.clause_key.as_deref(), change.clause_number), (2, Some("locations"), Some(2)));
        assert!(answer.written.reasons.ar.is_some() && answer.written.reasons.en.is_some());
        let changed = answers.iter().filter(|r| r.written.outcome.changed_policy()).count();
        assert_eq!(changed, 2);

        // The export carries them; a corrected reason in a later import revises it, and
        // the earlier text stays.
        let mut out = exchange::export(db, "street-vendors-regulation", t0()).await.expect("export").expect("c");
        assert_eq!(out.consultations[0].responses.len(), 4);
        out.consultations[0].responses[3].reasons.en = Some("Corrected reasons".into());
        let summary = exchange::import(db, &out, t0() + Duration::hours(2)).await.expect("again");
        assert_eq!(summary.contributions_written, 0);
        let answers = crate::ssr::responses::store::of_consultation(db, c.id).await.expect("responses");
        let revised = answers.iter().find(|r| r.written.reasons.en.as_deref() == Some("Corrected reasons")).expect("revised");
        assert_eq!((revised.revision, revised.earlier.len()), (2, 1));
        assert_ne!(revised.earlier[0].written.reasons.en.as_deref(), Some("Corrected reasons"));
        assert_eq!(revised.updated_at, t0() + Duration::hours(2));
    }

    async fn group_responses_with_revisions_and_several_changes_travel_both_ways(db) {
        use crate::ssr::exchange::{ChangeDoc, ResponseDoc, RevisionDoc};
        use crate::domain::LocalizedText;
        exchange::import(db, &demo(), t0()).await.expect("import");
        let slug = "street-vendors-regulation";
        let mut doc = exchange::export(db, slug, t0()).await.expect("export").expect("c");
        let c = &mut doc.consultations[0];
        let (a, b) = (c.responses[0].members()[0].to_owned(), c.responses[1].members()[0].to_owned());
        let answered = c.responses[0].responded_at;
        let change = |clause: &str| ChangeDoc { version: 2, clause: Some(clause.parse().expect("key")) };
        let group = ResponseDoc {
            contribution: None,
            contributions: vec![a.clone(), b.clone()],
            outcome: Outcome::PartlyAccepted,
            reasons: LocalizedText::new(None, Some("Fifty metres, at all times.".into())),
            changed: None,
            changes: vec![change("locations"), change("hours")],
            responded_at: answered,
            revisions: vec![RevisionDoc {
                outcome: Outcome::Accepted,
                reasons: LocalizedText::new(Some("خمسون متراً.".into()), None),
                written_at: answered,
            }],
            revised_at: Some(answered + Duration::days(3)),
        };
        c.responses.splice(0..2, [group]);
        let file = serde_json::to_string(&doc).expect("json");
        exchange::import(db, &exchange::parse(&file).expect("parses"), t0() + Duration::hours(1)).await.expect("the group");

        let id = consultations::by_slug(db, slug).await.expect("q").expect("c").id;
        let stored = crate::ssr::responses::store::of_consultation(db, id).await.expect("responses");
        assert_eq!(stored.len(), 3, "two answers became one");
        let g = stored.iter().find(|r| r.members.len() == 2).expect("the group");
        assert_eq!((g.written.outcome, g.revision), (Outcome::PartlyAccepted, 2));
        assert_eq!(g.earlier[0].written.outcome, Outcome::Accepted);
        assert_eq!(g.earlier[0].written_at, answered);
        assert_eq!((g.created_at, g.updated_at), (answered, answered + Duration::days(3)));
        let mut cited: Vec<_> = g.changes.iter().map(|ch| (ch.version, ch.clause_key.as_ref().map(ToString::to_string))).collect();
        cited.sort();
        assert_eq!(cited, [(2, Some("hours".to_owned())), (2, Some("locations".to_owned()))]);

        // Out again as one entry saying the same; in again, nothing changes.
        let again = exchange::export(db, slug, t0()).await.expect("export").expect("c");
        let entry = &again.consultations[0].responses[0];
        assert_eq!(entry.contributions, [a, b]);
        assert_eq!(serde_json::to_value(entry).expect("v"), serde_json::to_value(&doc.consultations[0].responses[0]).expect("v"));
        let before = counts(db).await;
        exchange::import(db, &again, t0() + Duration::hours(2)).await.expect("again");
        assert_eq!(counts(db).await, before, "the same file again writes nothing");
    }

    async fn a_group_or_a_revision_that_breaks_a_rule_is_named(db) {
        let cases: [(&str, Breaks, &str); 5] = [
            ("both fields", |r| r[0]["contributions"] = serde_json::json!(["workshop-2026-09-15-02"]), "responses[0].contributions"),
            ("answered twice", |r| { r[0]["contributions"] = serde_json::json!(["workshop-2026-09-15-02"]); r[0].as_object_mut().map(|o| o.remove("contribution")); }, "responses[1].contribution"),
            ("revisions without revised_at", |r| r[1]["revisions"] = serde_json::json!([{ "outcome": "noted", "reasons": {}, "written_at": "2026-10-20T06:00:00Z" }]), "responses[1].revised_at"),
            ("a revision going back", |r| { r[1]["revisions"] = serde_json::json!([{ "outcome": "noted", "reasons": {}, "written_at": "2026-10-19T06:00:00Z" }]); r[1]["revised_at"] = "2026-10-21T06:00:00Z".into(); }, "responses[1].revisions[0].written_at"),
            ("an unknown clause among the changes", |r| r[3]["changes"] = serde_json::json!([{ "version": 2, "clause": "hours" }, { "version": 2, "clause": "nowhere" }]), "responses[3].changes[1].clause"),
        ];
        refused_at(db, &cases).await;
    }

    async fn an_import_moves_the_threads_stamp_and_other_writers_still_do(db) {
        exchange::import(db, &demo(), t0()).await.expect("import");
        let slug = "e-participation-guideline";
        let c = consultations::by_slug(db, slug).await.expect("q").expect("c");
        let before = contributions::stamp(db, c.id).await.expect("stamp");
        let mut out = exchange::export(db, slug, t0()).await.expect("export").expect("c");
        out.consultations[0].responses[0].reasons.en = Some("Corrected after the workshop.".into());
        exchange::import(db, &out, t0() + Duration::hours(1)).await.expect("again");
        let after_import = contributions::stamp(db, c.id).await.expect("stamp");
        assert_ne!(after_import, before, "open pages fetch the threads again");
        // The import's mark ended with its transaction: the portal's writes move it.
        let versions = consultations::versions(db, c.id).await.expect("versions");
        let author = contributions::of_consultation(db, c.id).await.expect("list")[0].author_id;
        contributions::insert(db, &NewContribution {
            consultation_id: c.id,
            version_id: versions[versions.len() - 1].id,
            clause_key: None,
            parent_id: None,
            author,
            speaker: Speaker::Individual,
            body: "After the import.".into(),
            body_hash: "2".repeat(64),
            channel: Channel::Online,
            external_id: None,
            received: None,
        }, t0() + Duration::hours(2)).await.expect("insert");
        assert_ne!(contributions::stamp(db, c.id).await.expect("stamp"), after_import);
    }

    async fn a_response_that_breaks_a_rule_is_named(db) {
        let cases: [(&str, Breaks, &str); 4] = [
            ("unknown contribution", |r| r[0]["contribution"] = "nobody".into(), "responses[0].contribution"),
            ("no reasons", |r| r[3]["reasons"] = serde_json::json!({}), "responses[3].reasons"),
            ("change before the contribution", |r| r[0]["changed"]["version"] = 1.into(), "responses[0].changed.version"),
            ("unknown clause", |r| r[2]["changed"]["clause"] = "nowhere".into(), "responses[2].changed.clause"),
        ];
        refused_at(db, &cases).await;
    }

    async fn workshops_their_figures_and_what_was_said_there_travel_both_ways(db) {
        use crate::domain::contribution::Attribution;
        use crate::ssr::workshops::store::{self as workshops, registrations};
        exchange::import(db, &demo(), t0()).await.expect("import");
        let c = consultations::by_slug(db, "e-participation-guideline").await.expect("q").expect("c");
        let ws = workshops::of_consultation(db, c.id).await.expect("workshops");
        assert_eq!(ws.len(), 2);
        let past = ws.iter().find(|w| w.external_id.as_deref() == Some("demo-guideline-ws-agencies")).expect("past");
        assert!(past.minutes.ar.as_deref().is_some_and(|m| m.contains("## الحضور")));
        let held = registrations::counts(db, past.id).await.expect("counts");
        assert_eq!((held.confirmed, held.attended), (198, 168), "the file's figures, summed");
        let said: Vec<_> = contributions::of_consultation(db, c.id).await.expect("q").into_iter()
            .filter(|x| x.received.as_ref().and_then(|r| r.workshop) == Some(past.id)).collect();
        assert_eq!(said.len(), 4);
        assert_eq!(said.iter().filter(|x| x.received.as_ref().map(|r| r.attribution) == Some(Attribution::Group)).count(), 2);

        // Out and back in: the same workshops, figures not counted twice.
        let before = counts(db).await;
        let out = exchange::export(db, "e-participation-guideline", t0()).await.expect("export").expect("c");
        let doc = &out.consultations[0];
        assert_eq!(doc.workshops.len(), 2);
        let exported = doc.workshops.iter().find(|w| w.id == "demo-guideline-ws-agencies").expect("by its id");
        assert_eq!(exported.figures.iter().map(|f| f.attended).sum::<u32>(), 168);
        let first = doc.contributions.iter().find(|x| x.id == "demo-guideline-ws-01").expect("ws-01");
        assert_eq!(first.workshop.as_deref(), Some("demo-guideline-ws-agencies"));
        assert_eq!(first.attribution, Some(Attribution::Named));
        let post = doc.contributions.iter().find(|x| x.id == "demo-guideline-sm-01").expect("sm-01");
        assert_eq!(post.channel, Channel::SocialMedia);
        assert_eq!(post.received_on.map(|d| d.to_string()).as_deref(), Some("2026-11-22"));
        exchange::import(db, &out, t0() + Duration::hours(2)).await.expect("again");
        assert_eq!(counts(db).await, before);
        assert_eq!(registrations::counts(db, past.id).await.expect("counts").attended, 168);

        // A contribution naming a workshop the file does not have is named, nothing written.
        let mut json: serde_json::Value = serde_json::from_str(crate::ssr::exchange::demo::DEMO_JSON).expect("json");
        let last = json["consultations"][0]["contributions"].as_array().map_or(0, Vec::len) - 1;
        json["consultations"][0]["contributions"][last]["workshop"] = "nowhere".into();
        json["consultations"][0]["contributions"][last]["channel"] = "workshop".into();
        let bad = exchange::parse(&json.to_string()).expect("json");
        let err = exchange::import(db, &bad, t0()).await.expect_err("refused");
        assert!(err.to_string().contains(&format!("contributions[{last}].workshop")), "{err}");
    }

    async fn workshop_contributions_arrive_with_their_thread_channel_and_author(db) {
        exchange::import(db, &demo(), t0()).await.expect("import");
        let c = consultations::by_slug(db, "street-vendors-regulation").await.expect("q").expect("c");
        let list = contributions::of_consultation(db, c.id).await.expect("contributions");
        assert_eq!(list.len(), 4);
        let (said, answer) = (&list[0], &list[1]);
        assert_eq!(said.channel, Channel::Workshop);
        assert_eq!(said.author_name, "سعد العتيبي");
        assert_eq!((said.version_number, said.clause_key.as_deref()), (1, Some("locations")));
        assert!(said.body.contains("\n\nنقترح خمسين مترًا"), "paragraphs kept");
        assert_eq!((answer.parent_id, answer.depth), (Some(said.id), 1));
        assert!(matches!(&answer.speaker, Speaker::Organisation { kind, .. } if kind.as_str() == "ngo"));
        assert_eq!(list[2].channel, Channel::Letter);
        assert_eq!(list[3].channel, Channel::Email);
        assert_eq!(list[0].external_id.as_deref(), Some("workshop-2026-09-15-01"));
    }

    async fn what_reached_the_agencys_social_media_keeps_its_channel_both_ways(db) {
        let mut json: serde_json::Value = serde_json::from_str(crate::ssr::exchange::demo::DEMO_JSON).expect("json");
        json["consultations"][4]["contributions"][3]["channel"] = "social_media".into();
        let doc = exchange::parse(&json.to_string()).expect("a valid document");
        exchange::import(db, &doc, t0()).await.expect("import");
        let c = consultations::by_slug(db, "street-vendors-regulation").await.expect("q").expect("c");
        let list = contributions::of_consultation(db, c.id).await.expect("contributions");
        assert_eq!(list[3].channel, Channel::SocialMedia);
        let out = exchange::export(db, "street-vendors-regulation", t0()).await.expect("export").expect("c");
        let out = serde_json::to_value(&out).expect("json");
        assert_eq!(out["consultations"][0]["contributions"][3]["channel"], "social_media");
    }

    async fn a_contribution_that_breaks_a_rule_is_named_and_nothing_is_written(db) {
        let cases: [(&str, Breaks, &str); 5] = [
            ("unknown parent", |x| x[1]["in_reply_to"] = "nobody".into(), "contributions[1].in_reply_to"),
            ("unknown clause", |x| x[0]["clause"] = "no-such-clause".into(), "contributions[0].clause"),
            ("unknown version", |x| x[0]["version"] = 9.into(), "contributions[0].version"),
            ("hidden without its rule", |x| { x[3]["status"] = "hidden".into(); x[3]["body"] = "".into(); }, "contributions[3].hidden_rule"),
            ("published without text", |x| x[2]["body"] = " \n ".into(), "contributions[2].body"),
        ];
        for (what, breaks, place) in cases {
            let mut json: serde_json::Value = serde_json::from_str(crate::ssr::exchange::demo::DEMO_JSON).expect("json");
            breaks(&mut json["consultations"][4]["contributions"]);
            let doc = exchange::parse(&json.to_string()).expect("well-formed JSON");
            let err = exchange::import(db, &doc, t0()).await.expect_err(what);
            assert!(err.to_string().starts_with(&format!("consultations[4].{place}")), "{what}: {err}");
        }
        let mut json: serde_json::Value = serde_json::from_str(crate::ssr::exchange::demo::DEMO_JSON).expect("json");
        json["consultations"][4]["contributions"][0]["channel"] = "pigeon".into();
        let err = exchange::parse(&json.to_string()).expect_err("unknown channel");
        assert!(err.to_string().starts_with("consultations[4].contributions[0].channel"), "{err}");
        assert_eq!(counts(db).await, vec![0; 14]);
    }

    async fn contributions_posted_here_go_out_and_come_back_once(db) {
        exchange::import(db, &demo(), t0()).await.expect("import");
        let c = consultations::by_slug(db, "e-participation-guideline").await.expect("q").expect("c");
        let version = consultations::versions(db, c.id).await.expect("versions").pop().expect("v");
        let author = crate::ssr::accounts::store::create(db, &crate::ssr::accounts::store::NewUser {
            email: "amal@example.org".into(),
            display_name: "Amal".into(),
            preferred_lang: crate::domain::Lang::En,
            password_hash: "unused".into(),
            terms_version: "2026-11".into(),
        }, t0()).await.expect("user").id;
        let new = |body: &str, parent| NewContribution {
            consultation_id: c.id,
            version_id: version.id,
            clause_key: None,
            parent_id: parent,
            author,
            speaker: Speaker::Individual,
            body: body.into(),
            body_hash: body.len().to_string(),
            channel: Channel::Online,
            external_id: None,
            received: None,
        };
        let root = contributions::insert(db, &new("Posted on the portal", None), t0()).await.expect("root");
        let hidden = contributions::insert(db, &new("Something hidden", Some(root)), t0()).await.expect("hidden");
        let decision = crate::ssr::moderation::store::Decision {
            consultation: c.id,
            contribution: hidden,
            action: crate::domain::contribution::ModerationAction::Hide,
            category: Some(ReportCategory::Spam),
            reason: Some("Advertising"),
        };
        crate::ssr::moderation::store::apply(db, &decision, None, t0()).await.expect("hide");

        let out = exchange::export(db, "e-participation-guideline", t0()).await.expect("export").expect("c");
        let text = serde_json::to_string(&out).expect("json");
        assert!(!text.contains("Something hidden"), "a hidden text never leaves");
        // The demo's own, then the two posted here.
        let all = &out.consultations[0].contributions;
        let xs: Vec<_> = all.iter().filter(|x| x.id.starts_with("shura-")).collect();
        assert_eq!(xs.len(), 2);
        assert_eq!(xs[0].id, format!("shura-{root}"));
        assert_eq!(xs[1].in_reply_to.as_deref(), Some(xs[0].id.as_str()));
        assert_eq!((xs[1].status, xs[1].hidden_rule), (ContributionStatus::Hidden, Some(ReportCategory::Spam)));

        let before = counts(db).await;
        let summary = exchange::import(db, &exchange::parse(&text).expect("parses"), t0()).await.expect("again");
        assert_eq!((summary.contributions_written, summary.contributions_unchanged), (0, all.len()));
        assert_eq!(counts(db).await, before, "nothing twice");
    }

    async fn a_broken_file_names_the_field_and_writes_nothing(db) {
        let mut json: serde_json::Value =
            serde_json::from_str(crate::ssr::exchange::demo::DEMO_JSON).expect("json");
        json["consultations"][0]["versions"][1]["clauses"][3]["key"] = "Not A Key".into();
        match exchange::parse(&json.to_string()).expect_err("a clause key is checked as it is read") {
            ImportError::Field { path, message } => {
                assert_eq!(path, "consultations[0].versions[1].clauses[3].key");
                assert!(message.contains("lower-case letters"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
        // Two clauses with one key are found by the check, before anything is written.
        let mut json: serde_json::Value =
            serde_json::from_str(crate::ssr::exchange::demo::DEMO_JSON).expect("json");
        let first = json["consultations"][0]["versions"][1]["clauses"][0]["key"].clone();
        json["consultations"][0]["versions"][1]["clauses"][3]["key"] = first;
        let doc = exchange::parse(&json.to_string()).expect("well-formed JSON");
        let err = exchange::import(db, &doc, t0()).await.expect_err("rejected");
        match err {
            ImportError::Field { path, .. } => {
                assert_eq!(path, "consultations[0].versions[1].clauses[3].key")
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(counts(db).await, vec![0; 14]);
        // A mistake found only while writing (an unknown agency) undoes what came before.
        let mut json: serde_json::Value =
            serde_json::from_str(crate::ssr::exchange::demo::DEMO_JSON).expect("json");
        json["consultations"][2]["agency"] = "no-such-agency".into();
        let doc = exchange::parse(&json.to_string()).expect("well-formed JSON");
        let err = exchange::import(db, &doc, t0()).await.expect_err("rejected");
        assert!(err.to_string().starts_with("consultations[2].agency"), "{err}");
        assert_eq!(counts(db).await, vec![0; 14]);
    }

    async fn a_wrong_type_names_its_place(db) {
        let text = "{\n  \"format\": \"shura/1\",\n  \"consultations\": [{ \"slug\": 5 }]\n}";
        let err = exchange::parse(text).expect_err("rejected");
        let message = err.to_string();
        assert!(message.starts_with("consultations[0].slug"), "{message}");
        let err = exchange::parse("{\"format\": \"shura/1\",\n \"topics\": [}").expect_err("syntax");
        assert!(matches!(err, ImportError::Syntax { line: 2, .. }), "{err:?}");
        assert_eq!(counts(db).await, vec![0; 14]);
    }

    async fn a_website_that_is_not_a_web_address_is_refused(db) {
        for bad in ["javascript:alert(document.cookie)", " JAVASCRIPT:alert(1)", "data:text/html,x"] {
            let mut doc = demo();
            doc.agencies[0].website = Some(bad.into());
            let err = exchange::import(db, &doc, t0()).await.expect_err("refused");
            assert!(err.to_string().starts_with("agencies[0].website"), "{bad}: {err}");
        }
        assert_eq!(counts(db).await, vec![0; 14]);
    }

    async fn a_published_version_never_changes(db) {
        exchange::import(db, &demo(), t0()).await.expect("import");
        let mut doc = demo();
        doc.consultations[0].versions[0].clauses[1].text.en = Some("Rewritten".into());
        let err = exchange::import(db, &doc, t0()).await.expect_err("refused");
        assert!(err.to_string().starts_with("consultations[0].versions[0]"), "{err}");
    }

    async fn export_reads_back_as_the_same_document(db) {
        exchange::import(db, &demo(), t0()).await.expect("import");
        let out = exchange::export(db, "e-participation-guideline", t0()).await
            .expect("export").expect("exists");
        let text = serde_json::to_string(&out).expect("json");
        let again = exchange::parse(&text).expect("parses");
        let before = counts(db).await;
        let summary = exchange::import(db, &again, t0()).await.expect("re-import");
        assert_eq!(summary.versions_written, 0);
        assert_eq!(counts(db).await, before);
        let c = consultations::by_slug(db, "e-participation-guideline").await.expect("q").expect("c");
        let versions = consultations::versions(db, c.id).await.expect("versions");
        assert_eq!(versions.len(), 2);
    }

    async fn the_clock_opens_and_closes_consultations_to_the_second(db) {
        exchange::import(db, &demo(), t0()).await.expect("import");
        let c = consultations::by_slug(db, "public-parks-bylaw").await.expect("q").expect("c");
        assert_eq!(c.status, ConsultationStatus::Scheduled);
        let second = Duration::seconds(1);
        let clock = crate::ssr::clock::Clock::fixed(c.opens_at - second);
        async fn status(db: &Db, now: DateTime<Utc>) -> (ConsultationStatus, bool) {
            let c = consultations::by_slug(db, "public-parks-bylaw").await.expect("q").expect("c");
            (c.status_at(now), consultations::list_open(db, now, 50).await.expect("open")
                .iter().any(|card| card.slug == "public-parks-bylaw"))
        }
        assert_eq!(status(db, clock.now()).await, (ConsultationStatus::Scheduled, false));
        consultations::advance_by_clock(db, clock.now()).await.expect("advance");
        clock.set(c.opens_at);
        assert_eq!(status(db, clock.now()).await, (ConsultationStatus::Open, true));
        assert_eq!(consultations::advance_by_clock(db, clock.now()).await.expect("advance"), 1);
        clock.set(c.closes_at - second);
        assert_eq!(status(db, clock.now()).await, (ConsultationStatus::Open, true));
        clock.set(c.closes_at);
        assert_eq!(status(db, clock.now()).await, (ConsultationStatus::Closed, false));
        consultations::advance_by_clock(db, clock.now()).await.expect("advance");
        let stored = consultations::by_slug(db, "public-parks-bylaw").await.expect("q").expect("c");
        assert_eq!(stored.status, ConsultationStatus::Closed);
    }
}
