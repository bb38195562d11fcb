-- The gateway: routes (named, ordered lists of auth + model that clients address by name) and gateway keys (what
-- gateway clients authenticate with; stored as SHA-256 hashes, shown once at creation).
CREATE TABLE gateway_routes (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- A route's targets in order. Deleting an auth removes it from the routes that used it.
CREATE TABLE gateway_route_targets (
    route_id uuid NOT NULL REFERENCES gateway_routes (id) ON DELETE CASCADE,
    position integer NOT NULL,
    auth_id uuid NOT NULL REFERENCES auths (id) ON DELETE CASCADE,
    model text NOT NULL,
    PRIMARY KEY (route_id, position)
);
CREATE INDEX gateway_route_targets_auth_idx ON gateway_route_targets (auth_id);

CREATE TABLE gateway_keys (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    key_hash bytea NOT NULL UNIQUE,
    -- The key's first and last characters, so people can tell keys apart; never enough to use it.
    key_hint text NOT NULL,
    -- A key limited to its routes (restricted) or allowed every route and auth.
    restricted boolean NOT NULL,
    budget_usd numeric(14, 6),
    rpm integer,
    tpm integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    last_used_at timestamptz
);

-- The routes a restricted key may use. A route in use by a key cannot be deleted (the key would lose its limits).
CREATE TABLE gateway_key_routes (
    key_id uuid NOT NULL REFERENCES gateway_keys (id) ON DELETE CASCADE,
    route_id uuid NOT NULL REFERENCES gateway_routes (id) ON DELETE RESTRICT,
    position integer NOT NULL,
    PRIMARY KEY (key_id, route_id)
);
