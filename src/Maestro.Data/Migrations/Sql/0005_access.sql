-- Who may use Maestro. Kept in the database so every instance sharing it (and every backup) agrees: the sign-in
-- password's hash, browser sessions and one-time sign-in codes. Sessions and codes are stored only as the SHA-256
-- hash of their secret, so reading this table does not sign anyone in. The access token itself lives in
-- $MAESTRO_HOME/access-token or MAESTRO_ACCESS_TOKEN, never here.

-- At most one row: the password is optional.
CREATE TABLE access_password (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    hash text NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE browser_sessions (
    id_hash bytea PRIMARY KEY,
    method text NOT NULL CHECK (method IN ('token', 'password', 'link')),
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE INDEX browser_sessions_expires_at_idx ON browser_sessions (expires_at);

CREATE TABLE sign_in_codes (
    code_hash bytea PRIMARY KEY,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
