-- The impact page and JSON (issue 23). Their figures about answered contributions
-- (per clause and outcome, the response times and their percentiles, the late ones)
-- joined every response to its contributions, one row lookup each among rows that
-- carry their text, and sorted the result: about 200 ms at 20,000 responses. Each
-- membership now carries the facts those figures count, kept by the database whoever
-- writes (the portal, an import, moderation), so that they are read from two indexes
-- in order: the contribution's consultation, clause and whether it is published, the
-- response's current outcome, and the time from the contribution to its first answer.
ALTER TABLE response_members ADD COLUMN consultation_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE response_members ADD COLUMN clause_key TEXT;
ALTER TABLE response_members ADD COLUMN published BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE response_members ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
-- Milliseconds from the contribution to `answered_at`; both never change.
ALTER TABLE response_members ADD COLUMN wait_ms BIGINT NOT NULL DEFAULT 0;

UPDATE response_members m
   SET consultation_id = c.consultation_id, clause_key = c.clause_key,
       published = c.status = 'published', outcome = r.outcome,
       wait_ms = round(EXTRACT(EPOCH FROM (m.answered_at - c.created_at)) * 1000)::bigint
  FROM contributions c, agency_responses r
 WHERE c.id = m.contribution_id AND r.id = m.response_id;

CREATE FUNCTION response_members_facts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c RECORD;
BEGIN
    -- No such contribution: the defaults stay and the foreign key refuses the row.
    SELECT consultation_id, clause_key, status, created_at INTO c
      FROM contributions WHERE id = NEW.contribution_id;
    IF FOUND THEN
        NEW.consultation_id := c.consultation_id;
        NEW.clause_key := c.clause_key;
        NEW.published := c.status = 'published';
        NEW.wait_ms := round(EXTRACT(EPOCH FROM (NEW.answered_at - c.created_at)) * 1000)::bigint;
    END IF;
    NEW.outcome := coalesce((SELECT outcome FROM agency_responses WHERE id = NEW.response_id), '');
    RETURN NEW;
END;
$$;
CREATE TRIGGER response_members_facts BEFORE INSERT ON response_members
    FOR EACH ROW EXECUTE FUNCTION response_members_facts();

CREATE FUNCTION response_members_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE response_members SET published = NEW.status = 'published'
     WHERE contribution_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER response_members_published AFTER UPDATE OF status ON contributions
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION response_members_published();

CREATE FUNCTION response_members_outcome() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE response_members SET outcome = NEW.outcome WHERE response_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER response_members_outcome AFTER UPDATE OF outcome ON agency_responses
    FOR EACH ROW WHEN (OLD.outcome IS DISTINCT FROM NEW.outcome)
    EXECUTE FUNCTION response_members_outcome();

-- Per clause and outcome; and in order of waiting time, for the percentiles by offset
-- and the late ones (a range), `answered_at` at hand.
CREATE INDEX response_members_by_clause
    ON response_members (consultation_id, published, clause_key, outcome);
CREATE INDEX response_members_by_wait
    ON response_members (consultation_id, published, wait_ms, answered_at);
