package event

import "time"

// SetHealthCheck sets how long Run waits on a silent subscription before it pings Redis, so
// tests in package event_test can shorten it.
func (b *Bus) SetHealthCheck(d time.Duration) { b.healthCheck = d }
