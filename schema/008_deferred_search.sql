-- The search index is brought up to date once per write transaction
-- instead of once per written row.
--
-- FTS5 writes its pending terms out as a new segment whenever a savepoint
-- opens or closes around it, and SQLite opens one around every statement
-- that fires triggers.  With the index kept by triggers, each write made
-- a segment of its own (a third of a write's instructions, a dozen
-- pages), and the segments then had to be merged.  Now the triggers only
-- note which rows changed; the statements registered by handlers/search.c
-- index them just before COMMIT, in the same transaction, so no committed
-- state ever has the index behind the tables.
--
-- search_pending.rowid is the row's search rowid (seq * 4 + kind);
-- `fresh` is 1 while the row was only inserted since the last flush (not
-- in the index yet, nothing to delete from it).
CREATE TABLE search_pending (
	rowid INTEGER PRIMARY KEY,
	fresh INTEGER NOT NULL
);

DROP TRIGGER actors_search_ai;
DROP TRIGGER actors_search_au;
DROP TRIGGER actors_search_ad;
DROP TRIGGER sources_search_ai;
DROP TRIGGER sources_search_au;
DROP TRIGGER sources_search_ad;
DROP TRIGGER events_search_ai;
DROP TRIGGER events_search_au;
DROP TRIGGER events_search_ad;
DROP TRIGGER claims_search_ai;
DROP TRIGGER claims_search_au;
DROP TRIGGER claims_search_ad;

CREATE TRIGGER actors_search_ai AFTER INSERT ON actors BEGIN
	INSERT OR IGNORE INTO search_pending VALUES (NEW.seq * 4, 1);
END;
CREATE TRIGGER actors_search_au AFTER UPDATE OF body ON actors BEGIN
	INSERT OR IGNORE INTO search_pending VALUES (OLD.seq * 4, 0);
END;
CREATE TRIGGER actors_search_ad AFTER DELETE ON actors BEGIN
	INSERT OR IGNORE INTO search_pending VALUES (OLD.seq * 4, 0);
END;
CREATE TRIGGER sources_search_ai AFTER INSERT ON sources BEGIN
	INSERT OR IGNORE INTO search_pending VALUES (NEW.seq * 4 + 1, 1);
END;
CREATE TRIGGER sources_search_au AFTER UPDATE OF body ON sources BEGIN
	INSERT OR IGNORE INTO search_pending VALUES (OLD.seq * 4 + 1, 0);
END;
CREATE TRIGGER sources_search_ad AFTER DELETE ON sources BEGIN
	INSERT OR IGNORE INTO search_pending VALUES (OLD.seq * 4 + 1, 0);
END;
CREATE TRIGGER events_search_ai AFTER INSERT ON events BEGIN
	INSERT OR IGNORE INTO search_pending VALUES (NEW.seq * 4 + 2, 1);
END;
CREATE TRIGGER events_search_au AFTER UPDATE OF body ON events BEGIN
	INSERT OR IGNORE INTO search_pending VALUES (OLD.seq * 4 + 2, 0);
END;
CREATE TRIGGER events_search_ad AFTER DELETE ON events BEGIN
	INSERT OR IGNORE INTO search_pending VALUES (OLD.seq * 4 + 2, 0);
END;
CREATE TRIGGER claims_search_ai AFTER INSERT ON claims BEGIN
	INSERT OR IGNORE INTO search_pending VALUES (NEW.seq * 4 + 3, 1);
END;
CREATE TRIGGER claims_search_au AFTER UPDATE OF body ON claims BEGIN
	INSERT OR IGNORE INTO search_pending VALUES (OLD.seq * 4 + 3, 0);
END;
CREATE TRIGGER claims_search_ad AFTER DELETE ON claims BEGIN
	INSERT OR IGNORE INTO search_pending VALUES (OLD.seq * 4 + 3, 0);
END;
