-- Timelines filtered by an event's kind or country, or a claim's stance,
-- walk these in timeline order: a page never sorts the matching rows.
CREATE INDEX events_kind_date ON events(kind, date_lo, date_prec, id);
CREATE INDEX events_country_date ON events(country, date_lo, date_prec, id);
CREATE INDEX claims_stance_date ON claims(stance, date_lo, date_prec, id);
