-- Responses written on the portal (issue 23). A response is the agency's answer to one
-- or more contributions making the same point; it can be revised, and every revision
-- stays public; it can cite the clauses of later versions that changed because of it.
-- The one-per-contribution `responses` table moves in as one-member responses.
CREATE TABLE agency_responses (
    id                 INTEGER PRIMARY KEY,
    consultation_id    INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    outcome            TEXT NOT NULL CHECK (outcome IN
                       ('accepted', 'partly_accepted', 'not_adopted', 'noted', 'out_of_scope')),
    reasons_ar         TEXT,
    reasons_en         TEXT,
    -- Who wrote the current revision, as shown beside it: kept as written, so that the
    -- record stays true after the person leaves. NULL: imported from the agency's records.
    responder_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    responder_name     TEXT,
    responder_role     TEXT,
    responder_mandate  TEXT,
    revision           INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK (outcome = 'noted' OR reasons_ar IS NOT NULL OR reasons_en IS NOT NULL)
);
CREATE INDEX agency_responses_by_consultation ON agency_responses (consultation_id, outcome);

-- Every revision, the current one included.
CREATE TABLE response_revisions (
    response_id        INTEGER NOT NULL REFERENCES agency_responses (id) ON DELETE CASCADE,
    revision           INTEGER NOT NULL,
    outcome            TEXT NOT NULL,
    reasons_ar         TEXT,
    reasons_en         TEXT,
    responder_name     TEXT,
    responder_role     TEXT,
    responder_mandate  TEXT,
    written_at         TEXT NOT NULL,
    PRIMARY KEY (response_id, revision)
);

-- A contribution belongs to at most one current response; `answered_at` is when it was
-- first answered, which the response times count to.
CREATE TABLE response_members (
    contribution_id  INTEGER PRIMARY KEY REFERENCES contributions (id) ON DELETE CASCADE,
    response_id      INTEGER NOT NULL REFERENCES agency_responses (id) ON DELETE CASCADE,
    answered_at      TEXT NOT NULL
);
CREATE INDEX response_members_by_response ON response_members (response_id);

-- The clauses of a later version that changed because of a response; `clause_key`
-- NULL: the version as a whole.
CREATE TABLE response_citations (
    response_id  INTEGER NOT NULL REFERENCES agency_responses (id) ON DELETE CASCADE,
    version_id   INTEGER NOT NULL REFERENCES consultation_versions (id) ON DELETE CASCADE,
    clause_key   TEXT
);
CREATE INDEX response_citations_by_response ON response_citations (response_id);
CREATE INDEX response_citations_by_version ON response_citations (version_id, clause_key);

-- An agency's published promise: every contribution answered within this many days
-- after the comment period closes.
ALTER TABLE agencies ADD COLUMN response_target_days INTEGER NOT NULL DEFAULT 30
    CHECK (response_target_days BETWEEN 1 AND 365);

INSERT INTO agency_responses (id, consultation_id, outcome, reasons_ar, reasons_en,
                              responder_id, created_at, updated_at)
SELECT r.contribution_id, c.consultation_id, r.outcome, r.reasons_ar, r.reasons_en,
       r.responder_id, r.responded_at, r.responded_at
  FROM responses r JOIN contributions c ON c.id = r.contribution_id;
INSERT INTO response_revisions (response_id, revision, outcome, reasons_ar, reasons_en, written_at)
SELECT id, 1, outcome, reasons_ar, reasons_en, created_at FROM agency_responses;
INSERT INTO response_members (contribution_id, response_id, answered_at)
SELECT id, id, created_at FROM agency_responses;
INSERT INTO response_citations (response_id, version_id, clause_key)
SELECT contribution_id, changed_version, changed_clause FROM responses
 WHERE changed_version IS NOT NULL;

DROP TABLE responses;

-- The threads' stamp (20261206000017) moves on with the answers too.
CREATE TRIGGER response_members_stamp_insert AFTER INSERT ON response_members BEGIN
    UPDATE consultations SET threads_stamp = threads_stamp + 1
     WHERE id = (SELECT consultation_id FROM contributions WHERE id = NEW.contribution_id);
END;
CREATE TRIGGER response_members_stamp_delete AFTER DELETE ON response_members BEGIN
    UPDATE consultations SET threads_stamp = threads_stamp + 1
     WHERE id = (SELECT consultation_id FROM contributions WHERE id = OLD.contribution_id);
END;
CREATE TRIGGER agency_responses_stamp_update AFTER UPDATE ON agency_responses BEGIN
    UPDATE consultations SET threads_stamp = threads_stamp + 1 WHERE id = NEW.consultation_id;
END;
CREATE TRIGGER response_citations_stamp_insert AFTER INSERT ON response_citations BEGIN
    UPDATE consultations SET threads_stamp = threads_stamp + 1
     WHERE id = (SELECT consultation_id FROM agency_responses WHERE id = NEW.response_id);
END;
CREATE TRIGGER response_citations_stamp_delete AFTER DELETE ON response_citations BEGIN
    UPDATE consultations SET threads_stamp = threads_stamp + 1
     WHERE id = (SELECT consultation_id FROM agency_responses WHERE id = OLD.response_id);
END;

-- The response queue lists a consultation's contributions oldest first, and the
-- timing counts those written before a deadline: both walk this index.
CREATE INDEX contributions_by_age ON contributions (consultation_id, status, created_at);
