DROP TABLE IF EXISTS notifications, audit_events, outbox, jobs, platform_connections, platforms, sessions, users, clients, agencies CASCADE;
