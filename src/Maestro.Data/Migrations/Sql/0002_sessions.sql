-- Reusable system prompts and personas; editing one adds a version, so a session can pin the text it was tested with.
CREATE TABLE prompts (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    kind text NOT NULL CHECK (kind IN ('persona', 'system')),
    description text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE prompt_versions (
    prompt_id uuid NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    version integer NOT NULL,
    content text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (prompt_id, version)
);

-- A session is an agent: auth + model + prompt stack + tools + working directory, and its conversation.
CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    auth_id uuid REFERENCES auths (id) ON DELETE SET NULL,
    model text NOT NULL,
    working_directory text,
    enabled_tools jsonb,                       -- built-in tool names; null = all
    tool_policy jsonb NOT NULL DEFAULT '{}'::jsonb,
    prompt_stack jsonb NOT NULL DEFAULT '[]'::jsonb,
    system_prompt text,
    settings jsonb NOT NULL DEFAULT '{}'::jsonb,
    mcp_server_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
    current_thread_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- A conversation inside a session. "Clear" starts a new thread; a fork copies messages up to a point.
CREATE TABLE threads (
    id uuid PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    title text,
    forked_from_message_id uuid,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX threads_session_idx ON threads (session_id, created_at);

-- One row per message, content blocks inside it (M.E.AI content, JSON). Never a whole-thread blob.
CREATE TABLE messages (
    id uuid PRIMARY KEY,
    thread_id uuid NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    seq bigint NOT NULL,
    role text NOT NULL CHECK (role IN ('user', 'assistant', 'tool', 'summary')),
    content jsonb NOT NULL,
    status text NOT NULL CHECK (status IN ('complete', 'streaming', 'interrupted', 'error', 'cancelled')),
    turn_id uuid,
    provider text,
    model text,
    auth_id uuid,
    auth_label text,
    usage jsonb,
    latency_ms integer,
    first_token_ms integer,
    error text,
    -- Removed from the model's context (a deleted context chunk, or folded into a summary); kept for history.
    excluded_at timestamptz,
    summary_id uuid,
    search tsvector,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT messages_thread_seq_key UNIQUE (thread_id, seq)
);
CREATE INDEX messages_search_idx ON messages USING gin (search);

-- A turn: the model answering one input, with its tool rounds. One active turn per session, across processes.
CREATE TABLE turns (
    id uuid PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    thread_id uuid NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    status text NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled', 'interrupted')),
    owner text NOT NULL,
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    rounds integer NOT NULL DEFAULT 0,
    usage jsonb,
    error text,
    cancel_requested boolean NOT NULL DEFAULT false,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE UNIQUE INDEX turns_one_running_per_session ON turns (session_id) WHERE status = 'running';

-- Tool calls waiting for (or given) a user's decision.
CREATE TABLE approvals (
    id uuid PRIMARY KEY,
    turn_id uuid NOT NULL REFERENCES turns (id) ON DELETE CASCADE,
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    call_id text NOT NULL,
    tool text NOT NULL,
    arguments jsonb NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'approved', 'approved_session', 'denied', 'expired')),
    reason text,
    decided_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX approvals_pending_idx ON approvals (session_id) WHERE status = 'pending';
