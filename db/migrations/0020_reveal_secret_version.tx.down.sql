ALTER TABLE reveals DROP COLUMN secret_version;
ALTER TABLE reveals DROP COLUMN secret_id;
