package worker

import "time"

// The worker's own timings, in one place: those of the outbox relay and those of the
// job-recording middleware on the side of a run (the tunable ones are in Config).
const (
	// The outbox relay.

	// relayEnqueueTimeout bounds one enqueue to Redis.
	relayEnqueueTimeout = 5 * time.Second
	// relayMaxBackoff is the longest Run waits between passes while Redis or Postgres fails.
	relayMaxBackoff = 5 * time.Second
	// relayPassTimeout bounds one pass, its transaction included, so that a frozen PostgreSQL
	// ends the pass (and its locks) instead of hanging the relay until it thaws.
	relayPassTimeout = 30 * time.Second

	// The job-recording middleware, talking to Postgres and Redis on the side of a run.

	// recordTimeout bounds each write of a job record. Writes use a context detached from the
	// task's, so that a run that timed out is still recorded.
	recordTimeout = 15 * time.Second
	// publishTimeout bounds each event publication; a failed publication is logged, never fatal.
	publishTimeout = 5 * time.Second
	// progressInterval is the least time between two progress writes of one job (~2/s).
	progressInterval = 500 * time.Millisecond
	// busyPoll is how often a task on its very last asynq delivery polls for a free slot of its
	// agency instead of being handed back (see process).
	busyPoll = 250 * time.Millisecond
)
