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
