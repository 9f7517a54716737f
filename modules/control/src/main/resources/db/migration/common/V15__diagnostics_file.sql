-- Diagnostics files chargers uploaded after a GetDiagnostics (the bytes are in the blob store under their SHA-256).
CREATE TABLE diagnostics_file (
    diagnostics_id VARCHAR(64) PRIMARY KEY,
    pile_id        VARCHAR(64) NOT NULL,
    file_name      VARCHAR(200) NOT NULL,
    sha256         VARCHAR(64) NOT NULL,
    size_bytes     BIGINT NOT NULL,
    uploaded_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX diagnostics_file_pile ON diagnostics_file (pile_id, uploaded_at);
