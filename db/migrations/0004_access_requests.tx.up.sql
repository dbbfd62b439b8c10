-- Access requests, role templates, and what e-mailed notifications need (SPEC "Access requests").

-- Role templates: named, reusable access patterns that client users pick from and admins manage.
CREATE TABLE role_templates (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agency_id              uuid NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    name                   text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    platform_key           text NOT NULL REFERENCES platforms (key),
    identity_type          text NOT NULL CHECK (identity_type IN ('MANAGED_GWS', 'EXTERNAL_LOGIN', 'API_TOKEN')),
    default_justification  text NOT NULL DEFAULT '' CHECK (length(default_justification) <= 2000),
    created_by             uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (agency_id, id)
);
-- A template's name is unique within its agency, whatever its case.
CREATE UNIQUE INDEX role_templates_agency_name_key ON role_templates (agency_id, lower(name));

CREATE TABLE access_requests (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agency_id         uuid NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    client_id         uuid NOT NULL,
    requester_id      uuid NOT NULL,
    platform_key      text NOT NULL REFERENCES platforms (key),
    identity_type     text NOT NULL CHECK (identity_type IN ('MANAGED_GWS', 'EXTERNAL_LOGIN', 'API_TOKEN')),
    role_template_id  uuid,
    justification     text NOT NULL CHECK (length(justification) BETWEEN 1 AND 2000),
    status            text NOT NULL DEFAULT 'PENDING'
                      CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'PROVISIONED')),
    reason            text CHECK (reason IS NULL OR length(reason) <= 1000),
    decided_by        uuid REFERENCES users (id) ON DELETE SET NULL,
    decided_at        timestamptz,
    expires_at        timestamptz NOT NULL,
    identity_id       uuid,
    reminder_sent_at  timestamptz,
    created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (agency_id, id),
    FOREIGN KEY (agency_id, client_id) REFERENCES clients (agency_id, id),
    FOREIGN KEY (agency_id, requester_id) REFERENCES users (agency_id, id),
    FOREIGN KEY (agency_id, role_template_id) REFERENCES role_templates (agency_id, id),
    -- Identities are never purged (deletion ends in DELETED), so the link can be a plain key.
    FOREIGN KEY (agency_id, identity_id) REFERENCES identities (agency_id, id),
    -- An approved or provisioned request names the identity it created.
    CHECK (status NOT IN ('APPROVED', 'PROVISIONED') OR identity_id IS NOT NULL),
    CHECK (status <> 'PENDING' OR decided_at IS NULL)
);
-- At most one open (PENDING or APPROVED) request per client + platform (SPEC "Access requests").
CREATE UNIQUE INDEX access_requests_one_open_per_client_platform
    ON access_requests (agency_id, client_id, platform_key)
    WHERE status IN ('PENDING', 'APPROVED');
-- Lists: the agency's requests, and one client's, in (created_at, id) order, optionally by status.
CREATE INDEX access_requests_agency_list_idx ON access_requests (agency_id, created_at, id);
CREATE INDEX access_requests_client_list_idx ON access_requests (agency_id, client_id, created_at, id);
CREATE INDEX access_requests_status_list_idx ON access_requests (agency_id, status, created_at, id);
-- The expiry job's scan: pending requests by expiry time.
CREATE INDEX access_requests_pending_expiry_idx ON access_requests (expires_at) WHERE status = 'PENDING';
-- SyncFromIdentity finds the request an identity was created for.
CREATE INDEX access_requests_identity_idx ON access_requests (identity_id) WHERE identity_id IS NOT NULL;

-- Notifications are also e-mailed, once, by a SEND_NOTIFICATION job.
ALTER TABLE notifications ADD COLUMN emailed_at timestamptz;
-- The unread list and count of one user.
CREATE INDEX notifications_user_unread_idx ON notifications (user_id, created_at DESC, id DESC) WHERE read_at IS NULL;
