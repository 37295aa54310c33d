-- The agency's documented response to a contribution: what it decided (accepted,
-- partly accepted, not adopted, noted), why, and — when the draft changed because of
-- it — the clause of the later version that changed. One per contribution.
CREATE TABLE responses (
    contribution_id  INTEGER PRIMARY KEY REFERENCES contributions (id) ON DELETE CASCADE,
    outcome          TEXT NOT NULL
                     CHECK (outcome IN ('accepted', 'partly_accepted', 'not_adopted', 'noted')),
    reasons_ar       TEXT,
    reasons_en       TEXT,
    changed_version  INTEGER REFERENCES consultation_versions (id),
    changed_clause   TEXT,
    -- Staff who wrote it; NULL for responses imported from the agency's own records.
    responder_id     INTEGER REFERENCES users (id),
    responded_at     TEXT NOT NULL,
    CHECK (reasons_ar IS NOT NULL OR reasons_en IS NOT NULL),
    CHECK (changed_clause IS NULL OR changed_version IS NOT NULL)
);
