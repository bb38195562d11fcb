-- Named credentials. Secrets live only in `credentials`, encrypted (AES-256-GCM) with the key named by `key_id`.
CREATE TABLE auths (
    id uuid PRIMARY KEY,
    provider text NOT NULL,
    name text NOT NULL,
    auth_type text NOT NULL CHECK (auth_type IN ('api_key', 'oauth')),
    credentials bytea NOT NULL,
    key_id text NOT NULL,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'refreshing', 'needs_relogin')),
    status_message text,
    expires_at timestamptz,
    refreshed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT auths_provider_name_key UNIQUE (provider, name)
);

CREATE INDEX auths_expires_at_idx ON auths (expires_at) WHERE auth_type = 'oauth';

-- Small facts about this database, e.g. a value encrypted with the secret key, to detect a wrong key at start.
CREATE TABLE maestro_meta (
    key text PRIMARY KEY,
    value bytea NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
