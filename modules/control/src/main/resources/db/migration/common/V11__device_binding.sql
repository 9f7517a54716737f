-- A copy of each device's binding (which pile, which secret, which serial), written by the device entity after
-- each of its events, so that a connecting charger is admitted without recovering the entity. Trusted only when
-- seq_nr equals the highest sequence number of the device in the journal (see DeviceBindings).
CREATE TABLE device_binding (
    identity      VARCHAR(255) PRIMARY KEY,
    pile_id       VARCHAR(255),
    serial_number VARCHAR(255),
    secret_digest VARCHAR(64),
    bound_at      TIMESTAMP WITH TIME ZONE,
    seq_nr        BIGINT NOT NULL
);
