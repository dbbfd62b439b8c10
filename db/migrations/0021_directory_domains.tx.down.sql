DROP INDEX identities_live_email_key;
CREATE UNIQUE INDEX identities_live_email_key ON identities (lower(email))
    WHERE email IS NOT NULL AND provisioning_state <> 'DELETED';
UPDATE identity_sources SET state = 'NOT_CONFIGURED' WHERE state = 'CHECKING';
ALTER TABLE identity_sources DROP CONSTRAINT identity_sources_state_check;
ALTER TABLE identity_sources ADD CONSTRAINT identity_sources_state_check
    CHECK (state IN ('NOT_CONFIGURED', 'CONNECTED', 'ERROR'));
DROP TABLE directory_domains;
