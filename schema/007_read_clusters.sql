-- Pages read from a few neighbouring pages instead of one scattered page
-- per row.
--
-- A claimant's claims are spread through the claims table (rowid is
-- insertion order), so a page of 50 of them cost 50 table leaf pages.
-- This index keeps, in (claimant, seq) order, every column a claim's
-- representation is written from: a claimant's list page is one range of
-- it, and the claims of that claimant's statements page are looked up in
-- the same few pages.  It indexes the expression, not the generated
-- column `claimant`: SQLite reads the table row for any query that names
-- a generated column, so only a query that names the expression is
-- answered from the index alone.  It replaces claims_claimant
-- (claimant, seq); the other claimant lookups use claims_claimant_date.
-- It costs about the size of the claims table on disk.
CREATE INDEX claims_claimant_entry ON claims(json_extract(body, '$.claimant'),
	seq, id, body, computed, version, created_at, updated_at, links);
DROP INDEX claims_claimant;

-- The names an entry embeds, each from a small index instead of its row
-- (a source's row holds its whole text before these columns).  Lookups
-- name the id as a one-value range: with an equality SQLite prefers the
-- table's unique id index, which does not carry the name.
CREATE INDEX actors_id_name ON actors(id, name);
CREATE INDEX events_id_title ON events(id, title);
CREATE INDEX sources_id_entry ON sources(id, title, url, published);

-- An event's claims with their place on a timeline: claim_events carries
-- each claim's date and id, so an event timeline orders the claims of a
-- subtree from claim_events alone (its rows of one event are neighbours)
-- instead of reading every one of those claims' rows to sort them.
-- Triggers keep the copies equal to the claim's own columns; the dates
-- are read back from the row, since a trigger's NEW is stale once another
-- trigger (a claim dated by its source) has updated the row.
ALTER TABLE claim_events ADD COLUMN date_lo INTEGER;
ALTER TABLE claim_events ADD COLUMN date_prec INTEGER;
ALTER TABLE claim_events ADD COLUMN claim_id TEXT;
UPDATE claim_events SET (date_lo, date_prec, claim_id) =
	(SELECT date_lo, date_prec, id FROM claims WHERE seq = claim_seq);

DROP TRIGGER claims_ai;
CREATE TRIGGER claims_ai AFTER INSERT ON claims BEGIN
	INSERT OR IGNORE INTO claim_events(event_id, claim_seq, date_lo,
			date_prec, claim_id)
		SELECT value, NEW.seq, NEW.date_lo, NEW.date_prec, NEW.id
		FROM json_each(NEW.body, '$.events');
	UPDATE claims SET (date_lo, date_hi, date_prec) =
		(SELECT date_lo, date_hi, date_prec FROM sources WHERE id = NEW.source)
	WHERE seq = NEW.seq AND NEW.stated IS NULL;
END;
DROP TRIGGER claims_au;
CREATE TRIGGER claims_au AFTER UPDATE OF body ON claims BEGIN
	DELETE FROM claim_events WHERE claim_seq = OLD.seq;
	INSERT OR IGNORE INTO claim_events(event_id, claim_seq, date_lo,
			date_prec, claim_id)
		SELECT value, NEW.seq, c.date_lo, c.date_prec, c.id
		FROM json_each(NEW.body, '$.events'), claims AS c
		WHERE c.seq = NEW.seq;
	UPDATE claims SET (date_lo, date_hi, date_prec) =
		(SELECT date_lo, date_hi, date_prec FROM sources WHERE id = NEW.source)
	WHERE seq = NEW.seq AND NEW.stated IS NULL;
END;
CREATE TRIGGER claims_dates_au AFTER UPDATE OF date_lo, date_prec ON claims
BEGIN
	UPDATE claim_events SET (date_lo, date_prec) =
		(SELECT date_lo, date_prec FROM claims WHERE seq = NEW.seq)
	WHERE claim_seq = NEW.seq;
END;
