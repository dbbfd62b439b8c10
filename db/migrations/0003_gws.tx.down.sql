DROP INDEX IF EXISTS jobs_active_identity_idx;
DROP INDEX IF EXISTS identities_managed_idx;
DROP TABLE IF EXISTS directory_sync_reports;
ALTER TABLE identity_sources DROP CONSTRAINT IF EXISTS identity_sources_agency_id_id_key;
ALTER TABLE identity_sources DROP COLUMN IF EXISTS service_account_email;
