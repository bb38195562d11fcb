-- Pages drawn from storage show each tool call's approval, decided or not (a decision stays on its card after a
-- reload), looked up by the calls on the page.
CREATE INDEX approvals_session_call_idx ON approvals (session_id, call_id);
