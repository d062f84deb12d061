-- What reads need, kept beside the body so a page does not parse bodies
-- (a source's body holds its whole text) to find a name or a title.
-- Triggers keep every column in step with the body it comes from.

-- links: how many relations involve the row (claims); a claim with none
-- needs no relations lookup when it is shown.
ALTER TABLE claims ADD COLUMN links INTEGER NOT NULL DEFAULT 0;
ALTER TABLE actors ADD COLUMN links INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN links INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN links INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER relations_links_ai AFTER INSERT ON relations BEGIN
	UPDATE claims SET links = links + 1 WHERE seq IN (NEW.from_seq, NEW.to_seq);
END;
CREATE TRIGGER relations_links_ad AFTER DELETE ON relations BEGIN
	UPDATE claims SET links = links - 1 WHERE seq IN (OLD.from_seq, OLD.to_seq);
END;
UPDATE claims SET links = (SELECT count(*) FROM relations
	WHERE from_seq = claims.seq OR to_seq = claims.seq)
	WHERE seq IN (SELECT from_seq FROM relations UNION SELECT to_seq FROM relations);

ALTER TABLE actors ADD COLUMN name TEXT;
ALTER TABLE events ADD COLUMN title TEXT;
ALTER TABLE sources ADD COLUMN title TEXT;
ALTER TABLE sources ADD COLUMN url TEXT;
ALTER TABLE sources ADD COLUMN published TEXT;

CREATE TRIGGER actors_name_ai AFTER INSERT ON actors BEGIN
	UPDATE actors SET name = json_extract(NEW.body, '$.name') WHERE seq = NEW.seq;
END;
CREATE TRIGGER actors_name_au AFTER UPDATE OF body ON actors BEGIN
	UPDATE actors SET name = json_extract(NEW.body, '$.name') WHERE seq = NEW.seq;
END;
CREATE TRIGGER events_title_ai AFTER INSERT ON events BEGIN
	UPDATE events SET title = json_extract(NEW.body, '$.title') WHERE seq = NEW.seq;
END;
CREATE TRIGGER events_title_au AFTER UPDATE OF body ON events BEGIN
	UPDATE events SET title = json_extract(NEW.body, '$.title') WHERE seq = NEW.seq;
END;
CREATE TRIGGER sources_columns_ai AFTER INSERT ON sources BEGIN
	UPDATE sources SET (title, url, published) = (json_extract(NEW.body, '$.title'),
		json_extract(NEW.body, '$.url'), json_extract(NEW.body, '$.published'))
	WHERE seq = NEW.seq;
END;
CREATE TRIGGER sources_columns_au AFTER UPDATE OF body ON sources BEGIN
	UPDATE sources SET (title, url, published) = (json_extract(NEW.body, '$.title'),
		json_extract(NEW.body, '$.url'), json_extract(NEW.body, '$.published'))
	WHERE seq = NEW.seq;
END;

UPDATE actors SET name = json_extract(body, '$.name');
UPDATE events SET title = json_extract(body, '$.title');
UPDATE sources SET (title, url, published) = (json_extract(body, '$.title'),
	json_extract(body, '$.url'), json_extract(body, '$.published'));
