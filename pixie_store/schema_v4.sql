-- Schema version 4: a run records the version of the tool that made it.
-- Frozen once released: change the schema by adding a new version, never by editing this file.

-- tool.json's "version" when the run started (NULL when the tool names none, and for runs
-- stored before this version): an export says which version ran, not which is installed now.
ALTER TABLE runs ADD COLUMN tool_version TEXT;
