// Package chaos holds AccessHive's fault suites: tests that run the real binary (bin/accesshive
// serve and worker as child processes) over the test's PostgreSQL schema and Redis database,
// with the fake Google Directory API and an SMTP sink in the test process, inject faults
// (SIGKILL of the worker or of an API replica, master-key rotation, a rewrap killed halfway,
// an hour of mixed traffic) and end by checking invariants — every request provisioned once,
// every job record final, the outbox empty, no e-mail sent twice, every secret readable —
// polling for them with a deadline, never sleeping and hoping.
//
// The short runs are part of `make test`; `make soak` runs the long ones (see the README).
package chaos
