-- Events gain `status` (reported, confirmed, alleged) and `ongoing`.
-- Every stored event is given them as a write now would (the server's
-- default status "reported", ongoing null), so a row written before this
-- renders with every field; the triggers on body keep the derived tables.
UPDATE events SET body = json_set(body, '$.ongoing', NULL,
	'$.status', 'reported')
	WHERE json_type(body, '$.status') IS NULL;

-- GET /v1/events?status= and the timelines' status filter: a virtual
-- generated column indexed with seq, so that a filtered page is read in
-- list order.  (An ongoing event needs no column: resource.c writes its
-- date_hi open-ended, INT64_MAX, so every `from` keeps it.)
ALTER TABLE events ADD COLUMN status TEXT
	GENERATED ALWAYS AS (json_extract(body, '$.status')) VIRTUAL;
CREATE INDEX events_status ON events(status, seq);
