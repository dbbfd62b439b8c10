#!/usr/bin/env bash
# The long fault suites of internal/chaos (README "Fault suites and soak"), run by `make soak`
# inside bin/withenv's throwaway PostgreSQL and Redis:
#   - 200 access requests approved while the worker is SIGKILLed 20 times;
#   - an API replica SIGKILLed under in-flight mutations;
#   - master-key rotation and a rewrap killed halfway, under reveal and update load;
#   - SOAK_DURATION (default 1h) of mixed traffic with memory, goroutines, open files and
#     database connections sampled and required flat, then every invariant checked.
# Every knob can be overridden from the environment, e.g. SOAK_DURATION=2m for a smoke run.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CHAOS_REQUESTS="${CHAOS_REQUESTS:-200}"
export CHAOS_KILLS="${CHAOS_KILLS:-20}"
export CHAOS_API_REQUESTS="${CHAOS_API_REQUESTS:-100}"
export CHAOS_API_KILLS="${CHAOS_API_KILLS:-10}"
export CHAOS_KEY_IDENTITIES="${CHAOS_KEY_IDENTITIES:-5000}"
export SOAK_DURATION="${SOAK_DURATION:-1h}"
export SOAK_REPORT="${SOAK_REPORT:-soak-report.txt}"
GO="${GO:-go}"
exec bin/withenv -- "$GO" test -count=1 -v -timeout "${SOAK_TIMEOUT:-3h}" \
	-run "${SOAK_RUN:-^(TestWorkerKilledWhileApproving|TestAPIKilledMidMutation|TestMasterKeyRotationUnderLoad|TestSoak)$}" \
	./internal/chaos
