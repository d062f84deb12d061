-- Reading it back: timelines, statement lists, disputes and search.

-- The longest interval in each table bounds how far before `from` an
-- overlapping entry can start, so range scans on date_lo stay ranges.
CREATE INDEX events_span ON events(date_hi - date_lo);
CREATE INDEX claims_span ON claims(date_hi - date_lo);

-- One actor's statements in date order.
CREATE INDEX claims_claimant_date ON claims(claimant, date_lo, date_prec, id);

-- Disputes: contradictions in creation order.
CREATE INDEX relations_type ON relations(type, seq);

-- Full-text search over claims (text, quote), events (title, description),
-- actors (name, aliases) and sources (title).  The rowid encodes the row:
-- seq * 4 + (0 actor, 1 source, 2 event, 3 claim).  Triggers keep it in
-- step with every write, inside the writing transaction.
CREATE VIRTUAL TABLE search USING fts5(
	label, content, type UNINDEXED, ref UNINDEXED,
	tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER actors_search_ai AFTER INSERT ON actors BEGIN
	INSERT INTO search(rowid, label, content, type, ref) VALUES (
		NEW.seq * 4, json_extract(NEW.body, '$.name'),
		(SELECT group_concat(value, ' ') FROM json_each(NEW.body, '$.aliases')),
		'actor', NEW.id);
END;
CREATE TRIGGER actors_search_au AFTER UPDATE OF body ON actors BEGIN
	DELETE FROM search WHERE rowid = OLD.seq * 4;
	INSERT INTO search(rowid, label, content, type, ref) VALUES (
		NEW.seq * 4, json_extract(NEW.body, '$.name'),
		(SELECT group_concat(value, ' ') FROM json_each(NEW.body, '$.aliases')),
		'actor', NEW.id);
END;
CREATE TRIGGER actors_search_ad AFTER DELETE ON actors BEGIN
	DELETE FROM search WHERE rowid = OLD.seq * 4;
END;

CREATE TRIGGER sources_search_ai AFTER INSERT ON sources BEGIN
	INSERT INTO search(rowid, label, content, type, ref) VALUES (
		NEW.seq * 4 + 1, json_extract(NEW.body, '$.title'), NULL,
		'source', NEW.id);
END;
CREATE TRIGGER sources_search_au AFTER UPDATE OF body ON sources BEGIN
	DELETE FROM search WHERE rowid = OLD.seq * 4 + 1;
	INSERT INTO search(rowid, label, content, type, ref) VALUES (
		NEW.seq * 4 + 1, json_extract(NEW.body, '$.title'), NULL,
		'source', NEW.id);
END;
CREATE TRIGGER sources_search_ad AFTER DELETE ON sources BEGIN
	DELETE FROM search WHERE rowid = OLD.seq * 4 + 1;
END;

CREATE TRIGGER events_search_ai AFTER INSERT ON events BEGIN
	INSERT INTO search(rowid, label, content, type, ref) VALUES (
		NEW.seq * 4 + 2, json_extract(NEW.body, '$.title'),
		json_extract(NEW.body, '$.description'), 'event', NEW.id);
END;
CREATE TRIGGER events_search_au AFTER UPDATE OF body ON events BEGIN
	DELETE FROM search WHERE rowid = OLD.seq * 4 + 2;
	INSERT INTO search(rowid, label, content, type, ref) VALUES (
		NEW.seq * 4 + 2, json_extract(NEW.body, '$.title'),
		json_extract(NEW.body, '$.description'), 'event', NEW.id);
END;
CREATE TRIGGER events_search_ad AFTER DELETE ON events BEGIN
	DELETE FROM search WHERE rowid = OLD.seq * 4 + 2;
END;

CREATE TRIGGER claims_search_ai AFTER INSERT ON claims BEGIN
	INSERT INTO search(rowid, label, content, type, ref) VALUES (
		NEW.seq * 4 + 3, json_extract(NEW.body, '$.text'),
		json_extract(NEW.body, '$.quote'), 'claim', NEW.id);
END;
CREATE TRIGGER claims_search_au AFTER UPDATE OF body ON claims BEGIN
	DELETE FROM search WHERE rowid = OLD.seq * 4 + 3;
	INSERT INTO search(rowid, label, content, type, ref) VALUES (
		NEW.seq * 4 + 3, json_extract(NEW.body, '$.text'),
		json_extract(NEW.body, '$.quote'), 'claim', NEW.id);
END;
CREATE TRIGGER claims_search_ad AFTER DELETE ON claims BEGIN
	DELETE FROM search WHERE rowid = OLD.seq * 4 + 3;
END;

-- Stores made before this migration: index what they hold.
INSERT INTO search(rowid, label, content, type, ref)
	SELECT seq * 4, json_extract(body, '$.name'),
		(SELECT group_concat(value, ' ') FROM json_each(body, '$.aliases')),
		'actor', id FROM actors;
INSERT INTO search(rowid, label, content, type, ref)
	SELECT seq * 4 + 1, json_extract(body, '$.title'), NULL, 'source', id
	FROM sources;
INSERT INTO search(rowid, label, content, type, ref)
	SELECT seq * 4 + 2, json_extract(body, '$.title'),
		json_extract(body, '$.description'), 'event', id FROM events;
INSERT INTO search(rowid, label, content, type, ref)
	SELECT seq * 4 + 3, json_extract(body, '$.text'),
		json_extract(body, '$.quote'), 'claim', id FROM claims;
