-- A directory domain belongs to one agency: the first whose identity source passed a check
-- against the directory for that domain and customer. Managed identities are created only in
-- the domain an agency holds, and their addresses are unique within that agency, so that no
-- agency can learn of, or reserve, another's addresses.
CREATE TABLE directory_domains (
    domain       text PRIMARY KEY,
    agency_id    uuid NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    source_id    uuid NOT NULL,
    customer_id  text NOT NULL,
    claimed_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    FOREIGN KEY (agency_id, source_id) REFERENCES identity_sources (agency_id, id) ON DELETE CASCADE
);
CREATE INDEX directory_domains_agency_idx ON directory_domains (agency_id);

-- CHECKING: configured, the check the change enqueued has not ended yet.
ALTER TABLE identity_sources DROP CONSTRAINT identity_sources_state_check;
ALTER TABLE identity_sources ADD CONSTRAINT identity_sources_state_check
    CHECK (state IN ('NOT_CONFIGURED', 'CHECKING', 'CONNECTED', 'ERROR'));

-- Sources already connected hold their domain, the earliest checked first; another agency's
-- source on a domain so held is no longer connected.
INSERT INTO directory_domains (domain, agency_id, source_id, customer_id, claimed_at)
SELECT DISTINCT ON (domain) domain, agency_id, id, customer_id, coalesce(last_check_at, created_at)
FROM identity_sources WHERE state = 'CONNECTED'
ORDER BY domain, last_check_at NULLS LAST, created_at, id;
UPDATE identity_sources s SET state = 'ERROR',
    last_error = 'This domain is connected to another AccessHive account.'
WHERE state = 'CONNECTED'
  AND NOT EXISTS (SELECT 1 FROM directory_domains d WHERE d.domain = s.domain AND d.agency_id = s.agency_id);

-- A managed address is unique within the agency that holds its domain (not across agencies,
-- which told one agency about another's addresses).
DROP INDEX identities_live_email_key;
CREATE UNIQUE INDEX identities_live_email_key ON identities (agency_id, lower(email))
    WHERE email IS NOT NULL AND provisioning_state <> 'DELETED';
