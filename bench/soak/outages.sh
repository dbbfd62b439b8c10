#!/usr/bin/env bash
# The long dependency-outage runs of internal/e2e (README "Deadlines and outages"), run by
# `make soak` after soak.sh: the fake directory answering rate limits, 5xx and slow answers for a
# minute, and Redis frozen for 30 s under query and approval load. Bounded at 30 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO="${GO:-go}"
ACCESSHIVE_SOAK=1 exec bin/withenv -- "$GO" test -count=1 -v -timeout "${OUTAGE_SOAK_TIMEOUT:-30m}" \
	-run '^TestSoak(DirectoryOutage|RedisAway)$' ./internal/e2e
