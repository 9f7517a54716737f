-- Read side of chargers: lists by station, model, status, search by number.
CREATE TABLE charger_list (
    pile_id         VARCHAR(64) PRIMARY KEY,
    charger_number  VARCHAR(64),
    station_id      VARCHAR(64),
    model           VARCHAR(100),
    status          VARCHAR(20),
    max_power_kw    DOUBLE PRECISION,
    connector_count INT NOT NULL DEFAULT 0,
    connector_types VARCHAR(200),
    identity        VARCHAR(64),
    pending_change  VARCHAR(64),
    version         BIGINT NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX charger_list_station ON charger_list (station_id, pile_id);
CREATE INDEX charger_list_model ON charger_list (model, pile_id);
CREATE INDEX charger_list_status ON charger_list (status, pile_id);
CREATE INDEX charger_list_number ON charger_list (charger_number);
