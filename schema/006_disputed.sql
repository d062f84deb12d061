-- Whether a claim is disputed (in a contradicts relation), kept by
-- triggers, so the disputed filter walks an index in timeline order
-- instead of probing the relations of every claim.
ALTER TABLE claims ADD COLUMN disputed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX claims_disputed_date ON claims(disputed, date_lo, date_prec, id);
CREATE INDEX claims_disputed ON claims(disputed, seq);

CREATE TRIGGER relations_disputed_ai AFTER INSERT ON relations
WHEN NEW.type = 'contradicts' BEGIN
	UPDATE claims SET disputed = 1 WHERE seq IN (NEW.from_seq, NEW.to_seq);
END;
CREATE TRIGGER relations_disputed_ad AFTER DELETE ON relations
WHEN OLD.type = 'contradicts' BEGIN
	UPDATE claims SET disputed = EXISTS (SELECT 1 FROM relations AS d
		WHERE d.type = 'contradicts' AND (d.from_seq = claims.seq OR
		d.to_seq = claims.seq))
	WHERE seq IN (OLD.from_seq, OLD.to_seq);
END;

UPDATE claims SET disputed = 1 WHERE seq IN (
	SELECT from_seq FROM relations WHERE type = 'contradicts'
	UNION SELECT to_seq FROM relations WHERE type = 'contradicts');

-- Timeline walks from a date skip, in the index itself, the entries that
-- started earlier but ended before it: the index carries date_hi.  (A
-- timeline from a date reads events up to a year long and longer ones
-- as two ranges; both stay inside this index.)
DROP INDEX claims_date;
CREATE INDEX claims_date ON claims(date_lo, date_prec, id, date_hi);
DROP INDEX events_date;
CREATE INDEX events_date ON events(date_lo, date_prec, id, date_hi);
