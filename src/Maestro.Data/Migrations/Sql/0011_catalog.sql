-- Input tokens written to a provider's prompt cache, per call: the providers that charge for cache writes bill them
-- above plain input, so costs need them apart (input_tokens still includes them, as it includes cache reads).
ALTER TABLE usage_records ADD COLUMN cache_write_tokens bigint NOT NULL DEFAULT 0;

-- Whether an auth worked the last time it was used: a refused key and an unreachable base URL stay visible (and a
-- success clears them) instead of every auth reading "active". Written on a change only, never per request.
ALTER TABLE auths
    ADD COLUMN health text CHECK (health IN ('ok', 'key_refused', 'unreachable')),
    ADD COLUMN health_message text,
    ADD COLUMN health_checked_at timestamptz;
