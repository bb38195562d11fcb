-- The approvals inbox lists (and the nav badge counts) every session's pending approvals, oldest first: a partial
-- index keeps that a scan of the few pending rows however many decided ones pile up.
CREATE INDEX approvals_inbox_idx ON approvals (created_at) WHERE status = 'pending';
