package gws

import "time"

// SetAttemptTimeout shortens the per-attempt timeout so that tests can provoke
// timeouts quickly.
func SetAttemptTimeout(c *Client, d time.Duration) {
	c.attemptTimeout = d
}
