-- The usage ledger: one row per provider call with the tokens it used, counted for its auth, session and message and
-- tagged with why it was made (a turn's round, compaction, a title, a one-off chat). Session and auth usage are sums
-- over it, so calls that write no assistant message (compaction summaries before, one-off chats) count too.
-- No foreign keys: usage stays counted for an auth after its session is deleted, and for a session after its auth is.
CREATE TABLE usage_records (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    auth_id uuid NOT NULL,
    provider text NOT NULL,
    model text NOT NULL,
    purpose text NOT NULL CHECK (purpose IN ('turn', 'compaction', 'title', 'chat')),
    session_id uuid,
    message_id uuid,
    input_tokens bigint NOT NULL DEFAULT 0,
    output_tokens bigint NOT NULL DEFAULT 0,
    cached_input_tokens bigint NOT NULL DEFAULT 0,
    reasoning_tokens bigint NOT NULL DEFAULT 0
);
CREATE INDEX usage_records_session_idx ON usage_records (session_id) WHERE session_id IS NOT NULL;
CREATE INDEX usage_records_auth_idx ON usage_records (auth_id);

-- What was counted before the ledger: the usage stored with each message.
INSERT INTO usage_records (at, auth_id, provider, model, purpose, session_id, message_id,
                           input_tokens, output_tokens, cached_input_tokens, reasoning_tokens)
SELECT m.created_at, m.auth_id, coalesce(m.provider, '?'), coalesce(m.model, '?'),
       CASE WHEN m.role = 'summary' THEN 'compaction' ELSE 'turn' END, t.session_id, m.id,
       coalesce((m.usage->>'inputTokenCount')::bigint, 0),
       coalesce((m.usage->>'outputTokenCount')::bigint, 0),
       coalesce((m.usage->>'cachedInputTokenCount')::bigint, 0),
       coalesce((m.usage->>'reasoningTokenCount')::bigint, 0)
FROM messages m
JOIN threads t ON t.id = m.thread_id
WHERE m.usage IS NOT NULL AND m.auth_id IS NOT NULL;
