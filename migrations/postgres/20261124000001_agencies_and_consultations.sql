-- Agencies and the consultations they run.

CREATE TABLE agencies (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name_ar     TEXT,
    name_en     TEXT,
    time_zone   TEXT NOT NULL DEFAULT 'Asia/Riyadh',
    website     TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    CHECK (name_ar IS NOT NULL OR name_en IS NOT NULL)
);

CREATE TABLE consultations (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    agency_id   BIGINT NOT NULL REFERENCES agencies (id),
    title_ar    TEXT,
    title_en    TEXT,
    summary_ar  TEXT,
    summary_en  TEXT,
    status      TEXT NOT NULL DEFAULT 'draft'
                CHECK (status IN ('draft', 'scheduled', 'open', 'closed', 'concluded')),
    opens_at    TIMESTAMPTZ NOT NULL,
    closes_at   TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    CHECK (title_ar IS NOT NULL OR title_en IS NOT NULL),
    CHECK (closes_at > opens_at)
);

CREATE INDEX consultations_by_status_and_close ON consultations (status, closes_at);
CREATE INDEX consultations_by_agency ON consultations (agency_id);
