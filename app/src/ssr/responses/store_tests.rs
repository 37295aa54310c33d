//! Response timing on SQLite and PostgreSQL: a fixed set of contributions and answers
//! with known times, the clock fixed, and the figures worked out by hand.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::domain::contribution::ContributionStatus;
use crate::domain::response::Outcome;
use crate::domain::{ContributionId, LocalizedText};
use crate::ssr::consultations::store as consultations;
use crate::ssr::contributions::store as contributions;
use crate::ssr::exchange;
use crate::ssr::responses::store::{self as responses, Scope, Written};

/// When the comment period closed.
fn close() -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default()
}

fn at(days: i64) -> String {
    (close() + Duration::days(days)).to_rfc3339()
}

/// Six contributions written 10, 9, 8, 7, 6 and 5 days before the close; the first
/// four answered 10, 10, 40 and 11 days after they were written.
fn document() -> serde_json::Value {
    let contribution = |n: i64| {
        json!({
            "id": format!("t-{n}"), "version": 1, "author": "مواطن", "channel": "online",
            "created_at": at(n - 11), "body": format!("مشاركة رقم {n} عن مدة الرد"),
        })
    };
    let response = |n: i64, answered: i64, outcome: &str| {
        json!({
            "contribution": format!("t-{n}"), "outcome": outcome,
            "reasons": { "ar": "للأسباب المبينة", "en": "For the reasons given" },
            "responded_at": at(answered),
        })
    };
    json!({
        "format": exchange::FORMAT,
        "topics": [],
        "agencies": [{ "slug": "timing-agency", "name": { "ar": "جهة", "en": "An agency" }, "time_zone": "Asia/Riyadh" }],
        "consultations": [{
            "slug": "timing-test", "agency": "timing-agency",
            "title": { "ar": "استشارة", "en": "A consultation" },
            "summary": { "ar": "ملخص", "en": "Summary" },
            "audience": { "ar": "الجميع", "en": "Everyone" },
            "status": "closed",
            "opens_at": at(-20), "closes_at": at(0),
            "versions": [{ "number": 1, "published_at": at(-20), "clauses": [
                { "key": "scope", "kind": "clause", "number": 1, "text": { "ar": "النطاق", "en": "Scope" } }
            ] }],
            "contributions": (1..=6).map(contribution).collect::<Vec<_>>(),
            "responses": [
                response(1, -10 + 10, "accepted"),
                response(2, -9 + 10, "not_adopted"),
                response(3, -8 + 40, "noted"),
                response(4, -7 + 11, "out_of_scope"),
            ],
        }],
    })
}

crate::store_tests! {
    async fn response_times_late_and_overdue_are_counted_in_the_database(db) {
        let doc = exchange::parse(&document().to_string()).expect("a valid document");
        exchange::import(db, &doc, close() - Duration::days(30)).await.expect("import");
        let c = consultations::by_slug(db, "timing-test").await.expect("q").expect("c");
        assert_eq!(c.response_target_days, 30, "the default promise");
        let now = close() + Duration::days(31);
        let t = responses::timing(db, Scope::Consultation(c.id), now).await.expect("timing");
        assert_eq!((t.contributions, t.answered), (6, 4));
        // 10, 10, 11, 40 days: the nearest-rank median is the 2nd, the 90th percentile the 4th.
        assert_eq!(t.median_days.map(|d| (d * 1000.0).round()), Some(10_000.0));
        assert_eq!(t.p90_days.map(|d| (d * 1000.0).round()), Some(40_000.0));
        assert_eq!(t.answered_late, 1, "the one answered 32 days after the close");
        assert_eq!(t.overdue, 2, "two unanswered, a day past the deadline");
        let by_agency = responses::timing(db, Scope::Agency(c.agency_id), now).await.expect("timing");
        assert_eq!(by_agency, t, "the agency has this one consultation");

        // Before the deadline nothing unanswered is overdue yet.
        let early = responses::timing(db, Scope::Consultation(c.id), close() + Duration::days(29)).await.expect("timing");
        assert_eq!(early.overdue, 0);

        // A group response answers both others at once; they count as answered late.
        let ids: Vec<ContributionId> = contributions::of_consultation(db, c.id).await.expect("list")
            .iter().map(|x| x.id).collect();
        let open = &ids[4..];
        let mut tx = db.begin().await.expect("tx");
        let written = Written {
            outcome: Outcome::Noted,
            reasons: LocalizedText::default(),
            responder: None,
        };
        let id = responses::create(&mut tx, c.id, open, &written, now, now).await.expect("group");
        tx.commit().await.expect("commit");
        let t = responses::timing(db, Scope::Consultation(c.id), now).await.expect("timing");
        assert_eq!((t.answered, t.answered_late, t.overdue), (6, 3, 0));
        let answers = responses::of_contributions(db, open).await.expect("answers");
        assert!(answers.iter().all(|a| a.response.id == id && a.response.members == open));

        // A contribution belongs to one response at a time.
        let mut tx = db.begin().await.expect("tx");
        let again = responses::create(&mut tx, c.id, &open[..1], &written, now, now).await;
        assert!(matches!(again, Err(crate::ssr::db::StoreError::Conflict("members"))), "{again:?}");
    }

    async fn the_answers_figures_follow_moderation_and_revisions(db) {
        // The figures read what each membership carries (migration 21); the database
        // keeps it true when a contribution is hidden or restored and an answer revised.
        let doc = exchange::parse(&document().to_string()).expect("a valid document");
        exchange::import(db, &doc, close() - Duration::days(30)).await.expect("import");
        let c = consultations::by_slug(db, "timing-test").await.expect("q").expect("c");
        let now = close() + Duration::days(31);
        let ids: Vec<ContributionId> = contributions::of_consultation(db, c.id).await.expect("list")
            .iter().map(|x| x.id).collect();
        let answered = |outcome: Outcome| {
            move |counts: &[responses::OutcomeCount]| -> i64 {
                counts.iter().filter(|x| x.outcome == Some(outcome)).map(|x| x.n).sum()
            }
        };
        let late_one = ids[2];
        let set = |status: ContributionStatus| async move {
            let mut tx = db.begin().await.expect("tx");
            contributions::set_state(&mut tx, late_one, status, None).await.expect("state");
            tx.commit().await.expect("commit");
        };

        // The 40-day answer's contribution hidden: three answered, none late.
        set(ContributionStatus::Hidden).await;
        let t = responses::timing(db, Scope::Consultation(c.id), now).await.expect("timing");
        assert_eq!((t.contributions, t.answered, t.answered_late), (5, 3, 0));
        assert_eq!(t.p90_days.map(|d| (d * 1000.0).round()), Some(11_000.0));
        let counts = responses::outcome_counts(db, c.id).await.expect("counts");
        assert_eq!(answered(Outcome::Noted)(&counts), 0);
        set(ContributionStatus::Published).await;
        let t = responses::timing(db, Scope::Consultation(c.id), now).await.expect("timing");
        assert_eq!((t.contributions, t.answered, t.answered_late), (6, 4, 1));

        // "Accepted" revised to "noted": counted as noted, and no longer adopted.
        let accepted = responses::of_contributions(db, &ids[..1]).await.expect("answers");
        let mut tx = db.begin().await.expect("tx");
        let written = Written { outcome: Outcome::Noted, reasons: LocalizedText::default(), responder: None };
        responses::revise(&mut tx, accepted[0].response.id, &written, now, now).await.expect("revise");
        tx.commit().await.expect("commit");
        let counts = responses::outcome_counts(db, c.id).await.expect("counts");
        assert_eq!((answered(Outcome::Accepted)(&counts), answered(Outcome::Noted)(&counts)), (0, 2));
        assert_eq!(responses::adopted(db, c.id, 10).await.expect("adopted"), (vec![], 0));
    }

    async fn nothing_answered_has_no_times(db) {
        let mut doc = document();
        doc["consultations"][0]["responses"] = json!([]);
        let doc = exchange::parse(&doc.to_string()).expect("a valid document");
        exchange::import(db, &doc, close() - Duration::days(30)).await.expect("import");
        let c = consultations::by_slug(db, "timing-test").await.expect("q").expect("c");
        let t = responses::timing(db, Scope::Consultation(c.id), close()).await.expect("timing");
        assert_eq!((t.contributions, t.answered, t.median_days, t.p90_days), (6, 0, None, None));
    }
}
