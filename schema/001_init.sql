-- The claim store.  Every resource table has the same generic columns:
--   seq         insertion order; the key of list pagination
--   id          the public id
--   body        the resource's own fields as canonical JSON (every field
--               present, null when unset), exactly as the client gave them
--   computed    stored computed fields as a JSON object (claims: quote_span)
--   version, created_at, updated_at
--   date_lo, date_hi, date_prec
--               the interval [lo, hi) in UTC milliseconds that the
--               resource's partial date(s) denote, and the precision rank
--               (1 year .. 4 time); NULL when undated
-- The columns that filters and references use are generated from body so
-- they can never disagree with it; array members live in side tables kept
-- in step by triggers.

CREATE TABLE actors (
	seq INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	body TEXT NOT NULL,
	computed TEXT,
	version INTEGER NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	date_lo INTEGER,
	date_hi INTEGER,
	date_prec INTEGER,
	kind TEXT GENERATED ALWAYS AS (json_extract(body, '$.kind')) VIRTUAL,
	country TEXT GENERATED ALWAYS AS (json_extract(body, '$.country')) VIRTUAL,
	part_of TEXT GENERATED ALWAYS AS (json_extract(body, '$.part_of')) VIRTUAL
);
CREATE INDEX actors_kind ON actors(kind, seq);
CREATE INDEX actors_country ON actors(country, seq);
CREATE INDEX actors_part_of ON actors(part_of, seq);

CREATE TABLE sources (
	seq INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	body TEXT NOT NULL,
	computed TEXT,
	version INTEGER NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	date_lo INTEGER,
	date_hi INTEGER,
	date_prec INTEGER,
	kind TEXT GENERATED ALWAYS AS (json_extract(body, '$.kind')) VIRTUAL,
	publisher TEXT GENERATED ALWAYS AS (json_extract(body, '$.publisher')) VIRTUAL
);
CREATE INDEX sources_kind ON sources(kind, seq);
CREATE INDEX sources_publisher ON sources(publisher, seq);

CREATE TABLE events (
	seq INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	body TEXT NOT NULL,
	computed TEXT,
	version INTEGER NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	date_lo INTEGER,
	date_hi INTEGER,
	date_prec INTEGER,
	kind TEXT GENERATED ALWAYS AS (json_extract(body, '$.kind')) VIRTUAL,
	country TEXT GENERATED ALWAYS AS (json_extract(body, '$.location.country')) VIRTUAL,
	part_of TEXT GENERATED ALWAYS AS (json_extract(body, '$.part_of')) VIRTUAL
);
CREATE INDEX events_kind ON events(kind, seq);
CREATE INDEX events_country ON events(country, seq);
CREATE INDEX events_part_of ON events(part_of, seq);
CREATE INDEX events_date ON events(date_lo, date_prec, id);

CREATE TABLE event_actors (
	actor_id TEXT NOT NULL,
	event_seq INTEGER NOT NULL REFERENCES events(seq) ON DELETE CASCADE,
	PRIMARY KEY (actor_id, event_seq)
) WITHOUT ROWID;
CREATE INDEX event_actors_event ON event_actors(event_seq);

CREATE TABLE event_tags (
	tag TEXT NOT NULL,
	event_seq INTEGER NOT NULL REFERENCES events(seq) ON DELETE CASCADE,
	PRIMARY KEY (tag, event_seq)
) WITHOUT ROWID;
CREATE INDEX event_tags_event ON event_tags(event_seq);

CREATE TRIGGER events_ai AFTER INSERT ON events BEGIN
	INSERT OR IGNORE INTO event_actors(actor_id, event_seq)
		SELECT json_extract(value, '$.actor'), NEW.seq
		FROM json_each(NEW.body, '$.participants');
	INSERT OR IGNORE INTO event_tags(tag, event_seq)
		SELECT value, NEW.seq FROM json_each(NEW.body, '$.tags');
END;
CREATE TRIGGER events_au AFTER UPDATE OF body ON events BEGIN
	DELETE FROM event_actors WHERE event_seq = OLD.seq;
	DELETE FROM event_tags WHERE event_seq = OLD.seq;
	INSERT OR IGNORE INTO event_actors(actor_id, event_seq)
		SELECT json_extract(value, '$.actor'), NEW.seq
		FROM json_each(NEW.body, '$.participants');
	INSERT OR IGNORE INTO event_tags(tag, event_seq)
		SELECT value, NEW.seq FROM json_each(NEW.body, '$.tags');
END;

CREATE TABLE claims (
	seq INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	body TEXT NOT NULL,
	computed TEXT,
	version INTEGER NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	date_lo INTEGER,
	date_hi INTEGER,
	date_prec INTEGER,
	claimant TEXT GENERATED ALWAYS AS (json_extract(body, '$.claimant')) VIRTUAL,
	source TEXT GENERATED ALWAYS AS (json_extract(body, '$.source')) VIRTUAL,
	via TEXT GENERATED ALWAYS AS (json_extract(body, '$.via')) VIRTUAL,
	stance TEXT GENERATED ALWAYS AS (json_extract(body, '$.stance')) VIRTUAL,
	verdict TEXT GENERATED ALWAYS AS (json_extract(body, '$.verdict')) VIRTUAL,
	stated TEXT GENERATED ALWAYS AS (json_extract(body, '$.stated')) VIRTUAL
);
CREATE INDEX claims_claimant ON claims(claimant, seq);
CREATE INDEX claims_source ON claims(source, seq);
CREATE INDEX claims_via ON claims(via, seq);
CREATE INDEX claims_stance ON claims(stance, seq);
CREATE INDEX claims_verdict ON claims(verdict, seq);
CREATE INDEX claims_date ON claims(date_lo, date_prec, id);

CREATE TABLE claim_events (
	event_id TEXT NOT NULL,
	claim_seq INTEGER NOT NULL REFERENCES claims(seq) ON DELETE CASCADE,
	PRIMARY KEY (event_id, claim_seq)
) WITHOUT ROWID;
CREATE INDEX claim_events_claim ON claim_events(claim_seq);

-- A claim without `stated` is dated by its source's `published`.
CREATE TRIGGER claims_ai AFTER INSERT ON claims BEGIN
	INSERT OR IGNORE INTO claim_events(event_id, claim_seq)
		SELECT value, NEW.seq FROM json_each(NEW.body, '$.events');
	UPDATE claims SET (date_lo, date_hi, date_prec) =
		(SELECT date_lo, date_hi, date_prec FROM sources WHERE id = NEW.source)
	WHERE seq = NEW.seq AND NEW.stated IS NULL;
END;
CREATE TRIGGER claims_au AFTER UPDATE OF body ON claims BEGIN
	DELETE FROM claim_events WHERE claim_seq = OLD.seq;
	INSERT OR IGNORE INTO claim_events(event_id, claim_seq)
		SELECT value, NEW.seq FROM json_each(NEW.body, '$.events');
	UPDATE claims SET (date_lo, date_hi, date_prec) =
		(SELECT date_lo, date_hi, date_prec FROM sources WHERE id = NEW.source)
	WHERE seq = NEW.seq AND NEW.stated IS NULL;
END;
CREATE TRIGGER sources_au_dates AFTER UPDATE OF date_lo, date_hi, date_prec ON sources BEGIN
	UPDATE claims SET date_lo = NEW.date_lo, date_hi = NEW.date_hi,
		date_prec = NEW.date_prec
	WHERE source = NEW.id AND stated IS NULL;
END;

CREATE TABLE relations (
	seq INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	type TEXT NOT NULL,
	from_seq INTEGER NOT NULL REFERENCES claims(seq) ON DELETE CASCADE,
	to_seq INTEGER NOT NULL REFERENCES claims(seq) ON DELETE CASCADE,
	note TEXT,
	created_at TEXT NOT NULL,
	CHECK (from_seq <> to_seq)
);
CREATE INDEX relations_from ON relations(from_seq, type);
CREATE INDEX relations_to ON relations(to_seq, type);
-- For the symmetric types b->a is the same relation as a->b.
CREATE UNIQUE INDEX relations_symmetric
	ON relations(type, min(from_seq, to_seq), max(from_seq, to_seq))
	WHERE type IN ('contradicts', 'supports');
CREATE UNIQUE INDEX relations_directed ON relations(type, from_seq, to_seq);
