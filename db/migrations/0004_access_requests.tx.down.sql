DROP INDEX IF EXISTS notifications_user_unread_idx;
ALTER TABLE notifications DROP COLUMN IF EXISTS emailed_at;
DROP TABLE IF EXISTS access_requests;
DROP TABLE IF EXISTS role_templates;
