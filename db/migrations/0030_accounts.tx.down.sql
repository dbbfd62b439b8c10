DROP TABLE IF EXISTS account_tokens;
DROP INDEX IF EXISTS users_login_email_key;
DROP INDEX IF EXISTS users_agency_email_key;
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
