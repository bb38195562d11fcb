-- OpenAI-compatible providers saved from Maestro (the Settings page, the API, `maestro providers add`): the same fields
-- as a providers.json entry, normalized. Every instance on this database serves them; a change is announced on the
-- maestro_providers channel so the others reload without a restart.
CREATE TABLE compat_providers (
    id text PRIMARY KEY,
    display_name text NOT NULL,
    base_url text NOT NULL,
    auth_header text NOT NULL,
    auth_scheme text NOT NULL,
    models_path text NOT NULL,
    chat_path text NOT NULL,
    api_key_required boolean NOT NULL,
    max_tokens_field text NOT NULL,
    default_max_tokens integer,
    default_model text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
