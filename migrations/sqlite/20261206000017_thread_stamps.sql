-- Read path (issue 27). Open pages ask every 10 s whether a consultation's threads
-- changed; the answer was computed by scanning all its contributions (6 ms at 5,000 on
-- SQLite). Each consultation now carries a counter that the database itself moves on
-- with every change to its contributions (posts, edits, supports, hides, withdrawals)
-- and their responses, whoever writes them (the portal, an import, another process).
ALTER TABLE consultations ADD COLUMN threads_stamp INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER contributions_stamp_insert AFTER INSERT ON contributions BEGIN
    UPDATE consultations SET threads_stamp = threads_stamp + 1 WHERE id = NEW.consultation_id;
END;
CREATE TRIGGER contributions_stamp_update AFTER UPDATE ON contributions BEGIN
    UPDATE consultations SET threads_stamp = threads_stamp + 1 WHERE id = NEW.consultation_id;
END;
CREATE TRIGGER contributions_stamp_delete AFTER DELETE ON contributions BEGIN
    UPDATE consultations SET threads_stamp = threads_stamp + 1 WHERE id = OLD.consultation_id;
END;
CREATE TRIGGER responses_stamp_insert AFTER INSERT ON responses BEGIN
    UPDATE consultations SET threads_stamp = threads_stamp + 1
     WHERE id = (SELECT consultation_id FROM contributions WHERE id = NEW.contribution_id);
END;
CREATE TRIGGER responses_stamp_update AFTER UPDATE ON responses BEGIN
    UPDATE consultations SET threads_stamp = threads_stamp + 1
     WHERE id = (SELECT consultation_id FROM contributions WHERE id = NEW.contribution_id);
END;
CREATE TRIGGER responses_stamp_delete AFTER DELETE ON responses BEGIN
    UPDATE consultations SET threads_stamp = threads_stamp + 1
     WHERE id = (SELECT consultation_id FROM contributions WHERE id = OLD.contribution_id);
END;

-- The counts per clause read only this index, not the rows with their text; the same
-- for the threads sorted by support.
CREATE INDEX contributions_by_clause ON contributions (consultation_id, status, clause_key);
CREATE INDEX contributions_by_support ON contributions (consultation_id, parent_id, support_count, id);
