-- Tariff versions as lists and the scheduler read them (the tariff entity holds the documents): projected from its
-- events. A scope is network, station:<id> or charger:<id>.
CREATE TABLE tariff_version (
    scope          VARCHAR(80) NOT NULL,
    number         INT NOT NULL,
    currency       VARCHAR(3) NOT NULL,
    effective_from TIMESTAMP WITH TIME ZONE NOT NULL,
    requested_from TIMESTAMP WITH TIME ZONE NOT NULL,
    submitted_by   VARCHAR(64) NOT NULL,
    published_by   VARCHAR(64) NOT NULL,
    published_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    took_effect_at TIMESTAMP WITH TIME ZONE,
    cancelled_at   TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (scope, number)
);
-- the scheduler's question: which scopes have a version due that has not been seen to take effect
CREATE INDEX tariff_version_due ON tariff_version (took_effect_at, effective_from);

-- tariff scopes are longer than station and charger ids
ALTER TABLE review_queue ALTER COLUMN entity_id SET DATA TYPE VARCHAR(80);
ALTER TABLE audit_log ALTER COLUMN entity_id SET DATA TYPE VARCHAR(80);
