-- Schema version 2: the artefact library, workspaces and tool tags.
-- Frozen once released: change the schema by adding a new version, never by editing this file.

CREATE TABLE artefacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    tool_id TEXT NOT NULL,
    output_key TEXT,
    rel_path TEXT NOT NULL UNIQUE,
    filename TEXT NOT NULL,
    mime TEXT NOT NULL,
    -- "image" for "image/png": lets the library's family filter use an index.
    mime_family TEXT NOT NULL GENERATED ALWAYS AS (substr(mime, 1, instr(mime || '/', '/') - 1)) VIRTUAL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    starred INTEGER NOT NULL DEFAULT 0,
    label TEXT,
    deleted_at TEXT
);

-- The library lists newest first, live rows (deleted_at IS NULL) by default. Each filter that
-- narrows well has an index in that order, partial on live rows; each also carries the other
-- cheap filter columns after the sort key, so a page or a count for any mix of tool, MIME, star
-- and date is answered from one index without reading table rows. Only label and tag filters
-- read further (the labelled index and artefact_tags keep those small). The bin (deleted rows)
-- is small and has its own index.
CREATE INDEX idx_artefacts_live ON artefacts (created_at DESC, id DESC, tool_id, mime_family, mime, starred, label)
    WHERE deleted_at IS NULL;
CREATE INDEX idx_artefacts_tool ON artefacts (tool_id, created_at DESC, id DESC, mime_family, mime, starred, label)
    WHERE deleted_at IS NULL;
CREATE INDEX idx_artefacts_family ON artefacts (mime_family, created_at DESC, id DESC, tool_id, mime, starred, label)
    WHERE deleted_at IS NULL;
CREATE INDEX idx_artefacts_mime ON artefacts (mime, created_at DESC, id DESC, tool_id, starred, label)
    WHERE deleted_at IS NULL;
CREATE INDEX idx_artefacts_starred ON artefacts (created_at DESC, id DESC, tool_id, mime_family, mime, label)
    WHERE starred = 1 AND deleted_at IS NULL;
CREATE INDEX idx_artefacts_labelled ON artefacts (created_at DESC, id DESC, label, tool_id, mime_family, mime, starred)
    WHERE label IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX idx_artefacts_binned ON artefacts (created_at DESC, id DESC) WHERE deleted_at IS NOT NULL;
-- Needed by artefacts.for_run and by the cascade when a run is deleted.
CREATE INDEX idx_artefacts_run ON artefacts (run_id);

CREATE TABLE artefact_tags (
    artefact_id INTEGER NOT NULL REFERENCES artefacts (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (artefact_id, tag)
);

CREATE INDEX idx_artefact_tags_tag ON artefact_tags (tag, artefact_id);

CREATE TABLE workspaces (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    colour TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE tool_workspaces (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    tool_id TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (workspace_id, tool_id)
);

CREATE INDEX idx_tool_workspaces_tool ON tool_workspaces (tool_id);

CREATE TABLE tool_tags (
    tool_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (tool_id, tag)
);

CREATE INDEX idx_tool_tags_tag ON tool_tags (tag, tool_id);
