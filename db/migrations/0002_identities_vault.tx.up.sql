-- Identities, their provider statuses, the vault's sealed secrets and the reveal ledger.

CREATE TABLE identities (
    id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agency_id               uuid NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    client_id               uuid,
    scope                   text NOT NULL CHECK (scope IN ('AGENCY', 'CLIENT')),
    platform_key            text REFERENCES platforms (key),
    type                    text NOT NULL CHECK (type IN ('MANAGED_GWS', 'EXTERNAL_LOGIN', 'API_TOKEN')),
    display_name            text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    email                   text CHECK (email IS NULL OR length(email) <= 254),
    login_url               text NOT NULL DEFAULT '' CHECK (length(login_url) <= 2000),
    notes                   text NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
    token_expires_at        timestamptz,
    provisioning_state      text NOT NULL CHECK (provisioning_state IN ('PENDING', 'PROVISIONING', 'PROVISIONED', 'FAILED', 'DEPROVISIONING', 'DELETED')),
    last_error              text NOT NULL DEFAULT '',
    origin                  text NOT NULL DEFAULT 'MANUAL' CHECK (origin IN ('MANUAL', 'ACCESS_REQUEST')),
    origin_request_id       uuid,
    created_by              uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at              timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at              timestamptz NOT NULL DEFAULT clock_timestamp(),
    state_changed_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    credentials_rotated_at  timestamptz,
    UNIQUE (agency_id, id),
    FOREIGN KEY (agency_id, client_id) REFERENCES clients (agency_id, id),
    -- A client-dedicated identity names its client and one platform; an agency identity no client.
    CHECK ((scope = 'CLIENT') = (client_id IS NOT NULL)),
    CHECK (scope = 'AGENCY' OR platform_key IS NOT NULL),
    CHECK (type <> 'MANAGED_GWS' OR email IS NOT NULL)
);
-- At most one live client-dedicated identity per client + platform (SPEC "Identities").
CREATE UNIQUE INDEX identities_one_live_per_client_platform
    ON identities (agency_id, client_id, platform_key)
    WHERE client_id IS NOT NULL AND provisioning_state <> 'DELETED';
-- A managed identity's directory email is unique among live identities.
CREATE UNIQUE INDEX identities_live_email_key ON identities (lower(email))
    WHERE email IS NOT NULL AND provisioning_state <> 'DELETED';
CREATE INDEX identities_client_list_idx ON identities (agency_id, client_id, created_at, id);
CREATE INDEX identities_agency_list_idx ON identities (agency_id, created_at, id) WHERE client_id IS NULL;
CREATE INDEX identities_state_idx ON identities (provisioning_state, state_changed_at);

CREATE TABLE identity_provider_statuses (
    identity_id  uuid NOT NULL,
    agency_id    uuid NOT NULL,
    provider     text NOT NULL CHECK (length(provider) BETWEEN 1 AND 64),
    status       text NOT NULL,
    last_error   text NOT NULL DEFAULT '',
    external_id  text NOT NULL DEFAULT '',
    updated_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (identity_id, provider),
    FOREIGN KEY (agency_id, identity_id) REFERENCES identities (agency_id, id) ON DELETE CASCADE
);

-- Sealed secrets: a fresh data key per secret wrapped by a master key (key_id), the ciphertext
-- bound by AAD to (agency_id, owner_id, purpose).
CREATE TABLE secrets (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agency_id    uuid NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    owner_id     uuid NOT NULL,
    purpose      text NOT NULL,
    key_id       text NOT NULL,
    wrapped_key  bytea NOT NULL,
    ciphertext   bytea NOT NULL,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (agency_id, owner_id, purpose)
);
CREATE INDEX secrets_key_id_idx ON secrets (key_id, id);

-- The reveal ledger: every reveal, with the 30-second window in which it can be read back.
CREATE TABLE reveals (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agency_id    uuid NOT NULL,
    identity_id  uuid NOT NULL,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    expires_at   timestamptz NOT NULL,
    ip           text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT '',
    FOREIGN KEY (agency_id, identity_id) REFERENCES identities (agency_id, id) ON DELETE CASCADE
);
CREATE INDEX reveals_identity_idx ON reveals (agency_id, identity_id, created_at DESC);
CREATE INDEX reveals_user_idx ON reveals (agency_id, user_id, created_at DESC);

-- An agency's identity source (Google Workspace): where managed identities live. Its
-- service-account key is a sealed secret (purpose gws-service-account, owner = the source).
CREATE TABLE identity_sources (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agency_id      uuid NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    kind           text NOT NULL DEFAULT 'GWS' CHECK (kind IN ('GWS')),
    state          text NOT NULL DEFAULT 'NOT_CONFIGURED' CHECK (state IN ('NOT_CONFIGURED', 'CONNECTED', 'ERROR')),
    domain         text NOT NULL CHECK (domain ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$'),
    customer_id    text NOT NULL DEFAULT '',
    admin_subject  text NOT NULL DEFAULT '',
    managed_ou     text NOT NULL DEFAULT '/AccessHive',
    endpoint       text NOT NULL DEFAULT '',
    last_check_at  timestamptz,
    last_sync_at   timestamptz,
    last_error     text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (agency_id, kind)
);
