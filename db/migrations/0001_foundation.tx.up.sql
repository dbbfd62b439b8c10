-- Foundation: tenants, people, sessions, clients, platforms, jobs, outbox, audit, notifications.
-- Every row of tenant data carries agency_id; composite foreign keys (agency_id, x_id) make it
-- impossible for a row to point at another agency's object.

CREATE TABLE agencies (
    id                            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    access_request_expiry_hours   integer NOT NULL DEFAULT 168 CHECK (access_request_expiry_hours BETWEEN 1 AND 8760),
    naming_template               text NOT NULL DEFAULT '{client}-{platform}@{domain}' CHECK (length(naming_template) BETWEEN 1 AND 200),
    created_at                    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX agencies_name_key ON agencies (lower(name));

CREATE TABLE clients (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agency_id   uuid NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agency_id, id)
);
CREATE UNIQUE INDEX clients_agency_name_key ON clients (agency_id, lower(name));
CREATE INDEX clients_agency_created_idx ON clients (agency_id, created_at, id);

CREATE TABLE users (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agency_id       uuid NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    email           text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role            text NOT NULL CHECK (role IN ('AGENCY_OWNER', 'ADMIN', 'MEMBER', 'CLIENT_USER')),
    client_id       uuid,
    password_hash   text NOT NULL,
    deactivated_at  timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agency_id, id),
    FOREIGN KEY (agency_id, client_id) REFERENCES clients (agency_id, id),
    -- A client user belongs to exactly one client; staff belong to none.
    CHECK ((role = 'CLIENT_USER') = (client_id IS NOT NULL))
);
-- Login is by email alone, so an address is unique across agencies.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_agency_created_idx ON users (agency_id, created_at, id);

CREATE TABLE sessions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash    bytea NOT NULL UNIQUE,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    agency_id     uuid NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    ip            text NOT NULL DEFAULT '',
    user_agent    text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE platforms (
    key   text PRIMARY KEY CHECK (key ~ '^[A-Z][A-Z0-9_]{1,40}$'),
    name  text NOT NULL
);
INSERT INTO platforms (key, name) VALUES
    ('META_ADS', 'Meta Ads'),
    ('GOOGLE_ADS', 'Google Ads'),
    ('GA4', 'Google Analytics 4'),
    ('TIKTOK_ADS', 'TikTok Ads'),
    ('LINKEDIN_ADS', 'LinkedIn Ads');

CREATE TABLE platform_connections (
    agency_id        uuid NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    platform_key     text NOT NULL REFERENCES platforms (key),
    state            text NOT NULL CHECK (state IN ('PENDING', 'OPERATIONAL', 'DEGRADED', 'DISCONNECTED')),
    last_checked_at  timestamptz,
    last_error       text NOT NULL DEFAULT '',
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agency_id, platform_key)
);

CREATE TABLE jobs (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agency_id     uuid REFERENCES agencies (id) ON DELETE CASCADE, -- NULL for system-wide jobs
    type          text NOT NULL,
    queue         text NOT NULL,
    status        text NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'RETRYING')),
    attempts      integer NOT NULL DEFAULT 0,
    max_attempts  integer NOT NULL DEFAULT 1,
    input         jsonb NOT NULL DEFAULT '{}',
    result        jsonb,
    progress      jsonb,
    error         text NOT NULL DEFAULT '',
    created_by    uuid REFERENCES users (id) ON DELETE SET NULL,
    queued_at     timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    finished_at   timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_agency_queued_idx ON jobs (agency_id, queued_at DESC, id DESC);
CREATE INDEX jobs_agency_type_queued_idx ON jobs (agency_id, type, queued_at DESC, id DESC);

-- The outbox: a row written in the same transaction as the state change that needs a job;
-- the relay in the worker moves it to asynq and marks it relayed.
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    job_id      uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    task_type   text NOT NULL,
    queue       text NOT NULL,
    payload     jsonb NOT NULL,
    process_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    relayed_at  timestamptz,
    attempts    integer NOT NULL DEFAULT 0,
    last_error  text NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE relayed_at IS NULL;

CREATE TABLE audit_events (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agency_id      uuid NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    actor_user_id  uuid REFERENCES users (id) ON DELETE SET NULL,
    kind           text NOT NULL,
    target_type    text NOT NULL DEFAULT '',
    target_id      uuid,
    ip             text NOT NULL DEFAULT '',
    user_agent     text NOT NULL DEFAULT '',
    data           jsonb NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_agency_created_idx ON audit_events (agency_id, created_at DESC, id DESC);
CREATE INDEX audit_events_target_idx ON audit_events (agency_id, target_id, created_at DESC);
CREATE INDEX audit_events_actor_idx ON audit_events (agency_id, actor_user_id, created_at DESC);

CREATE TABLE notifications (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agency_id   uuid NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        text NOT NULL,
    title       text NOT NULL,
    body        text NOT NULL DEFAULT '',
    data        jsonb NOT NULL DEFAULT '{}',
    read_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (agency_id, user_id) REFERENCES users (agency_id, id)
);
CREATE INDEX notifications_user_created_idx ON notifications (user_id, created_at DESC, id DESC);
