-- Schema version 3: validation summaries carry their check counts, and validate-all jobs.
-- Frozen once released: change the schema by adding a new version, never by editing this file.

-- {"pass": n, "warn": n, "fail": n, "skip": n}: the tools list shows them without reading reports.
ALTER TABLE validation_reports ADD COLUMN counts_json TEXT NOT NULL DEFAULT '{}';

-- Reports saved before this version get their counts from their own checks.
UPDATE validation_reports SET counts_json = (
    SELECT json_object(
        'pass', count(*) FILTER (WHERE json_extract(value, '$.status') = 'pass'),
        'warn', count(*) FILTER (WHERE json_extract(value, '$.status') = 'warn'),
        'fail', count(*) FILTER (WHERE json_extract(value, '$.status') = 'fail'),
        'skip', count(*) FILTER (WHERE json_extract(value, '$.status') = 'skip')
    )
    FROM json_each(CASE WHEN json_type(report_json, '$.checks') = 'array' THEN report_json ELSE '{"checks": []}' END, '$.checks')
    WHERE type = 'object'
);

-- A background validation of every tool (POST /api/tools/validate-all); the launcher runs it
-- and records its progress here, so the progress survives a restart of the web process.
CREATE TABLE validation_jobs (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT,
    state TEXT NOT NULL CHECK (state IN ('running', 'done', 'interrupted')),
    total INTEGER NOT NULL CHECK (total >= 0),
    done INTEGER NOT NULL DEFAULT 0 CHECK (done >= 0),
    current_tool TEXT,
    counts_json TEXT NOT NULL DEFAULT '{"pass": 0, "warn": 0, "fail": 0}'
);

CREATE INDEX idx_validation_jobs_created ON validation_jobs (created_at DESC);
