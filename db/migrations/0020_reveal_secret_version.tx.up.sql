-- A reveal shows the credentials as they were when revealed: it names the vault row and version
-- it opened, and reading it back after the secret changed (a rotation) ends it instead of showing
-- the new secret. Reveals made before this migration name none and read back as expired.
ALTER TABLE reveals ADD COLUMN secret_id uuid;
ALTER TABLE reveals ADD COLUMN secret_version integer;
