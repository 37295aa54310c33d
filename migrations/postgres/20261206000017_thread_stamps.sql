-- Read path (issue 27). Open pages ask every 10 s whether a consultation's threads
-- changed; the answer was computed by scanning all its contributions. Each
-- consultation now carries a counter that the database itself moves on with every
-- change to its contributions (posts, edits, supports, hides, withdrawals) and their
-- responses, whoever writes them (the portal, an import, another process).
ALTER TABLE consultations ADD COLUMN threads_stamp BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION contributions_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE consultations SET threads_stamp = threads_stamp + 1
     WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.consultation_id ELSE NEW.consultation_id END);
    RETURN NULL;
END;
$$;
CREATE TRIGGER contributions_stamp AFTER INSERT OR UPDATE OR DELETE ON contributions
    FOR EACH ROW EXECUTE FUNCTION contributions_stamp();

CREATE FUNCTION responses_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE consultations SET threads_stamp = threads_stamp + 1
     WHERE id = (SELECT consultation_id FROM contributions
                  WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.contribution_id ELSE NEW.contribution_id END));
    RETURN NULL;
END;
$$;
CREATE TRIGGER responses_stamp AFTER INSERT OR UPDATE OR DELETE ON responses
    FOR EACH ROW EXECUTE FUNCTION responses_stamp();

-- The counts per clause read only this index, not the rows with their text; the same
-- for the threads sorted by support.
CREATE INDEX contributions_by_clause ON contributions (consultation_id, status, clause_key);
CREATE INDEX contributions_by_support ON contributions (consultation_id, parent_id, support_count, id);
