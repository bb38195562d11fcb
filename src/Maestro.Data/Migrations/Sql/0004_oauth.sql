-- OAuth logins in progress, so a login started on one Maestro instance can be completed (a pasted code) on another.
-- `secrets` (the state, the PKCE verifier, the device handle) is encrypted like auth credentials, with the key `key_id`.
CREATE TABLE oauth_flows (
    id uuid PRIMARY KEY,
    provider text NOT NULL,
    auth_name text NOT NULL,
    method text NOT NULL CHECK (method IN ('callback', 'paste', 'device')),
    status text NOT NULL CHECK (status IN ('pending', 'exchanging', 'completed', 'failed', 'expired', 'cancelled')),
    options jsonb NOT NULL DEFAULT '{}'::jsonb,
    authorization_url text,
    redirect_uri text,
    user_code text,
    verification_url text,
    poll_interval_ms integer,
    message text,
    -- No foreign key: the flow keeps its history when the auth is deleted later.
    auth_id uuid,
    secrets bytea NOT NULL,
    key_id text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX oauth_flows_updated_at_idx ON oauth_flows (updated_at);
