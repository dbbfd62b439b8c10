DROP INDEX IF EXISTS role_templates_agency_name_key;
DELETE FROM role_templates t WHERE deleted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM access_requests r WHERE r.role_template_id = t.id);
CREATE UNIQUE INDEX role_templates_agency_name_key ON role_templates (agency_id, lower(name));
ALTER TABLE role_templates DROP COLUMN IF EXISTS deleted_at;
ALTER TABLE role_templates DROP COLUMN IF EXISTS updated_at;
DROP INDEX IF EXISTS clients_agency_live_created_idx;
ALTER TABLE clients DROP COLUMN IF EXISTS archive_reason;
ALTER TABLE clients DROP COLUMN IF EXISTS archived_at;
