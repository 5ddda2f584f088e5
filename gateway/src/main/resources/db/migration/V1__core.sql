-- Kiln's control plane: functions and their immutable versions, API keys, builds.

CREATE TABLE functions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            TEXT        NOT NULL UNIQUE,
    -- The version invocations use; null only while the first version is being recorded.
    current_version INTEGER,
    public          BOOLEAN     NOT NULL DEFAULT FALSE,
    created         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated         TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE function_versions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    function_id  BIGINT      NOT NULL REFERENCES functions (id) ON DELETE CASCADE,
    version      INTEGER     NOT NULL CHECK (version > 0),
    -- The function spec (kiln.yaml's fields) as JSON.
    spec         JSONB       NOT NULL,
    -- The image in the control plane's store (name:version) and its manifest digest.
    image_ref    TEXT        NOT NULL,
    image_digest TEXT        NOT NULL,
    -- 'archive' (built from code) or 'image' (deployed from an image reference).
    source       TEXT        NOT NULL,
    created      TIMESTAMPTZ NOT NULL DEFAULT now(),
    immutable    BOOLEAN     NOT NULL DEFAULT TRUE,
    UNIQUE (function_id, version)
);

-- A version never changes: a rollback moves functions.current_version, nothing else.
CREATE FUNCTION kiln_refuse_version_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'function version % is immutable', OLD.version;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER function_versions_immutable
    BEFORE UPDATE ON function_versions
    FOR EACH ROW EXECUTE FUNCTION kiln_refuse_version_update();

CREATE TABLE api_keys (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name      TEXT        NOT NULL,
    -- The first characters of the key, shown in listings so a key can be recognised.
    prefix    TEXT        NOT NULL,
    -- sha256 of the key, hex; the key itself is never stored.
    hash      TEXT        NOT NULL UNIQUE,
    -- Comma-separated: admin, deploy, invoke.
    scopes    TEXT        NOT NULL,
    created   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used TIMESTAMPTZ,
    revoked   TIMESTAMPTZ
);

CREATE TABLE builds (
    id            UUID PRIMARY KEY,
    function_name TEXT        NOT NULL,
    -- running, succeeded, failed
    status        TEXT        NOT NULL,
    log           TEXT        NOT NULL DEFAULT '',
    error         TEXT,
    version       INTEGER,
    created       TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished      TIMESTAMPTZ
);

CREATE INDEX builds_function_name ON builds (function_name, created);
