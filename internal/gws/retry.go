package gws

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// consistencyRetries is how many times a 404 is retried for a user that may
// have just been created: Google's directory can take a few seconds to show
// a new user to gets, updates and patches.
const consistencyRetries = 5

// call makes one attempt: it waits for the agency's limiter, bounds the
// attempt by the attempt timeout and turns a failure into this package's
// error types, with secret blanked out. A done ctx wins over any other error.
func (c *Client) call(ctx context.Context, secret string, fn func(context.Context) error) error {
	if err := c.limiter.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return fmt.Errorf("wait for rate limiter: %w", err)
	}
	actx, cancel := context.WithTimeout(ctx, c.attemptTimeout)
	defer cancel()
	err := fn(actx)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return classify(err, secret)
}

// do is the retry policy every request goes through: rate limits (429, 403
// with a quota reason), 5xx answers, network errors and timeouts are retried
// up to maxRetries times with exponential backoff and full jitter; anything
// else, or a done ctx, ends at once. The error is prefixed with op.
func (c *Client) do(ctx context.Context, op, secret string, fn func(context.Context) error) error {
	return c.doN(ctx, op, secret, c.maxRetries, fn)
}

// checkRetries bounds the retries of one Check.
const checkRetries = 1

// doN is do with at most maxRetries retries.
func (c *Client) doN(ctx context.Context, op, secret string, maxRetries int, fn func(context.Context) error) error {
	for attempt := 1; ; attempt++ {
		err := c.call(ctx, secret, fn)
		if err == nil {
			return nil
		}
		if !retryable(err) || attempt > maxRetries {
			return wrapOp(op, attempt, err)
		}
		if serr := sleep(ctx, c.backoff(attempt, err)); serr != nil {
			return wrapOp(op, attempt, fmt.Errorf("%w; last error: %w", serr, err))
		}
	}
}

// doVisible is do for a user that may have been created moments ago: a 404 is
// taken for Google's eventual consistency and retried, with backoff, up to
// consistencyRetries times before it is believed.
func (c *Client) doVisible(ctx context.Context, op, secret string, fn func(context.Context) error) error {
	for try := 1; ; try++ {
		err := c.do(ctx, op, secret, fn)
		if err == nil || !errors.Is(err, ErrNotFound) || try > consistencyRetries {
			return err
		}
		if serr := sleep(ctx, c.backoff(try, nil)); serr != nil {
			return fmt.Errorf("gws: %s: %w; last error: %w", op, serr, err)
		}
	}
}

// backoff is the wait before retry number n (1 for the first retry): a
// uniformly random duration up to baseBackoff·2^(n-1), capped at maxBackoff
// ("full jitter", so that many clients hit by the same outage do not retry in
// step). A Retry-After from Google is honoured as a floor.
func (c *Client) backoff(n int, err error) time.Duration {
	ceiling := c.baseBackoff
	for i := 1; i < n && ceiling < maxBackoff; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, maxBackoff)
	d := rand.N(ceiling + 1)
	var ae *apiError
	if errors.As(err, &ae) && ae.retryAfter > d {
		d = ae.retryAfter
	}
	return d
}

// sleep waits d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
