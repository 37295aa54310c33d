//! Threads, supports, edits and withdrawals, on SQLite and PostgreSQL.

use chrono::{DateTime, Duration, Utc};

use crate::domain::contribution::{Channel, ContributionStatus, OrgKind, Speaker, ThreadOrder};
use crate::domain::{ClauseKey, ConsultationId, ContributionId, Lang, UserId, VersionId};
use crate::ssr::accounts::store as users;
use crate::ssr::accounts::store::NewUser;
use crate::ssr::consultations::store as consultations;
use crate::ssr::contributions::store as contributions;
use crate::ssr::contributions::store::NewContribution;
use crate::ssr::db::{with_pool, Db};

const GUIDELINE: &str = "e-participation-guideline";

struct Setup {
    consultation: ConsultationId,
    latest_version: VersionId,
    /// A clause of the latest version, and one that comes before it.
    later_clause: ClauseKey,
    earlier_clause: ClauseKey,
    alice: UserId,
    badr: UserId,
}

async fn person(db: &Db, email: &str, now: DateTime<Utc>) -> UserId {
    users::create(
        db,
        &NewUser {
            email: email.into(),
            display_name: email.split('@').next().unwrap_or("x").into(),
            preferred_lang: Lang::Ar,
            password_hash: "unused".into(),
            terms_version: "2026-11".into(),
        },
        now,
    )
    .await
    .expect("user")
    .id
}

async fn setup(db: &Db, now: DateTime<Utc>) -> Setup {
    crate::ssr::exchange::demo::load_if_empty(db, now)
        .await
        .expect("demo");
    let c = consultations::by_slug(db, GUIDELINE)
        .await
        .expect("query")
        .expect("demo consultation");
    let latest = consultations::versions(db, c.id)
        .await
        .expect("versions")
        .pop()
        .expect("a version");
    let clauses = consultations::clauses(db, latest.id)
        .await
        .expect("clauses");
    Setup {
        consultation: c.id,
        latest_version: latest.id,
        earlier_clause: clauses[1].key.clone(),
        later_clause: clauses[5].key.clone(),
        alice: person(db, "alice@example.org", now).await,
        badr: person(db, "badr@example.org", now).await,
    }
}

fn new(
    s: &Setup,
    author: UserId,
    clause: Option<&ClauseKey>,
    parent: Option<ContributionId>,
    body: &str,
) -> NewContribution {
    NewContribution {
        consultation_id: s.consultation,
        version_id: s.latest_version,
        clause_key: clause.cloned(),
        parent_id: parent,
        author,
        speaker: Speaker::Individual,
        body: body.to_owned(),
        body_hash: format!("{:0>64}", body.len()),
        channel: Channel::Online,
        external_id: None,
        received: None,
    }
}

async fn ids(
    db: &Db,
    s: &Setup,
    order: ThreadOrder,
    clause: Option<&ClauseKey>,
) -> Vec<ContributionId> {
    // Every thread, the demo's included; then only those this test wrote.
    let (_, roots) = contributions::roots_page(
        db,
        s.consultation,
        s.latest_version,
        order,
        clause,
        1,
        10_000,
    )
    .await
    .expect("roots");
    roots
        .into_iter()
        .filter(|r| r.author_id == s.alice || r.author_id == s.badr)
        .map(|r| r.id)
        .collect()
}

async fn outbox_rows(db: &Db) -> i64 {
    with_pool!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM search_outbox")
        .fetch_one(pool)
        .await)
    .expect("count")
}

crate::store_tests! {
    async fn threads_nest_depth_first_and_sort_every_way(db) {
        let now = Utc::now();
        let s = setup(db, now).await;
        let queued_before = outbox_rows(db).await;
        let counts_before = contributions::clause_counts(db, s.consultation).await.expect("counts");
        let later = Some(&s.later_clause);
        let a = contributions::insert(db, &new(&s, s.alice, later, None, "أقترح توضيح المهلة"), now).await.expect("a");
        let a1 = contributions::insert(db, &new(&s, s.badr, later, Some(a), "أوافق على ذلك"), now).await.expect("a1");
        let a1a = contributions::insert(db, &new(&s, s.alice, later, Some(a1), "شكرًا لك"), now).await.expect("a1a");
        let b = contributions::insert(db, &new(&s, s.badr, None, None, "A general remark"), now).await.expect("b");
        let a2 = contributions::insert(db, &new(&s, s.badr, later, Some(a), "Second reply"), now).await.expect("a2");
        let c = contributions::insert(db, &new(&s, s.alice, Some(&s.earlier_clause), None, "Earlier clause"), now).await.expect("c");

        let replies: Vec<ContributionId> = contributions::replies_in(db, &[a, b], None).await.expect("replies").iter().map(|r| r.id).collect();
        assert_eq!(replies, vec![a1, a1a, a2], "depth-first, oldest sibling first");
        // The first of each thread, in thread order, and how many there are.
        let first: Vec<ContributionId> = contributions::replies_in(db, &[a, b], Some(2)).await.expect("replies").iter().map(|r| r.id).collect();
        assert_eq!(first, vec![a1, a1a]);
        assert_eq!(contributions::reply_counts(db, &[a, b]).await.expect("counts"), vec![(a, 3)]);
        let deep = contributions::by_id(db, a1a).await.expect("query").expect("a1a");
        assert_eq!((deep.root_id, deep.depth, deep.parent_id), (a, 2, Some(a1)));

        assert_eq!(ids(db, &s, ThreadOrder::Newest, None).await, vec![c, b, a]);
        assert_eq!(ids(db, &s, ThreadOrder::Oldest, None).await, vec![a, b, c]);
        assert_eq!(ids(db, &s, ThreadOrder::ClauseOrder, None).await, vec![b, c, a], "whole draft first, then clause order");
        assert_eq!(ids(db, &s, ThreadOrder::Newest, later).await, vec![a]);

        assert!(contributions::toggle_support(db, b, s.alice, now).await.expect("support"));
        assert_eq!(ids(db, &s, ThreadOrder::MostSupported, None).await, vec![b, c, a]);
        assert!(!contributions::toggle_support(db, b, s.alice, now).await.expect("take back"));
        let b_now = contributions::by_id(db, b).await.expect("query").expect("b");
        assert_eq!(b_now.support_count, 0);
        assert!(contributions::supported_by(db, s.alice, &[a, b]).await.expect("supported").is_empty());

        let counts = contributions::clause_counts(db, s.consultation).await.expect("counts");
        let added = |key: &ClauseKey| {
            let of = |list: &[(ClauseKey, i64)]| list.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n);
            of(&counts) - of(&counts_before)
        };
        assert_eq!(added(&s.later_clause), 4, "{counts:?}");
        assert_eq!(added(&s.earlier_clause), 1, "{counts:?}");
        assert_eq!(outbox_rows(db).await - queued_before, 6, "every new text is queued for the search index");
    }

    async fn an_edit_keeps_the_old_text_and_a_withdrawal_removes_every_text(db) {
        let now = Utc::now();
        let s = setup(db, now).await;
        let queued_before = outbox_rows(db).await;
        let mut first = new(&s, s.alice, None, None, "النص الأول");
        first.speaker = Speaker::Organisation { name: "جمعية المكفوفين".into(), kind: OrgKind::Ngo };
        let id = contributions::insert(db, &first, now).await.expect("insert");
        let later = now + Duration::minutes(3);
        contributions::edit(db, id, "النص المصحح", "h2", later).await.expect("edit");
        let x = contributions::by_id(db, id).await.expect("query").expect("row");
        assert_eq!(x.body, "النص المصحح");
        assert_eq!(x.edited_at.map(|t| t.timestamp()), Some(later.timestamp()));
        assert_eq!(x.speaker, Speaker::Organisation { name: "جمعية المكفوفين".into(), kind: OrgKind::Ngo });
        let history = contributions::edits_of(db, &[id]).await.expect("history");
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].body, "النص الأول");
        assert_eq!(history[0].written_at.timestamp(), now.timestamp());

        assert!(contributions::is_duplicate(db, s.alice, "h2").await.expect("dup"));
        assert!(!contributions::is_duplicate(db, s.badr, "h2").await.expect("dup"));
        contributions::withdraw(db, id, later).await.expect("withdraw");
        let x = contributions::by_id(db, id).await.expect("query").expect("row");
        assert_eq!((x.status, x.body.as_str()), (ContributionStatus::Withdrawn, ""));
        assert!(contributions::edits_of(db, &[id]).await.expect("history").is_empty());
        assert!(!contributions::is_duplicate(db, s.alice, "h2").await.expect("dup"), "a withdrawn text may be posted again");
        assert_eq!(outbox_rows(db).await - queued_before, 3);
    }

    async fn the_stamp_changes_with_everything_readers_see(db) {
        let now = Utc::now();
        let s = setup(db, now).await;
        let stamp = || contributions::stamp(db, s.consultation);
        let mut seen = vec![stamp().await.expect("stamp")];
        let mut changed = |next: String, what: &str| {
            assert!(!seen.contains(&next), "{what}: {next} was seen before");
            seen.push(next);
        };
        let a = contributions::insert(db, &new(&s, s.alice, None, None, "مشاركة"), now).await.expect("a");
        changed(stamp().await.expect("stamp"), "a contribution");
        let r = contributions::insert(db, &new(&s, s.badr, None, Some(a), "ردّ"), now).await.expect("r");
        changed(stamp().await.expect("stamp"), "a reply");
        contributions::toggle_support(db, a, s.badr, now).await.expect("support");
        changed(stamp().await.expect("stamp"), "a support");
        contributions::edit(db, r, "ردّ مصحح", "h", now).await.expect("edit");
        changed(stamp().await.expect("stamp"), "an edit");
        contributions::withdraw(db, r, now).await.expect("withdraw");
        changed(stamp().await.expect("stamp"), "a withdrawal");
        let mut tx = db.begin().await.expect("tx");
        let written = crate::ssr::responses::store::Written {
            outcome: crate::domain::response::Outcome::Noted,
            reasons: crate::domain::LocalizedText { ar: Some("أُخذت في الحسبان".into()), en: None },
            responder: None,
        };
        let response = crate::ssr::responses::store::create(&mut tx, s.consultation, &[a], &written, now, now).await.expect("response");
        tx.commit().await.expect("commit");
        changed(stamp().await.expect("stamp"), "a response");
        let mut tx = db.begin().await.expect("tx");
        let revised = crate::ssr::responses::store::Written { outcome: crate::domain::response::Outcome::OutOfScope, ..written };
        crate::ssr::responses::store::revise(&mut tx, response, &revised, now, now).await.expect("revise");
        tx.commit().await.expect("commit");
        changed(stamp().await.expect("stamp"), "a revision");
        let unchanged = stamp().await.expect("stamp");
        assert_eq!(&unchanged, seen.last().expect("seen"), "nothing happened");
    }
}
