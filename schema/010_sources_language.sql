-- GET /v1/sources?language=xx: the language each source is written in, as
-- the generic columns of 001 expose kind and publisher (a virtual
-- generated column), indexed with seq so that a filtered page is read in
-- list order.
ALTER TABLE sources ADD COLUMN language TEXT
	GENERATED ALWAYS AS (json_extract(body, '$.language')) VIRTUAL;
CREATE INDEX sources_language ON sources(language, seq);
