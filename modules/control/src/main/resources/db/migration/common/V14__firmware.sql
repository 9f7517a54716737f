-- Firmware files operators uploaded (the bytes are in the blob store under their SHA-256), and the secret that
-- signs the download links given to chargers (one per database, so every node signs and checks alike).
CREATE TABLE firmware_file (
    firmware_id  VARCHAR(64) PRIMARY KEY,
    file_name    VARCHAR(100) NOT NULL,
    version      VARCHAR(50) NOT NULL,
    size_bytes   BIGINT NOT NULL,
    uploaded_by  VARCHAR(64) NOT NULL,
    uploaded_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE TABLE server_secret (
    name   VARCHAR(40) PRIMARY KEY,
    secret VARCHAR(100) NOT NULL
);
