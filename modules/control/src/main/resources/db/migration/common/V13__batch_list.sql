-- Command batches as lists show them (the batch entity holds the per-target rows): projected from its events.
CREATE TABLE batch_list (
    batch_id     VARCHAR(64) PRIMARY KEY,
    operation    VARCHAR(64) NOT NULL,
    station_id   VARCHAR(64),
    created_by   VARCHAR(64) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    target_count INTEGER NOT NULL,
    done_count   INTEGER NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX batch_list_created ON batch_list (created_at, batch_id);
