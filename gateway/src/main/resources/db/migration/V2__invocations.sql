-- How each function's containers scale (dev.kiln.scheduler.api.ScalingPolicy).
ALTER TABLE functions
    ADD COLUMN concurrency        INTEGER NOT NULL DEFAULT 1   CHECK (concurrency BETWEEN 1 AND 1000),
    ADD COLUMN min_scale          INTEGER NOT NULL DEFAULT 0   CHECK (min_scale >= 0),
    ADD COLUMN max_scale          INTEGER NOT NULL DEFAULT 10  CHECK (max_scale BETWEEN 1 AND 10000),
    ADD COLUMN keep_alive_seconds INTEGER NOT NULL DEFAULT 600 CHECK (keep_alive_seconds >= 1),
    ADD COLUMN queue_size         INTEGER NOT NULL DEFAULT 100 CHECK (queue_size BETWEEN 0 AND 100000),
    ADD CONSTRAINT functions_min_le_max CHECK (min_scale <= max_scale);

-- Asynchronous invocations: written (and committed) before the 202, claimed by workers with
-- FOR UPDATE SKIP LOCKED under a lease; an expired lease (a crashed process) is claimed again.
CREATE TABLE invocations (
    id              UUID        PRIMARY KEY,
    function        TEXT        NOT NULL,
    version         INTEGER,
    method          TEXT        NOT NULL,
    path            TEXT        NOT NULL,
    query           TEXT        NOT NULL DEFAULT '',
    headers         JSONB       NOT NULL DEFAULT '{}',
    body            BYTEA       NOT NULL,
    status          TEXT        NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    attempts        INTEGER     NOT NULL DEFAULT 0,
    max_attempts    INTEGER     NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    lease_owner     TEXT,
    lease_until     TIMESTAMPTZ,
    result_status   INTEGER,
    result_headers  JSONB,
    result_body     BYTEA,
    error           TEXT,
    callback_url    TEXT,
    callback_status TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at     TIMESTAMPTZ
);

-- What workers claim: queued ones that are due, and running ones whose lease ran out.
CREATE INDEX invocations_claimable ON invocations (created_at)
    WHERE status IN ('queued', 'running');
CREATE INDEX invocations_by_function ON invocations (function, status, created_at);
