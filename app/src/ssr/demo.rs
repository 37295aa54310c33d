//! Demo data so that a fresh portal has something to show: a few bilingual
//! consultations written for Shura, with comment periods relative to today.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use super::store::{agencies, consultations, Db, StoreError};
use crate::domain::{ConsultationStatus, LocalizedText};

#[derive(Deserialize)]
struct DemoFile {
    agencies: Vec<DemoAgency>,
    consultations: Vec<DemoConsultation>,
}

#[derive(Deserialize)]
struct DemoAgency {
    slug: String,
    name_ar: Option<String>,
    name_en: Option<String>,
    time_zone: String,
    website: Option<String>,
}

#[derive(Deserialize)]
struct DemoConsultation {
    slug: String,
    agency: String,
    title_ar: Option<String>,
    title_en: Option<String>,
    summary_ar: Option<String>,
    summary_en: Option<String>,
    status: ConsultationStatus,
    opens_in_days: i64,
    closes_in_days: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo data is malformed: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error("demo consultation {0} names an unknown agency")]
    UnknownAgency(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Loads the demo data if the database holds no consultation yet; returns whether it did.
pub async fn load_if_empty(db: &Db, now: DateTime<Utc>) -> Result<bool, DemoError> {
    if consultations::count(db).await? > 0 {
        return Ok(false);
    }
    let file: DemoFile = serde_json::from_str(include_str!("demo.json"))?;
    let mut created = Vec::new();
    for a in &file.agencies {
        let agency = match agencies::by_slug(db, &a.slug).await? {
            Some(existing) => existing,
            None => {
                let new = agencies::NewAgency {
                    slug: a.slug.clone(),
                    name: LocalizedText::new(a.name_ar.clone(), a.name_en.clone()),
                    time_zone: a.time_zone.clone(),
                    website: a.website.clone(),
                };
                agencies::create(db, &new, now).await?
            }
        };
        created.push(agency);
    }
    for c in &file.consultations {
        let agency = created
            .iter()
            .find(|a| a.slug == c.agency)
            .ok_or_else(|| DemoError::UnknownAgency(c.slug.clone()))?;
        let new = consultations::NewConsultation {
            slug: c.slug.clone(),
            agency_id: agency.id,
            title: LocalizedText::new(c.title_ar.clone(), c.title_en.clone()),
            summary: LocalizedText::new(c.summary_ar.clone(), c.summary_en.clone()),
            status: c.status,
            opens_at: now + Duration::days(c.opens_in_days),
            closes_at: now + Duration::days(c.closes_in_days),
        };
        consultations::create(db, &new, now).await?;
    }
    Ok(true)
}
