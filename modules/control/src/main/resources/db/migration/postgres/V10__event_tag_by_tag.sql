-- Projections read the journal by tag: "tag = ? AND ordering in (offset, max]". The plugin's event_tag key starts
-- with event_id, so PostgreSQL walked every journal row written since the offset (charger traffic, untagged) on
-- every poll: a growing scan that pushed the full-sessions p99 from 24 ms to over a second (docs/benchmarks.md).
-- With (tag, event_id) it reads the tag's own rows.
CREATE INDEX event_tag_tag_event ON event_tag (tag, event_id);
