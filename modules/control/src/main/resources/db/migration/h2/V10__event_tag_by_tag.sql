-- Projections read the journal by tag; see the PostgreSQL migration of the same version.
CREATE INDEX "event_tag_tag_event" ON "event_tag" ("tag", "event_id");
