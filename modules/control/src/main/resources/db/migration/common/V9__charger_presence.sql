-- Whether a charger is connected, written in batches by each node (not journal events: connections come and go
-- too often, and a reconnect storm must not write 10,000 events).
CREATE TABLE charger_presence (
    pile_id   VARCHAR(64) PRIMARY KEY,
    online    BOOLEAN NOT NULL,
    since     TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen TIMESTAMP WITH TIME ZONE NOT NULL
);
