-- One row per gateway request, written in batches: who asked (key), what answered (route, auth, model), the tokens,
-- the cost when prices are known, and how it ended.
CREATE TABLE gateway_usage (
    id bigserial PRIMARY KEY,
    key_id uuid NOT NULL REFERENCES gateway_keys (id) ON DELETE CASCADE,
    at timestamptz NOT NULL,
    api text NOT NULL,
    route text,
    auth_id uuid,
    auth_label text,
    provider text,
    model text,
    status integer NOT NULL,
    input_tokens bigint NOT NULL DEFAULT 0,
    output_tokens bigint NOT NULL DEFAULT 0,
    cached_input_tokens bigint NOT NULL DEFAULT 0,
    reasoning_tokens bigint NOT NULL DEFAULT 0,
    cost_usd numeric(14, 6),
    latency_ms integer,
    attempts smallint NOT NULL DEFAULT 1
);
CREATE INDEX gateway_usage_key_at_idx ON gateway_usage (key_id, at);
