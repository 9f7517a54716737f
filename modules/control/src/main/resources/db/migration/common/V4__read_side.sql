-- Read side: tables that projections of the journal keep up to date (lists, search, the review queue, audit).
CREATE TABLE station_list (
    station_id     VARCHAR(64) PRIMARY KEY,
    name           VARCHAR(120),
    name_lower     VARCHAR(120),
    city           VARCHAR(100),
    country        VARCHAR(2),
    status         VARCHAR(20) NOT NULL,
    latitude       DOUBLE PRECISION,
    longitude      DOUBLE PRECISION,
    pending_change VARCHAR(64),
    charger_count  INT NOT NULL DEFAULT 0,
    version        BIGINT NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX station_list_status ON station_list (status, station_id);
CREATE INDEX station_list_city ON station_list (city, station_id);
CREATE INDEX station_list_name ON station_list (name_lower, station_id);
CREATE INDEX station_list_geo ON station_list (latitude, longitude);

-- Changes waiting for review, of every reviewed kind of record (stations now, chargers and tariffs next).
CREATE TABLE review_queue (
    entity_type  VARCHAR(16) NOT NULL,
    entity_id    VARCHAR(64) NOT NULL,
    change_id    VARCHAR(64) NOT NULL,
    submitted_by VARCHAR(64) NOT NULL,
    submitted_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (entity_type, entity_id)
);
CREATE INDEX review_queue_time ON review_queue (submitted_at);

-- Every operator write: who, when, from where, what changed (before / after as JSON).
CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TIMESTAMP WITH TIME ZONE NOT NULL,
    username    VARCHAR(64) NOT NULL,
    address     VARCHAR(64),
    entity_type VARCHAR(16) NOT NULL,
    entity_id   VARCHAR(64) NOT NULL,
    seq_nr      BIGINT NOT NULL,
    action      VARCHAR(40) NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    UNIQUE (entity_type, entity_id, seq_nr)
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, id);
CREATE INDEX audit_log_user ON audit_log (username, id);
CREATE INDEX audit_log_at ON audit_log (at, id);
