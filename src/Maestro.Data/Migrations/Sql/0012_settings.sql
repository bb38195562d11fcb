-- Settings made in the UI or the API (prices that override the built-in table, …), one JSON document per key, shared
-- by every instance on this database.
CREATE TABLE settings (
    key text PRIMARY KEY,
    value jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
