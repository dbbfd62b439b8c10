-- Google Workspace: what the identity-source screen shows besides 0002's columns, the directory
-- sync reports (a dry run's mismatches and the repairs later made from them), and the indexes
-- the provisioning watchdog and the sync read through.

-- The service account's address is shown (never its key, which is a sealed secret).
ALTER TABLE identity_sources ADD COLUMN service_account_email text NOT NULL DEFAULT '';
-- Lets reports point at a source of their own agency only.
ALTER TABLE identity_sources ADD CONSTRAINT identity_sources_agency_id_id_key UNIQUE (agency_id, id);

CREATE TABLE directory_sync_reports (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agency_id        uuid NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    source_id        uuid NOT NULL,
    -- The SYNC_DIRECTORY job that wrote the report: one report per job, so that a retried job
    -- replaces its report instead of adding a second one.
    job_id           uuid REFERENCES jobs (id) ON DELETE SET NULL,
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz NOT NULL,
    pages            integer NOT NULL DEFAULT 0 CHECK (pages >= 0),
    users_seen       integer NOT NULL DEFAULT 0 CHECK (users_seen >= 0),
    expected         integer NOT NULL DEFAULT 0 CHECK (expected >= 0),
    -- Mismatches per kind, all of them, even when the list below is truncated.
    mismatch_counts  jsonb NOT NULL DEFAULT '{}',
    -- [{kind, email, identityId, detail}], in directory order, then the missing users.
    mismatches       jsonb NOT NULL DEFAULT '[]',
    truncated        boolean NOT NULL DEFAULT false,
    -- Repairs are explicit actions taken later from the report, once per mismatch kind.
    repaired_at      timestamptz,
    repaired_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    repaired_kinds   text[] NOT NULL DEFAULT '{}',
    repair           jsonb,
    FOREIGN KEY (agency_id, source_id) REFERENCES identity_sources (agency_id, id) ON DELETE CASCADE
);
CREATE INDEX directory_sync_reports_agency_idx ON directory_sync_reports (agency_id, started_at DESC, id DESC);
CREATE UNIQUE INDEX directory_sync_reports_job_key ON directory_sync_reports (job_id) WHERE job_id IS NOT NULL;

-- Directory sync streams an agency's live managed identities.
CREATE INDEX identities_managed_idx ON identities (agency_id)
    WHERE type = 'MANAGED_GWS' AND provisioning_state <> 'DELETED';

-- "Is a job still working on this identity?" (the stuck-provisioning watchdog, sync requests).
CREATE INDEX jobs_active_identity_idx ON jobs (agency_id, type, (input ->> 'identityId'))
    WHERE status IN ('QUEUED', 'RUNNING', 'RETRYING');
