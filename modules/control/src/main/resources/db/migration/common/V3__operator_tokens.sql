-- Bearer tokens of operators: only a SHA-256 digest of each token is stored.
CREATE TABLE operator_token (
    token_digest VARCHAR(64) PRIMARY KEY,
    username     VARCHAR(64) NOT NULL,
    role         VARCHAR(16) NOT NULL,
    issued_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX operator_token_user ON operator_token (username);
