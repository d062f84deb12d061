-- Claims and events gain `date_text` (the date as the source wrote it), and
-- a claim's quantity gains `measure`.  Every stored row is given them as a
-- write now would (null), so a row written before this renders with every
-- field, as the OpenAPI document promises; the triggers on body keep the
-- derived tables.
UPDATE claims SET body = json_set(body, '$.date_text', NULL)
	WHERE json_type(body, '$.date_text') IS NULL;
UPDATE claims SET body = json_set(body, '$.quantity.measure', NULL)
	WHERE json_type(body, '$.quantity') = 'object'
	AND json_type(body, '$.quantity.measure') IS NULL;
UPDATE events SET body = json_set(body, '$.date_text', NULL)
	WHERE json_type(body, '$.date_text') IS NULL;
