DROP INDEX IF EXISTS identities_one_live_agency_wide;
DROP INDEX IF EXISTS identities_one_live_agency_per_platform;
