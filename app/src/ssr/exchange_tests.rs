//! Import and export against real SQLite and PostgreSQL: idempotent, all-or-nothing,
//! and published versions never change.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::exchange::{self, ImportError};
use super::store::{consultations, drafts, Db};
use crate::domain::ConsultationStatus;

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
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let n: i64 = crate::ssr::store::with_pool!(db, pool =>
            sqlx::query_scalar(&sql).fetch_one(pool).await)
        .expect("count");
        out.push(n);
    }
    out
}

fn demo() -> exchange::Document {
    exchange::parse(crate::ssr::demo::DEMO_JSON).expect("demo parses")
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
    }

    async fn a_broken_file_names_the_field_and_writes_nothing(db) {
        let mut json: serde_json::Value =
            serde_json::from_str(crate::ssr::demo::DEMO_JSON).expect("json");
        json["consultations"][0]["versions"][1]["clauses"][3]["key"] = "Not A Key".into();
        let doc = exchange::parse(&json.to_string()).expect("well-formed JSON");
        let err = exchange::import(db, &doc, t0()).await.expect_err("rejected");
        match err {
            ImportError::Field { path, .. } => {
                assert_eq!(path, "consultations[0].versions[1].clauses[3].key")
            }
            other => panic!("unexpected {other:?}"),
        }
        // A mistake found only while writing (an unknown agency) undoes what came before.
        let mut json: serde_json::Value =
            serde_json::from_str(crate::ssr::demo::DEMO_JSON).expect("json");
        json["consultations"][2]["agency"] = "no-such-agency".into();
        let doc = exchange::parse(&json.to_string()).expect("well-formed JSON");
        let err = exchange::import(db, &doc, t0()).await.expect_err("rejected");
        assert!(err.to_string().starts_with("consultations[2].agency"), "{err}");
        assert_eq!(counts(db).await, vec![0; 6]);
    }

    async fn a_wrong_type_names_its_place(db) {
        let text = "{\n  \"format\": \"shura/1\",\n  \"consultations\": [{ \"slug\": 5 }]\n}";
        let err = exchange::parse(text).expect_err("rejected");
        let message = err.to_string();
        assert!(message.starts_with("consultations[0].slug"), "{message}");
        let err = exchange::parse("{\"format\": \"shura/1\",\n \"topics\": [}").expect_err("syntax");
        assert!(matches!(err, ImportError::Syntax { line: 2, .. }), "{err:?}");
        assert_eq!(counts(db).await, vec![0; 6]);
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
        let versions = drafts::versions(db, c.id.0).await.expect("versions");
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
