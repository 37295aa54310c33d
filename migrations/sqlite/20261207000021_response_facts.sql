-- The impact page and JSON (issue 23). Their figures about answered contributions
-- (per clause and outcome, the response times and their percentiles, the late ones)
-- joined every response to its contributions, one row lookup each among rows that
-- carry their text, and sorted the result: about 200 ms at 20,000 responses. Each
-- membership now carries the facts those figures count, kept by the database whoever
-- writes (the portal, an import, moderation), so that they are read from two indexes
-- in order: the contribution's consultation, clause and whether it is published, the
-- response's current outcome, and the time from the contribution to its first answer.
ALTER TABLE response_members ADD COLUMN consultation_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE response_members ADD COLUMN clause_key TEXT;
ALTER TABLE response_members ADD COLUMN published INTEGER NOT NULL DEFAULT 0;
ALTER TABLE response_members ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
-- Milliseconds from the contribution to `answered_at`; both never change.
ALTER TABLE response_members ADD COLUMN wait_ms INTEGER NOT NULL DEFAULT 0;

UPDATE response_members
   SET (consultation_id, clause_key, published, outcome, wait_ms) = (
       SELECT c.consultation_id, c.clause_key, c.status = 'published', r.outcome,
              CAST(round((julianday(response_members.answered_at) - julianday(c.created_at))
                         * 86400000) AS INTEGER)
         FROM contributions c, agency_responses r
        WHERE c.id = response_members.contribution_id AND r.id = response_members.response_id);

CREATE TRIGGER response_members_facts AFTER INSERT ON response_members BEGIN
    UPDATE response_members
       SET (consultation_id, clause_key, published, outcome, wait_ms) = (
           SELECT c.consultation_id, c.clause_key, c.status = 'published', r.outcome,
                  CAST(round((julianday(NEW.answered_at) - julianday(c.created_at))
                             * 86400000) AS INTEGER)
             FROM contributions c, agency_responses r
            WHERE c.id = NEW.contribution_id AND r.id = NEW.response_id)
     WHERE contribution_id = NEW.contribution_id;
END;
CREATE TRIGGER response_members_published AFTER UPDATE OF status ON contributions BEGIN
    UPDATE response_members SET published = NEW.status = 'published'
     WHERE contribution_id = NEW.id;
END;
CREATE TRIGGER response_members_outcome AFTER UPDATE OF outcome ON agency_responses BEGIN
    UPDATE response_members SET outcome = NEW.outcome WHERE response_id = NEW.id;
END;

-- Per clause and outcome; and in order of waiting time, for the percentiles by offset
-- and the late ones (a range), `answered_at` at hand.
CREATE INDEX response_members_by_clause
    ON response_members (consultation_id, published, clause_key, outcome);
CREATE INDEX response_members_by_wait
    ON response_members (consultation_id, published, wait_ms, answered_at);
