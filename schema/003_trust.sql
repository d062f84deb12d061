-- Writes you can trust: history and the change feed, API keys,
-- idempotency keys.

-- Every create, update and delete of a resource or relation appends a
-- revision in the same transaction as the change.  seq is the change
-- feed's position.
CREATE TABLE revisions (
	seq INTEGER PRIMARY KEY,
	type TEXT NOT NULL,      -- actor, source, event, claim, relation
	id TEXT NOT NULL,
	op TEXT NOT NULL,        -- create, update, delete
	version INTEGER NOT NULL,
	at TEXT NOT NULL,
	key_name TEXT,
	body TEXT                -- the representation after the change; NULL for delete
);
CREATE INDEX revisions_resource ON revisions(type, id, seq);

-- API keys: the secret is never stored, only a BLAKE2b hash of it; the
-- key's public id locates the row so the hash compare is constant-time.
CREATE TABLE api_keys (
	name TEXT PRIMARY KEY,
	key_id TEXT NOT NULL UNIQUE,
	hash BLOB NOT NULL,
	scope TEXT NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
	created_at TEXT NOT NULL,
	revoked_at TEXT
);

-- Idempotency-Key on POST: the first response, kept 24 hours.
CREATE TABLE idempotency (
	key_name TEXT NOT NULL,
	idem_key TEXT NOT NULL,
	request_hash BLOB NOT NULL,
	status INTEGER NOT NULL,
	location TEXT,
	body TEXT,
	created_ms INTEGER NOT NULL,
	PRIMARY KEY (key_name, idem_key)
) WITHOUT ROWID;
CREATE INDEX idempotency_age ON idempotency(created_ms);

-- Stores made before this migration: their present state becomes the
-- first revision of each resource.
INSERT INTO revisions (type, id, op, version, at, body)
	SELECT 'actor', id, 'create', version, updated_at,
		json_patch(json_object('id', id), body) FROM actors;
INSERT INTO revisions (type, id, op, version, at, body)
	SELECT 'source', id, 'create', version, updated_at,
		json_patch(json_object('id', id), body) FROM sources;
INSERT INTO revisions (type, id, op, version, at, body)
	SELECT 'event', id, 'create', version, updated_at,
		json_patch(json_object('id', id), body) FROM events;
INSERT INTO revisions (type, id, op, version, at, body)
	SELECT 'claim', id, 'create', version, updated_at,
		json_patch(json_object('id', id), body) FROM claims;
