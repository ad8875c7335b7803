-- Schema version 5: a finished run records what kind of failure ended it.
-- Frozen once released: change the schema by adding a new version, never by editing this file.

-- The failure's kind as the web process named it when the run ended ("tool_error",
-- "tool_failed", "timeout", "crash", "start_failed", "cancelled", "interrupted", ...); NULL for a
-- run that ended well and for runs stored before this version. A skill reading a past run can
-- branch on it, as on the "error.kind" of the answer to the run itself.
ALTER TABLE runs ADD COLUMN error_kind TEXT;
