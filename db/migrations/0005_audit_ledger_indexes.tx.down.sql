DROP INDEX IF EXISTS audit_events_kind_idx;

DROP INDEX IF EXISTS audit_events_target_idx;
CREATE INDEX audit_events_target_idx ON audit_events (agency_id, target_id, created_at DESC);

DROP INDEX IF EXISTS audit_events_actor_idx;
CREATE INDEX audit_events_actor_idx ON audit_events (agency_id, actor_user_id, created_at DESC);
