-- Offboarded clients are archived, never deleted: their requests, identities and audit trail
-- stay. Lists leave them out unless asked for.
ALTER TABLE clients ADD COLUMN archived_at timestamptz;
ALTER TABLE clients ADD COLUMN archive_reason text CHECK (archive_reason IS NULL OR length(archive_reason) <= 1000);
CREATE INDEX clients_agency_live_created_idx ON clients (agency_id, created_at, id) WHERE archived_at IS NULL;

-- Role templates are edited in place and deleted softly: a past request keeps its own copy of
-- platform, identity type and justification, and its link to the template it was made from.
ALTER TABLE role_templates ADD COLUMN updated_at timestamptz;
ALTER TABLE role_templates ADD COLUMN deleted_at timestamptz;
DROP INDEX role_templates_agency_name_key;
CREATE UNIQUE INDEX role_templates_agency_name_key ON role_templates (agency_id, lower(name)) WHERE deleted_at IS NULL;
