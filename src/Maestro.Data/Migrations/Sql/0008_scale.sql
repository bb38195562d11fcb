-- Many sessions and turns at once.
-- The dashboard pages through sessions, most recently updated first.
CREATE INDEX sessions_updated_at_idx ON sessions (updated_at DESC, id);

-- Crash recovery runs every half minute: it looks only at messages still streaming and turns still running, which
-- stay few however large the history grows.
CREATE INDEX messages_streaming_idx ON messages (turn_id) WHERE status = 'streaming';
CREATE INDEX turns_running_heartbeat_idx ON turns (heartbeat_at) WHERE status = 'running';
