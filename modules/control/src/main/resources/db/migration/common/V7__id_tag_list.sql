-- Read side of id tags: list, search by prefix, by status or group (parent tag).
CREATE TABLE id_tag_list (
    id_tag        VARCHAR(20) PRIMARY KEY,
    status        VARCHAR(12) NOT NULL,
    expiry_date   TIMESTAMP WITH TIME ZONE,
    parent_id_tag VARCHAR(20),
    version       BIGINT NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX id_tag_list_status ON id_tag_list (status, id_tag);
CREATE INDEX id_tag_list_parent ON id_tag_list (parent_id_tag, id_tag);
