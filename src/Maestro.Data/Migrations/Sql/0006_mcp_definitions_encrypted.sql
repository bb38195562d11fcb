-- An MCP server's whole definition is a secret: command lines carry `--token X`, URLs carry `?api_key=X` and user-info.
-- Command, args and URL now live in the encrypted `secrets` with the env and headers (same purpose "mcp:{id}" and key
-- id, so key rotation re-encrypts them like any secret), and these columns stay empty. SQL cannot encrypt, so Maestro
-- moves rows written before this migration at startup (McpDefinitionUpgrade) and rewrites the table so their old
-- plaintext leaves its files.
ALTER TABLE mcp_servers DROP CONSTRAINT mcp_servers_target_check;
