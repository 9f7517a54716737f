-- Offsets of the read-side projections (pekko-projection-jdbc, lower-case schema).
CREATE TABLE "projection_offset_store" (
    "projection_name" VARCHAR(255) NOT NULL,
    "projection_key"  VARCHAR(255) NOT NULL,
    "current_offset"  VARCHAR(255) NOT NULL,
    "manifest"        VARCHAR(4) NOT NULL,
    "mergeable"       BOOLEAN NOT NULL,
    "last_updated"    BIGINT NOT NULL,
    PRIMARY KEY ("projection_name", "projection_key")
);
CREATE INDEX "projection_name_index" ON "projection_offset_store" ("projection_name");
CREATE TABLE "projection_management" (
    "projection_name" VARCHAR(255) NOT NULL,
    "projection_key"  VARCHAR(255) NOT NULL,
    "paused"          BOOLEAN NOT NULL,
    "last_updated"    BIGINT NOT NULL,
    PRIMARY KEY ("projection_name", "projection_key")
);
