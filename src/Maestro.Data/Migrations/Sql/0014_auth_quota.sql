-- What each auth's provider last said about its limits (rate-limit headers, 429 details): the quota windows, and when
-- the auth was last limited and until when. Written in batches by every instance, read back by the others; synced_at
-- is the database's clock at the write, so instances find each other's changes without trusting their own clocks.
CREATE TABLE auth_quota (
    auth_id uuid PRIMARY KEY REFERENCES auths (id) ON DELETE CASCADE,
    limited_until timestamptz,
    last_kind text,
    last_limited_at timestamptz,
    last_detail text,
    windows jsonb NOT NULL DEFAULT '[]',
    updated_at timestamptz NOT NULL,
    synced_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX auth_quota_synced_at_idx ON auth_quota (synced_at);
