-- SPEC "Identities": an agency identity is "One per: Platform (owned by the agency)". At most one
-- live agency identity per platform, and at most one live agency-wide one (no platform).
DO $$
DECLARE dup text;
BEGIN
    SELECT string_agg(agency_id || '/' || coalesce(platform_key, 'AGENCY_WIDE'), ', ') INTO dup FROM (
        SELECT agency_id, platform_key FROM identities
        WHERE client_id IS NULL AND provisioning_state <> 'DELETED'
        GROUP BY agency_id, platform_key HAVING count(*) > 1) d;
    IF dup IS NOT NULL THEN
        RAISE EXCEPTION 'several live agency identities for one platform (agency/platform: %); delete all but one before migrating', dup;
    END IF;
END $$;
CREATE UNIQUE INDEX identities_one_live_agency_per_platform
    ON identities (agency_id, platform_key)
    WHERE client_id IS NULL AND platform_key IS NOT NULL AND provisioning_state <> 'DELETED';
CREATE UNIQUE INDEX identities_one_live_agency_wide
    ON identities (agency_id)
    WHERE client_id IS NULL AND platform_key IS NULL AND provisioning_state <> 'DELETED';
