-- Search is what people type (contract §7): English stems, a prefix for
-- the last word, and everything §7 lists indexed.
--
-- The index is rebuilt with the `claimline` tokenizer (store/store.c):
-- `porter unicode61 remove_diacritics 2`, which indexes each word's
-- English stem (`killed` and `kill` are both `kill`; other scripts pass
-- through), plus, at the same position, the word as written when its stem
-- differs, so a prefix typed as far as `liberat` still finds "liberated"
-- (whose stem is `liber`).  Queries look up stems, prefixes the words as
-- written.  The tokenizer lives in the binary: a program that does not
-- link the store cannot read this table.
--
-- Three text columns, weighed by handlers/search.c:
--   label   claim text, event and source title, actor name
--   content claim quote, event and actor description, source text
--   names   the claimant's name and aliases, an event's location name,
--           a source's publisher, an actor's aliases
-- The claimant's names are copied into each claim, so renaming an actor
-- (name or aliases) queues its claims for indexing again: the trigger
-- below, in the same write transaction.  Renames are rare; other changes
-- to an actor touch no claim.
DROP TABLE search;
CREATE VIRTUAL TABLE search USING fts5(
	label, content, names, type UNINDEXED, ref UNINDEXED,
	tokenize = 'claimline'
);

CREATE TRIGGER actors_search_names AFTER UPDATE OF body ON actors
WHEN json_extract(OLD.body, '$.name') IS NOT json_extract(NEW.body, '$.name')
	OR json_extract(OLD.body, '$.aliases') IS NOT
		json_extract(NEW.body, '$.aliases')
BEGIN
	INSERT OR IGNORE INTO search_pending
		SELECT seq * 4 + 3, 0 FROM claims WHERE claimant = NEW.id;
END;

-- Everything is indexed anew, by the statements that finish every write
-- transaction (store/store.c), which the migration runs too.
DELETE FROM search_pending;
INSERT INTO search_pending SELECT seq * 4, 1 FROM actors;
INSERT INTO search_pending SELECT seq * 4 + 1, 1 FROM sources;
INSERT INTO search_pending SELECT seq * 4 + 2, 1 FROM events;
INSERT INTO search_pending SELECT seq * 4 + 3, 1 FROM claims;
