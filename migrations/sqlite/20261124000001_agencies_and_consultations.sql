-- Agencies and the consultations they run. Timestamps are UTC, stored as RFC 3339
-- text (sqlx's encoding of chrono::DateTime<Utc>), which sorts chronologically.

CREATE TABLE agencies (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name_ar     TEXT,
    name_en     TEXT,
    time_zone   TEXT NOT NULL DEFAULT 'Asia/Riyadh',
    website     TEXT,
    created_at  TEXT NOT NULL,
    CHECK (name_ar IS NOT NULL OR name_en IS NOT NULL)
);

CREATE TABLE consultations (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    agency_id   INTEGER NOT NULL REFERENCES agencies (id),
    title_ar    TEXT,
    title_en    TEXT,
    summary_ar  TEXT,
    summary_en  TEXT,
    status      TEXT NOT NULL DEFAULT 'draft'
                CHECK (status IN ('draft', 'scheduled', 'open', 'closed', 'concluded')),
    opens_at    TEXT NOT NULL,
    closes_at   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    CHECK (title_ar IS NOT NULL OR title_en IS NOT NULL),
    CHECK (closes_at > opens_at)
);

CREATE INDEX consultations_by_status_and_close ON consultations (status, closes_at);
CREATE INDEX consultations_by_agency ON consultations (agency_id);
