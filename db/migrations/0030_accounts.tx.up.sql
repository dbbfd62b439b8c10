-- Accounts without shared passwords: invitation, password-reset and email-change links, and the
-- address model they rest on (README "Accounts and addresses").
--
-- An address is unique within an agency (the users list). It signs in, across all agencies, for
-- at most one user: the one holding a password for it. A user invited but not yet set up holds
-- no password, so an invitation never reserves an address nor tells the inviting agency that
-- another agency uses it; the person who follows the link (who owns the mailbox) is the only
-- one who can learn that the address already signs in elsewhere.
DROP INDEX users_email_key;
CREATE UNIQUE INDEX users_agency_email_key ON users (agency_id, lower(email));
CREATE UNIQUE INDEX users_login_email_key ON users (lower(email)) WHERE password_hash <> '';

-- One-time links. Only the SHA-256 of the token is stored; the token itself exists only in the
-- email that carries it.
CREATE TABLE account_tokens (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agency_id   uuid NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL,
    purpose     text NOT NULL CHECK (purpose IN ('INVITATION', 'PASSWORD_RESET', 'EMAIL_CHANGE')),
    token_hash  bytea NOT NULL UNIQUE,
    -- The address an EMAIL_CHANGE link moves the login to once followed.
    new_email   text CHECK (new_email IS NULL OR length(new_email) BETWEEN 3 AND 254),
    created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    -- Set when a newer link of the same kind, a password change or a deactivation replaces it.
    revoked_at  timestamptz,
    FOREIGN KEY (agency_id, user_id) REFERENCES users (agency_id, id) ON DELETE CASCADE,
    CHECK ((purpose = 'EMAIL_CHANGE') = (new_email IS NOT NULL))
);
CREATE INDEX account_tokens_open_idx ON account_tokens (user_id, purpose) WHERE used_at IS NULL AND revoked_at IS NULL;
