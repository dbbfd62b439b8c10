-- The audit trail is listed newest first with a (created_at, id) cursor, filtered by agency and
-- optionally by kind, target (an identity) or actor (a person). Each filter gets an index that
-- ends in (created_at DESC, id DESC), so a page is one index range scan with no sort, however
-- long the history: the kind index is new, and the target and actor indexes of 0001 gain the id.
CREATE INDEX audit_events_kind_idx ON audit_events (agency_id, kind, created_at DESC, id DESC);

DROP INDEX audit_events_target_idx;
CREATE INDEX audit_events_target_idx ON audit_events (agency_id, target_id, created_at DESC, id DESC);

DROP INDEX audit_events_actor_idx;
CREATE INDEX audit_events_actor_idx ON audit_events (agency_id, actor_user_id, created_at DESC, id DESC);
