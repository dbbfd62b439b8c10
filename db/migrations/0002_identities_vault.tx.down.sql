DROP TABLE IF EXISTS identity_sources, reveals, secrets, identity_provider_statuses, identities CASCADE;
