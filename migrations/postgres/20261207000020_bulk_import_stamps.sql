-- An import writes every contribution and response of a consultation in one
-- transaction. The stamp triggers (migrations 17 and 18) then update the same
-- consultations row once per row written, and PostgreSQL's cost for each update of a
-- row already updated in the transaction grows with the number before it: 100,000
-- contributions took longer than 8 minutes. An import marks its transaction
-- (`SET LOCAL shura.bulk_import = 'on'`), the triggers leave the stamp alone inside it,
-- and the import moves each consultation's stamp once at its end. Every other writer
-- (the portal, another process) is unchanged.
CREATE FUNCTION bulk_import() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('shura.bulk_import', true), '') = 'on'
$$;

CREATE OR REPLACE FUNCTION contributions_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF bulk_import() THEN RETURN NULL; END IF;
    UPDATE consultations SET threads_stamp = threads_stamp + 1
     WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.consultation_id ELSE NEW.consultation_id END);
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION response_members_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF bulk_import() THEN RETURN NULL; END IF;
    UPDATE consultations SET threads_stamp = threads_stamp + 1
     WHERE id = (SELECT consultation_id FROM contributions
                  WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.contribution_id ELSE NEW.contribution_id END));
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION agency_responses_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF bulk_import() THEN RETURN NULL; END IF;
    UPDATE consultations SET threads_stamp = threads_stamp + 1 WHERE id = NEW.consultation_id;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION response_citations_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF bulk_import() THEN RETURN NULL; END IF;
    UPDATE consultations SET threads_stamp = threads_stamp + 1
     WHERE id = (SELECT consultation_id FROM agency_responses
                  WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.response_id ELSE NEW.response_id END));
    RETURN NULL;
END;
$$;
