-- MCP servers that sessions attach (sessions.mcp_server_ids holds their ids). Env values and headers often carry tokens:
-- they live only in `secrets` (JSON {"env", "headers"}), encrypted with AES-256-GCM for the purpose "mcp:{id}" under the
-- key named by `key_id`. `version` grows with every edit, so running processes know to reconnect.
CREATE TABLE mcp_servers (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    transport text NOT NULL CHECK (transport IN ('stdio', 'http', 'sse')),
    command text,
    args jsonb NOT NULL DEFAULT '[]'::jsonb,
    working_directory text,
    url text,
    secrets bytea NOT NULL,
    key_id text NOT NULL,
    enabled boolean NOT NULL DEFAULT true,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT mcp_servers_target_check CHECK (
        (transport = 'stdio' AND command IS NOT NULL AND url IS NULL) OR
        (transport <> 'stdio' AND url IS NOT NULL AND command IS NULL))
);
