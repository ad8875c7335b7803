-- Schema version 1: settings, run records, per-tool state and validation reports.
-- Frozen once released: change the schema by adding a new version, never by editing this file.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value_json TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    tool_id TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('running', 'ok', 'error', 'timeout', 'cancelled', 'interrupted')),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    duration_ms INTEGER,
    inputs_json TEXT NOT NULL,
    outputs_json TEXT,
    error TEXT,
    stderr_tail TEXT,
    starred INTEGER NOT NULL DEFAULT 0,
    label TEXT
);

-- History of one tool and the global history, newest first; id breaks ties for keyset paging.
CREATE INDEX idx_runs_tool_started ON runs (tool_id, started_at DESC, id DESC);
CREATE INDEX idx_runs_started ON runs (started_at DESC, id DESC);
-- Small partial indexes: few rows are running, starred or labelled at any time.
CREATE INDEX idx_runs_running ON runs (started_at DESC, id DESC) WHERE status = 'running';
CREATE INDEX idx_runs_starred ON runs (started_at DESC, id DESC) WHERE starred = 1;
CREATE INDEX idx_runs_labelled ON runs (started_at DESC, id DESC) WHERE label IS NOT NULL;

CREATE TABLE tool_state (
    tool_id TEXT PRIMARY KEY,
    last_inputs_json TEXT,
    favourite INTEGER NOT NULL DEFAULT 0,
    pinned INTEGER NOT NULL DEFAULT 0,
    pinned_warm INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0,
    overrides_json TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
);

CREATE TABLE validation_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tool_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    overall TEXT NOT NULL CHECK (overall IN ('pass', 'warn', 'fail')),
    content_hash TEXT,
    report_json TEXT NOT NULL
);

CREATE INDEX idx_reports_tool_created ON validation_reports (tool_id, created_at DESC, id DESC);
-- Pruning by age across all tools.
CREATE INDEX idx_reports_created ON validation_reports (created_at);
