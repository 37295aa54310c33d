//! Contributions and their threads, supports and edit history. Every write that
//! changes searchable text also appends to `search_outbox`, in the same transaction.

use chrono::{DateTime, Utc};

use crate::domain::contribution::{
    Attribution, Channel, ContributionStatus, OrgKind, ReportCategory, Speaker, ThreadOrder,
};
use crate::domain::{ClauseKey, ConsultationId, ContributionId, UserId, VersionId, WorkshopId};
use crate::ssr::db::{on_tx, push_list, stored, with_pool, Db, StoreError, Tx};

/// An export names a contribution posted here `shura-{id}` (imported ones keep the
/// id they came with).
pub const EXPORTED_ID_PREFIX: &str = "shura-";

#[derive(Debug, Clone)]
pub struct NewContribution {
    pub consultation_id: ConsultationId,
    /// The version current when it was written.
    pub version_id: VersionId,
    /// `None`: about the draft as a whole.
    pub clause_key: Option<ClauseKey>,
    pub parent_id: Option<ContributionId>,
    pub author: UserId,
    pub speaker: Speaker,
    pub body: String,
    pub body_hash: String,
    pub channel: Channel,
    /// Its id in the exchange file it comes from (imports only).
    pub external_id: Option<String>,
    /// Where and when it was received, when it reached the agency off the portal and
    /// one of its people entered it.
    pub received: Option<Receipt>,
}

/// How a contribution that reached the agency off the portal came to be on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The workshop it was said at (channel `Workshop`).
    pub workshop: Option<WorkshopId>,
    /// The day it was said or received, in the agency's zone.
    pub received_on: chrono::NaiveDate,
    /// Where it can be read (a post on the agency's social media account).
    pub source_url: Option<String>,
    /// The organiser or staff member who entered it.
    pub entered_by: Option<UserId>,
    pub attribution: Attribution,
}

/// A contribution as stored, with what its page needs from the tables around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    pub id: ContributionId,
    pub consultation_id: ConsultationId,
    pub version_number: u32,
    pub clause_key: Option<ClauseKey>,
    /// The clause's number in the version it was written on, if it had one.
    pub clause_number: Option<u32>,
    pub parent_id: Option<ContributionId>,
    pub root_id: ContributionId,
    pub depth: u32,
    pub author_id: UserId,
    /// Empty once the account is deleted.
    pub author_name: String,
    pub speaker: Speaker,
    /// How it reached the agency.
    pub channel: Channel,
    /// Its id in the exchange file it was imported from, if it was.
    pub external_id: Option<String>,
    /// How it was received, when it reached the agency off the portal.
    pub received: Option<Receipt>,
    pub body: String,
    pub status: ContributionStatus,
    pub support_count: i64,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    /// The rule a moderator hid it under, while hidden.
    pub hidden_category: Option<ReportCategory>,
    /// The author's appeal, if they made one.
    pub appeal: Option<String>,
    /// Whether a moderator has decided the appeal.
    pub appeal_decided: bool,
}

/// An earlier text of an edited contribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub contribution_id: ContributionId,
    pub body: String,
    pub written_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    consultation_id: i64,
    version_number: i64,
    clause_key: Option<ClauseKey>,
    clause_number: Option<i64>,
    parent_id: Option<i64>,
    root_id: Option<i64>,
    depth: i64,
    author_id: i64,
    author_name: String,
    org_name: Option<String>,
    org_kind: Option<String>,
    channel: String,
    external_id: Option<String>,
    workshop_id: Option<i64>,
    received_on: Option<String>,
    source_url: Option<String>,
    entered_by: Option<i64>,
    attribution: Option<String>,
    body: String,
    status: String,
    support_count: i64,
    created_at: DateTime<Utc>,
    edited_at: Option<DateTime<Utc>>,
    hidden_category: Option<String>,
    appeal_text: Option<String>,
    appeal_decided_at: Option<DateTime<Utc>>,
}

impl TryFrom<Row> for Contribution {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        let corrupt = |column, value: &str| StoreError::corrupt("contributions", column, value);
        let speaker = match (r.org_name, r.org_kind.as_deref()) {
            (None, _) => Speaker::Individual,
            (Some(name), Some(kind)) => Speaker::Organisation {
                name,
                kind: OrgKind::parse(kind).ok_or_else(|| corrupt("org_kind", kind))?,
            },
            (Some(_), None) => return Err(corrupt("org_kind", "NULL")),
        };
        let received = match (r.received_on, r.attribution) {
            (Some(on), Some(attribution)) => Some(Receipt {
                workshop: r.workshop_id.map(WorkshopId),
                received_on: chrono::NaiveDate::parse_from_str(&on, "%Y-%m-%d")
                    .map_err(|_| corrupt("received_on", &on))?,
                source_url: r.source_url,
                entered_by: r.entered_by.map(UserId),
                attribution: Attribution::parse(&attribution)
                    .ok_or_else(|| corrupt("attribution", &attribution))?,
            }),
            (None, None) => None,
            (Some(_), None) => return Err(corrupt("attribution", "NULL")),
            (None, Some(_)) => return Err(corrupt("received_on", "NULL")),
        };
        Ok(Contribution {
            id: ContributionId(r.id),
            consultation_id: ConsultationId(r.consultation_id),
            version_number: stored("consultation_versions", "number", r.version_number)?,
            clause_key: r.clause_key,
            clause_number: r
                .clause_number
                .map(|n| stored("clauses", "number", n))
                .transpose()?,
            parent_id: r.parent_id.map(ContributionId),
            root_id: ContributionId(r.root_id.unwrap_or(r.id)),
            depth: stored("contributions", "depth", r.depth)?,
            author_id: UserId(r.author_id),
            author_name: r.author_name,
            speaker,
            channel: Channel::parse(&r.channel).ok_or_else(|| corrupt("channel", &r.channel))?,
            external_id: r.external_id,
            received,
            body: r.body,
            status: ContributionStatus::parse(&r.status)
                .ok_or_else(|| corrupt("status", &r.status))?,
            support_count: r.support_count,
            created_at: r.created_at,
            edited_at: r.edited_at,
            hidden_category: r
                .hidden_category
                .as_deref()
                .map(|c| ReportCategory::parse(c).ok_or_else(|| corrupt("hidden_category", c)))
                .transpose()?,
            appeal: r.appeal_text,
            appeal_decided: r.appeal_decided_at.is_some(),
        })
    }
}

const SELECT: &str = "SELECT c.id, c.consultation_id, v.number AS version_number, c.clause_key,
           k.number AS clause_number, c.parent_id, c.root_id, c.depth, c.author_id,
           u.display_name AS author_name, c.org_name, c.org_kind, c.channel, c.external_id,
           c.workshop_id, c.received_on, c.source_url, c.entered_by, c.attribution, c.body, c.status,
           c.support_count, c.created_at, c.edited_at, c.hidden_category, c.appeal_text,
           c.appeal_decided_at
      FROM contributions c
      JOIN consultation_versions v ON v.id = c.version_id
      JOIN users u ON u.id = c.author_id
      LEFT JOIN clauses k ON k.version_id = c.version_id AND k.key = c.clause_key";

fn rows(rows: Vec<Row>) -> Result<Vec<Contribution>, StoreError> {
    rows.into_iter().map(Contribution::try_from).collect()
}

/// Appends a contribution whose searchable text changed to `search_outbox`, inside the
/// transaction that changed it.
pub(crate) async fn queue_for_index(
    tx: &mut Tx,
    id: ContributionId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    crate::ssr::search::store::queue(
        tx,
        crate::ssr::search::store::Changed::Contribution(id),
        now,
    )
    .await
}

/// A contribution's place in its thread: ids zero-padded so that text order is
/// numeric order, joined from the root down.
fn path_segment(id: i64) -> String {
    format!("{id:012}")
}

/// Stores a contribution (and its place in the thread of `parent_id`); its id.
pub async fn insert(
    db: &Db,
    new: &NewContribution,
    now: DateTime<Utc>,
) -> Result<ContributionId, StoreError> {
    let mut tx = db.begin().await?;
    let id = insert_in(&mut tx, new, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Stores a contribution and its place in the thread of its parent, with its
/// search-outbox row, inside `tx`; its id. Posting and importing both come here.
pub async fn insert_in(
    tx: &mut Tx,
    new: &NewContribution,
    now: DateTime<Utc>,
) -> Result<ContributionId, StoreError> {
    let (org_name, org_kind) = match &new.speaker {
        Speaker::Individual => (None, None),
        Speaker::Organisation { name, kind } => (Some(name.as_str()), Some(kind.as_str())),
    };
    let id = on_tx!(tx, conn => async {
        let parent: Option<(Option<i64>, String, i64)> = match new.parent_id {
            Some(p) => {
                sqlx::query_as(
                    "SELECT root_id, path, depth FROM contributions
                      WHERE id = $1 AND consultation_id = $2",
                )
                .bind(p)
                .bind(new.consultation_id)
                .fetch_optional(&mut *conn)
                .await?
            }
            None => None,
        };
        let received = new.received.as_ref();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO contributions
                 (consultation_id, version_id, clause_key, parent_id, author_id, org_name,
                  org_kind, channel, external_id, body, body_hash, created_at, workshop_id,
                  received_on, source_url, entered_by, attribution)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                     $17) RETURNING id",
        )
        .bind(new.consultation_id)
        .bind(new.version_id)
        .bind(&new.clause_key)
        .bind(parent.as_ref().and(new.parent_id))
        .bind(new.author.0)
        .bind(org_name)
        .bind(org_kind)
        .bind(new.channel.as_str())
        .bind(&new.external_id)
        .bind(&new.body)
        .bind(&new.body_hash)
        .bind(now)
        .bind(received.and_then(|r| r.workshop))
        .bind(received.map(|r| r.received_on.format("%Y-%m-%d").to_string()))
        .bind(received.and_then(|r| r.source_url.as_deref()))
        .bind(received.and_then(|r| r.entered_by))
        .bind(received.map(|r| r.attribution.as_str()))
        .fetch_one(&mut *conn)
        .await?;
        let (root, path, depth) = match parent {
            Some((root, path, depth)) => {
                (root.unwrap_or(id), format!("{path}/{}", path_segment(id)), depth + 1)
            }
            None => (id, path_segment(id), 0),
        };
        sqlx::query("UPDATE contributions SET root_id = $1, path = $2, depth = $3 WHERE id = $4")
            .bind(root)
            .bind(path)
            .bind(depth)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok::<_, sqlx::Error>(ContributionId(id))
    }.await)?;
    queue_for_index(tx, id, now).await?;
    Ok(id)
}

/// The contribution of `consultation` that an exchange file calls `external_id`: one
/// imported under that id, or — for `shura-{n}`, the id an export gives a contribution
/// posted here — contribution `n`, if it was written at `created_at`.
pub async fn by_external(
    tx: &mut Tx,
    consultation: ConsultationId,
    external_id: &str,
    created_at: DateTime<Utc>,
) -> Result<Option<ContributionId>, StoreError> {
    let imported: Option<ContributionId> = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT id FROM contributions WHERE consultation_id = $1 AND external_id = $2",
    )
    .bind(consultation)
    .bind(external_id)
    .fetch_optional(&mut *conn)
    .await)?;
    if imported.is_some() {
        return Ok(imported);
    }
    let Some(n) = external_id
        .strip_prefix(EXPORTED_ID_PREFIX)
        .and_then(|n| n.parse::<i64>().ok())
    else {
        return Ok(None);
    };
    let posted: Option<(ContributionId, DateTime<Utc>)> = on_tx!(tx, conn => sqlx::query_as(
        "SELECT id, created_at FROM contributions
          WHERE id = $1 AND consultation_id = $2 AND external_id IS NULL",
    )
    .bind(n)
    .bind(consultation)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(posted
        .filter(|(_, at)| at.timestamp() == created_at.timestamp())
        .map(|(id, _)| id))
}

/// Puts an imported contribution in the state its file gives: hidden under a rule
/// (its text kept for an appeal), or withdrawn (no text).
pub async fn set_state(
    tx: &mut Tx,
    id: ContributionId,
    status: ContributionStatus,
    hidden_category: Option<ReportCategory>,
) -> Result<(), StoreError> {
    let withdrawn = status == ContributionStatus::Withdrawn;
    on_tx!(tx, conn => sqlx::query(
        "UPDATE contributions SET status = $1, hidden_category = $2,
                body = CASE WHEN $3 THEN '' ELSE body END
          WHERE id = $4",
    )
    .bind(status.as_str())
    .bind(hidden_category.map(ReportCategory::as_str))
    .bind(withdrawn)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(drop))?;
    Ok(())
}

/// Every contribution of `consultation`, in the order they were stored (a reply
/// always after what it answers).
pub async fn of_consultation(
    db: &Db,
    consultation: ConsultationId,
) -> Result<Vec<Contribution>, StoreError> {
    let sql = format!("{SELECT} WHERE c.consultation_id = $1 ORDER BY c.id");
    let list: Vec<Row> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(consultation).fetch_all(pool).await)?;
    rows(list)
}

/// The contributions with these ids, in id order.
pub async fn by_ids(db: &Db, ids: &[ContributionId]) -> Result<Vec<Contribution>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<Row> = with_pool!(db, pool => {
        let mut q = sqlx::QueryBuilder::new(format!("{SELECT} WHERE c.id IN "));
        push_list(&mut q, ids);
        q.push(" ORDER BY c.id");
        q.build_query_as().fetch_all(pool).await
    })?;
    rows(list)
}

/// The digests of the texts entered for `consultation` as received through `channel`
/// (at `workshop`, for one): how a sheet or letter entered twice is recognised.
pub async fn received_hashes(
    db: &Db,
    consultation: ConsultationId,
    channel: Channel,
    workshop: Option<WorkshopId>,
) -> Result<std::collections::HashSet<String>, StoreError> {
    let hashes: Vec<String> = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT body_hash FROM contributions
          WHERE consultation_id = $1 AND channel = $2 AND received_on IS NOT NULL
            AND ($3 IS NULL OR workshop_id = $3)",
    )
    .bind(consultation)
    .bind(channel.as_str())
    .bind(workshop)
    .fetch_all(pool)
    .await)?;
    Ok(hashes.into_iter().collect())
}

/// The published contributions of `consultation` per channel, most first, out of
/// `published` in all: those that came off the portal are counted (from their own
/// index), the rest came online.
pub async fn channel_shares(
    db: &Db,
    consultation: ConsultationId,
    published: i64,
) -> Result<Vec<(Channel, i64)>, StoreError> {
    let rows: Vec<(String, i64)> = with_pool!(db, pool => sqlx::query_as(
        "SELECT channel, COUNT(*) FROM contributions
          WHERE consultation_id = $1 AND channel <> 'online' AND status = 'published'
          GROUP BY channel",
    )
    .bind(consultation)
    .fetch_all(pool)
    .await)?;
    let mut shares = rows
        .into_iter()
        .map(|(code, n)| {
            Channel::parse(&code)
                .map(|c| (c, n))
                .ok_or_else(|| StoreError::corrupt("contributions", "channel", code))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let online = published - shares.iter().map(|(_, n)| n).sum::<i64>();
    if online > 0 {
        shares.push((Channel::Online, online));
    }
    shares.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.as_str().cmp(b.0.as_str())));
    Ok(shares)
}

/// How many contributions were entered for `workshop`.
pub async fn count_of_workshop(db: &Db, workshop: WorkshopId) -> Result<i64, StoreError> {
    with_pool!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM contributions WHERE workshop_id = $1 AND status = 'published'",
    )
    .bind(workshop)
    .fetch_one(pool)
    .await)
    .map_err(StoreError::from)
}

/// Everything `author` wrote, oldest first (for their own data export).
pub async fn by_author(db: &Db, author: UserId) -> Result<Vec<Contribution>, StoreError> {
    let sql = format!("{SELECT} WHERE c.author_id = $1 ORDER BY c.id");
    let list: Vec<Row> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(author.0).fetch_all(pool).await)?;
    rows(list)
}

/// Who took part in a consultation, from its published contributions (replies too).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Participation {
    pub contributions: i64,
    pub replies: i64,
    /// Distinct accounts that wrote them.
    pub contributors: i64,
    /// Per kind of organisation spoken for (`None`: individuals), most first.
    pub by_speaker: Vec<(Option<String>, i64)>,
}

/// The participation figures of `consultation`, counted in the database.
pub async fn participation(
    db: &Db,
    consultation: ConsultationId,
) -> Result<Participation, StoreError> {
    const PUBLISHED: &str =
        "FROM contributions WHERE consultation_id = $1 AND status = 'published'";
    with_pool!(db, pool => {
        let (contributions, replies, contributors): (i64, i64, i64) = sqlx::query_as(&format!(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN parent_id IS NULL THEN 0 ELSE 1 END), 0),
                    COUNT(DISTINCT author_id) {PUBLISHED}"
        ))
        .bind(consultation)
        .fetch_one(pool)
        .await?;
        let by_speaker: Vec<(Option<String>, i64)> = sqlx::query_as(&format!(
            "SELECT org_kind, COUNT(*) {PUBLISHED} GROUP BY org_kind
              ORDER BY COUNT(*) DESC, org_kind"
        ))
        .bind(consultation)
        .fetch_all(pool)
        .await?;
        Ok::<_, sqlx::Error>(Participation {
            contributions,
            replies,
            contributors,
            by_speaker,
        })
    })
    .map_err(StoreError::from)
}

/// What `author` has published on public consultations, counted: in all, answered,
/// and answered by a response that changed a clause.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuthorCounts {
    pub published: i64,
    pub answered: i64,
    pub changed: i64,
}

/// The public record of `author` (published contributions on public consultations):
/// its counts, and the ids of one page of it, newest first.
pub async fn public_record(
    db: &Db,
    author: UserId,
    limit: u32,
    offset: u32,
) -> Result<(AuthorCounts, Vec<ContributionId>), StoreError> {
    let from = format!(
        "FROM contributions x JOIN consultations c ON c.id = x.consultation_id
          WHERE x.author_id = $1 AND x.status = 'published' AND {}",
        crate::ssr::consultations::store::public_sql("c")
    );
    with_pool!(db, pool => {
        let (published, answered, changed): (i64, i64, i64) = sqlx::query_as(&format!(
            "SELECT COUNT(*), COUNT(m.contribution_id),
                    COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM response_citations rc
                                                    WHERE rc.response_id = m.response_id)
                                 THEN 1 ELSE 0 END), 0)
               FROM contributions x JOIN consultations c ON c.id = x.consultation_id
               LEFT JOIN response_members m ON m.contribution_id = x.id
              WHERE x.author_id = $1 AND x.status = 'published' AND {}",
            crate::ssr::consultations::store::public_sql("c")
        ))
        .bind(author.0)
        .fetch_one(pool)
        .await?;
        let ids: Vec<ContributionId> = sqlx::query_scalar(&format!(
            "SELECT x.id {from} ORDER BY x.created_at DESC, x.id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(author.0)
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(pool)
        .await?;
        Ok::<_, sqlx::Error>((AuthorCounts { published, answered, changed }, ids))
    })
    .map_err(StoreError::from)
}

pub async fn by_id(db: &Db, id: ContributionId) -> Result<Option<Contribution>, StoreError> {
    let sql = format!("{SELECT} WHERE c.id = $1");
    let row: Option<Row> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
    row.map(Contribution::try_from).transpose()
}

/// A short text that changes whenever the threads of `consultation` change as
/// readers see them: a contribution or reply posted, edited, supported, hidden,
/// restored or withdrawn, or answered. Open pages compare it to know when to fetch
/// again. The database moves the counter on itself (triggers of migration 17), for
/// every writer, so reading it costs one row whatever the number of contributions.
pub async fn stamp(db: &Db, consultation: ConsultationId) -> Result<String, StoreError> {
    let stamp: Option<i64> = with_pool!(db, pool => sqlx::query_scalar(
            "SELECT threads_stamp FROM consultations WHERE id = $1",
        )
        .bind(consultation)
        .fetch_optional(pool)
        .await)?;
    Ok(stamp.unwrap_or_default().to_string())
}

/// Whether `author` already has a contribution (not withdrawn) with this text.
pub async fn is_duplicate(db: &Db, author: UserId, body_hash: &str) -> Result<bool, StoreError> {
    let n: i64 = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM contributions
          WHERE author_id = $1 AND body_hash = $2 AND status <> 'withdrawn'",
    )
    .bind(author.0)
    .bind(body_hash)
    .fetch_one(pool)
    .await)?;
    Ok(n > 0)
}

/// One page of a consultation's threads (their first contributions), in `order`;
/// only those about `clause` when given. `latest_version` orders by clause position.
pub async fn roots_page(
    db: &Db,
    consultation: ConsultationId,
    latest_version: VersionId,
    order: ThreadOrder,
    clause: Option<&ClauseKey>,
    page: u32,
    per_page: u32,
) -> Result<(u64, Vec<Contribution>), StoreError> {
    let order_by = match order {
        ThreadOrder::Newest => "c.id DESC",
        ThreadOrder::Oldest => "c.id",
        ThreadOrder::MostSupported => "c.support_count DESC, c.id DESC",
        ThreadOrder::ClauseOrder => {
            "CASE WHEN c.clause_key IS NULL THEN -1 ELSE COALESCE(cur.position, 1000000) END, c.id"
        }
    };
    let offset = i64::from(page.max(1) - 1) * i64::from(per_page);
    // The same filter for the count and the page.
    macro_rules! roots_of {
        ($q:expr) => {{
            $q.push(" WHERE c.consultation_id = ")
                .push_bind(consultation)
                .push(" AND c.parent_id IS NULL");
            if let Some(clause) = clause {
                $q.push(" AND c.clause_key = ").push_bind(clause);
            }
        }};
    }
    let (total, list): (i64, Vec<Row>) = with_pool!(db, pool => {
        let mut count = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM contributions c");
        roots_of!(count);
        let total = count.build_query_scalar().fetch_one(pool).await?;
        let mut page = sqlx::QueryBuilder::new(format!(
            "{SELECT} LEFT JOIN clauses cur ON cur.key = c.clause_key AND cur.version_id = "
        ));
        page.push_bind(latest_version);
        roots_of!(page);
        page.push(format!(" ORDER BY {order_by} LIMIT "))
            .push_bind(i64::from(per_page))
            .push(" OFFSET ")
            .push_bind(offset);
        let list = page.build_query_as().fetch_all(pool).await?;
        Ok::<_, sqlx::Error>((total, list))
    })?;
    Ok((stored("contributions", "count", total)?, rows(list)?))
}

/// Every contribution of a consultation in the order written, a page at a time; only
/// those about `clause`, in `status` or from `channel` when given.
pub async fn list(
    db: &Db,
    consultation: ConsultationId,
    clause: Option<&ClauseKey>,
    status: Option<ContributionStatus>,
    channel: Option<Channel>,
    page: u32,
    per_page: u32,
) -> Result<(u64, Vec<Contribution>), StoreError> {
    let offset = i64::from(page.max(1) - 1) * i64::from(per_page);
    // The same filter for the count and the page.
    macro_rules! matching {
        ($q:expr) => {{
            $q.push(" WHERE c.consultation_id = ")
                .push_bind(consultation);
            if let Some(clause) = clause {
                $q.push(" AND c.clause_key = ").push_bind(clause);
            }
            if let Some(status) = status {
                $q.push(" AND c.status = ").push_bind(status.as_str());
            }
            if let Some(channel) = channel {
                $q.push(" AND c.channel = ").push_bind(channel.as_str());
            }
        }};
    }
    let (total, list): (i64, Vec<Row>) = with_pool!(db, pool => {
        let mut count = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM contributions c");
        matching!(count);
        let total = count.build_query_scalar().fetch_one(pool).await?;
        let mut page = sqlx::QueryBuilder::new(SELECT);
        matching!(page);
        page.push(" ORDER BY c.id LIMIT ")
            .push_bind(i64::from(per_page))
            .push(" OFFSET ")
            .push_bind(offset);
        let list = page.build_query_as().fetch_all(pool).await?;
        Ok::<_, sqlx::Error>((total, list))
    })?;
    Ok((stored("contributions", "count", total)?, rows(list)?))
}

/// A whole thread, depth-first from its root.
pub async fn thread(db: &Db, root: ContributionId) -> Result<Vec<Contribution>, StoreError> {
    let sql = format!("{SELECT} WHERE c.root_id = $1 ORDER BY c.path");
    let list: Vec<Row> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(root).fetch_all(pool).await)?;
    rows(list)
}

/// The replies in the threads of `roots`, each thread depth-first: all of them, or
/// the first `per_thread` of each thread.
pub async fn replies_in(
    db: &Db,
    roots: &[ContributionId],
    per_thread: Option<i64>,
) -> Result<Vec<Contribution>, StoreError> {
    if roots.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<Row> = with_pool!(db, pool => {
        let mut q = sqlx::QueryBuilder::new(format!("{SELECT} WHERE c.root_id IN "));
        push_list(&mut q, roots);
        q.push(" AND c.parent_id IS NOT NULL");
        if let Some(n) = per_thread {
            q.push(
                " AND c.id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER \
                   (PARTITION BY root_id ORDER BY path) AS nth FROM contributions \
                   WHERE parent_id IS NOT NULL AND root_id IN ",
            );
            push_list(&mut q, roots);
            q.push(") numbered WHERE nth <= ");
            q.push_bind(n);
            q.push(")");
        }
        q.push(" ORDER BY c.root_id, c.path");
        q.build_query_as().fetch_all(pool).await
    })?;
    rows(list)
}

/// How many replies each thread of `roots` has (threads without any are left out).
pub async fn reply_counts(
    db: &Db,
    roots: &[ContributionId],
) -> Result<Vec<(ContributionId, i64)>, StoreError> {
    if roots.is_empty() {
        return Ok(Vec::new());
    }
    let counts = with_pool!(db, pool => {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT root_id, COUNT(*) FROM contributions WHERE parent_id IS NOT NULL AND root_id IN ",
        );
        push_list(&mut q, roots);
        q.push(" GROUP BY root_id");
        q.build_query_as().fetch_all(pool).await
    })?;
    Ok(counts)
}

/// How many published contributions each clause of a consultation has, replies included.
pub async fn clause_counts(
    db: &Db,
    consultation: ConsultationId,
) -> Result<Vec<(ClauseKey, i64)>, StoreError> {
    let counts = with_pool!(db, pool => sqlx::query_as(
        "SELECT clause_key, COUNT(*) FROM contributions
          WHERE consultation_id = $1 AND status = 'published' AND clause_key IS NOT NULL
          GROUP BY clause_key",
    )
    .bind(consultation)
    .fetch_all(pool)
    .await)?;
    Ok(counts)
}

/// Which of `ids` `user` supports.
pub async fn supported_by(
    db: &Db,
    user: UserId,
    ids: &[ContributionId],
) -> Result<Vec<ContributionId>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<ContributionId> = with_pool!(db, pool => {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT contribution_id FROM contribution_supports WHERE user_id = ",
        );
        q.push_bind(user.0).push(" AND contribution_id IN ");
        push_list(&mut q, ids);
        q.build_query_scalar().fetch_all(pool).await
    })?;
    Ok(found)
}

/// Adds `user`'s support, or takes it back if given; whether they support it now.
pub async fn toggle_support(
    db: &Db,
    id: ContributionId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    let supported = on_tx!(&mut tx, conn => async {
        let removed = sqlx::query(
            "DELETE FROM contribution_supports WHERE contribution_id = $1 AND user_id = $2",
        )
        .bind(id)
        .bind(user.0)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if removed == 0 {
            sqlx::query(
                "INSERT INTO contribution_supports (contribution_id, user_id, created_at)
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(user.0)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        sqlx::query(
            "UPDATE contributions SET support_count =
                 (SELECT COUNT(*) FROM contribution_supports WHERE contribution_id = $1)
              WHERE id = $1",
        )
        .bind(id)
        .execute(&mut *conn)
        .await?;
        Ok::<_, sqlx::Error>(removed == 0)
    }.await)?;
    tx.commit().await?;
    Ok(supported)
}

/// Replaces the text of contribution `id`, keeping the old one in its history.
pub async fn edit(
    db: &Db,
    id: ContributionId,
    body: &str,
    body_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => async {
        sqlx::query(
            "INSERT INTO contribution_edits (contribution_id, body, written_at, replaced_at)
             SELECT id, body, COALESCE(edited_at, created_at), $2 FROM contributions WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE contributions SET body = $1, body_hash = $2, edited_at = $3 WHERE id = $4",
        )
        .bind(body)
        .bind(body_hash)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
        Ok::<_, sqlx::Error>(())
    }.await)?;
    queue_for_index(&mut tx, id, now).await?;
    tx.commit().await
}

/// The earlier texts of `ids`, oldest first.
pub async fn edits_of(db: &Db, ids: &[ContributionId]) -> Result<Vec<Edit>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<(ContributionId, String, DateTime<Utc>)> = with_pool!(db, pool => {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT contribution_id, body, written_at FROM contribution_edits
              WHERE contribution_id IN ",
        );
        push_list(&mut q, ids);
        q.push(" ORDER BY contribution_id, id");
        q.build_query_as().fetch_all(pool).await
    })?;
    Ok(found
        .into_iter()
        .map(|(contribution_id, body, written_at)| Edit {
            contribution_id,
            body,
            written_at,
        })
        .collect())
}

/// Withdraws contribution `id`: it stays in its thread as a placeholder; its text and
/// earlier texts are deleted.
pub async fn withdraw(db: &Db, id: ContributionId, now: DateTime<Utc>) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => async {
        sqlx::query("DELETE FROM contribution_edits WHERE contribution_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "UPDATE contributions SET status = 'withdrawn', body = '', withdrawn_at = $1
              WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
        Ok::<_, sqlx::Error>(())
    }.await)?;
    queue_for_index(&mut tx, id, now).await?;
    tx.commit().await
}
