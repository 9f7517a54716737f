-- Charging orders: one row per session, projected from the pile's session events (start, end, bill). The bill is
-- the pile's (journaled as SessionPriced); a re-rating replaces the row's cost and counts up rated_count.
CREATE TABLE charging_order (
    pile_id          VARCHAR(64) NOT NULL,
    transaction_id   INT NOT NULL,
    station_id       VARCHAR(64),
    connector_id     INT NOT NULL,
    id_tag           VARCHAR(20) NOT NULL,
    status           VARCHAR(10) NOT NULL,
    started_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    stopped_at       TIMESTAMP WITH TIME ZONE,
    meter_start      BIGINT NOT NULL,
    meter_stop       BIGINT,
    energy_wh        BIGINT,
    stop_reason      VARCHAR(40),
    ended_by         VARCHAR(20),
    tariff_scope     VARCHAR(80),
    tariff_version   INT,
    currency         VARCHAR(3),
    electricity      DECIMAL(18, 4),
    service          DECIMAL(18, 4),
    idle             DECIMAL(18, 4),
    total            DECIMAL(18, 4),
    bill_json        TEXT,
    flags            VARCHAR(1000),
    rated_count      INT NOT NULL DEFAULT 0,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (pile_id, transaction_id)
);
CREATE INDEX charging_order_started ON charging_order (started_at, pile_id, transaction_id);
CREATE INDEX charging_order_station ON charging_order (station_id, started_at);
CREATE INDEX charging_order_tag ON charging_order (id_tag, started_at);
