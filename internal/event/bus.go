package event

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// DefaultBufferSize is how many events a subscriber's channel holds when Options.BufferSize is
// not set.
const DefaultBufferSize = 64

// channelName is the Redis pub/sub channel, after Options.Prefix, that carries every event.
// One channel for all topics and agencies keeps a replica at a single subscription; the replica
// filters locally, through an index, which is cheaper than one Redis channel per subscriber.
const channelName = "events"

// Timing of the subscription loop in Run.
const (
	// healthCheckInterval is how long Run waits on a silent subscription before it pings Redis,
	// and then how long it waits for the answer before it gives the connection up as dead
	// (a half-open TCP connection otherwise reads nothing forever).
	healthCheckInterval = 30 * time.Second
	// minRetryDelay and maxRetryDelay bound the back-off between attempts to resubscribe.
	minRetryDelay = 100 * time.Millisecond
	maxRetryDelay = 5 * time.Second
)

// Options configures a Bus.
type Options struct {
	// Prefix is put before the channel name, e.g. "accesshive:"; tests use a prefix of their
	// own, because pub/sub channels are shared by every Redis database.
	Prefix string
	// Logger receives the bus's logs; nil means slog.Default().
	Logger *slog.Logger
	// BufferSize is the capacity of each subscriber's channel; zero or less means
	// DefaultBufferSize.
	BufferSize int
	// PublishTimeout bounds one Publish; zero or less means DefaultPublishTimeout.
	PublishTimeout time.Duration
}

// DefaultPublishTimeout bounds one Publish when Options.PublishTimeout is not set.
const DefaultPublishTimeout = time.Second

// publishCooldown is how long Publish fails at once after a publish failed for want of Redis:
// a request that announces several changes while Redis is frozen then waits for one timeout,
// not one per event. Events are best effort anyway (the state they announce is committed and
// queried again by clients), so dropping them for a second costs nothing that waiting would
// have saved.
const publishCooldown = time.Second

// ErrUnavailable is returned by Publish while Redis did not answer a recent publish.
var ErrUnavailable = errors.New("event: redis unavailable")

// Bus publishes events to Redis and, once Run is running, fans the events it receives out to
// the subscribers of this process. The worker only publishes; an API replica also runs Run.
// A Bus is safe for concurrent use.
type Bus struct {
	rdb        redis.UniversalClient
	channel    string
	log        *slog.Logger
	bufferSize int
	// healthCheck is healthCheckInterval; tests shorten it.
	healthCheck time.Duration
	// publishTimeout bounds one Publish; downUntil (unix nanoseconds) is when publishes are
	// tried again after one failed.
	publishTimeout time.Duration
	downUntil      atomic.Int64

	started   atomic.Bool
	ready     chan struct{}
	readyOnce sync.Once
	dropped   atomic.Uint64

	// mu guards the fields below and every Subscription's closed flag. Fan-out holds it for
	// reading while it sends (sends never block), and Close and Run's shutdown hold it for
	// writing while they close a channel, so no send can hit a closed channel.
	mu          sync.RWMutex
	routes      map[route]*group
	subscribers int
	registered  uint64
	stopped     bool
}

// route is the index key of local subscribers: an event touches only the subscribers of its own
// topic and agency.
type route struct {
	topic  Topic
	agency uuid.UUID
}

// group holds the subscribers of one route.
type group struct {
	// anyKey holds the subscribers that want every key of the route.
	anyKey map[*Subscription]struct{}
	// byKey holds the subscribers that want one key.
	byKey map[string]map[*Subscription]struct{}
}

// New returns a Bus that publishes with rdb. It only subscribes to Redis once Run is called.
func New(rdb redis.UniversalClient, opts Options) *Bus {
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	size := opts.BufferSize
	if size <= 0 {
		size = DefaultBufferSize
	}
	channel := opts.Prefix + channelName
	timeout := opts.PublishTimeout
	if timeout <= 0 {
		timeout = DefaultPublishTimeout
	}
	return &Bus{
		publishTimeout: timeout,
		rdb:            rdb,
		channel:        channel,
		log:            logger.With(slog.String("channel", channel)),
		bufferSize:     size,
		healthCheck:    healthCheckInterval,
		ready:          make(chan struct{}),
		routes:         make(map[route]*group),
	}
}

var _ Publisher = (*Bus)(nil)

// Publish sends e to every replica with one PUBLISH. It refuses an event without a topic
// (ErrNoTopic) or an agency (ErrNoAgency). A nil error means Redis accepted the event, not that
// anyone received it. It waits at most the publish timeout; after a failure, publishes fail at
// once with ErrUnavailable for publishCooldown.
func (b *Bus) Publish(ctx context.Context, e Event) error {
	if err := e.validate(); err != nil {
		return err
	}
	payload, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("event: encode %s: %w", e.Topic, err)
	}
	if time.Now().UnixNano() < b.downUntil.Load() {
		return fmt.Errorf("event: publish %s: %w", e.Topic, ErrUnavailable)
	}
	pctx, cancel := context.WithTimeout(ctx, b.publishTimeout)
	defer cancel()
	if err := b.rdb.Publish(pctx, b.channel, payload).Err(); err != nil {
		if ctx.Err() == nil {
			// Redis, not the caller, failed: spare the next publishes the same wait.
			b.downUntil.Store(time.Now().Add(publishCooldown).UnixNano())
		}
		return fmt.Errorf("event: publish %s: %w", e.Topic, err)
	}
	return nil
}

// Ready returns a channel that is closed once Run's Redis subscription is confirmed, from when
// events published anywhere reach this process's subscribers.
func (b *Bus) Ready() <-chan struct{} { return b.ready }

// Run subscribes to Redis and fans every event out to the local subscribers until ctx is done;
// it then closes every subscription's channel and returns nil. If the subscription fails, Run
// logs the error and subscribes again with a growing delay; events published in the meantime
// are lost. Run may be called once per Bus.
func (b *Bus) Run(ctx context.Context) error {
	if !b.started.CompareAndSwap(false, true) {
		return errors.New("event: Run called more than once")
	}
	defer b.shutdown()

	delay := minRetryDelay
	for {
		subscribed, err := b.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if subscribed {
			delay = minRetryDelay
		}
		b.log.LogAttrs(ctx, slog.LevelWarn, "event: subscription lost, resubscribing",
			slog.Any("error", err), slog.Duration("retry_in", delay))
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		delay = min(2*delay, maxRetryDelay)
	}
}

// session holds one Redis subscription until it fails or ctx is done, and reports whether
// Redis confirmed it. A failed connection is given up, rather than left to go-redis to
// reconnect, so that every kind of failure takes the one path of Run's back-off.
func (b *Bus) session(ctx context.Context) (subscribed bool, err error) {
	ps := b.rdb.Subscribe(ctx, b.channel)
	defer func() { _ = ps.Close() }()
	// Receive blocks in a network read that ctx does not interrupt; closing the PubSub does.
	stop := context.AfterFunc(ctx, func() { _ = ps.Close() })
	defer stop()

	pinged := false
	for {
		msg, err := ps.ReceiveTimeout(ctx, b.healthCheck)
		if err != nil {
			if ctx.Err() != nil {
				return subscribed, ctx.Err()
			}
			if !isTimeout(err) {
				return subscribed, err
			}
			if pinged {
				return subscribed, fmt.Errorf("no answer to ping within %s: %w", b.healthCheck, err)
			}
			if err := ps.Ping(ctx); err != nil {
				return subscribed, fmt.Errorf("ping: %w", err)
			}
			pinged = true
			continue
		}
		pinged = false // any message proves the connection alive
		switch m := msg.(type) {
		case *redis.Message:
			b.dispatch(ctx, m.Payload)
		case *redis.Subscription:
			if m.Kind == "subscribe" && m.Channel == b.channel {
				subscribed = true
				b.log.LogAttrs(ctx, slog.LevelDebug, "event: subscribed")
				b.readyOnce.Do(func() { close(b.ready) })
			}
		case *redis.Pong:
		default:
			b.log.LogAttrs(ctx, slog.LevelDebug, "event: unexpected pub/sub message",
				slog.String("type", fmt.Sprintf("%T", msg)))
		}
	}
}

// isTimeout reports whether err is a read deadline passing, which on a subscription only means
// that nothing was published.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// dispatch decodes one payload and offers it to the subscribers of its route without blocking:
// a subscriber whose buffer is full loses the event, and the loss is counted.
func (b *Bus) dispatch(ctx context.Context, payload string) {
	var e Event
	if err := json.Unmarshal([]byte(payload), &e); err != nil {
		b.log.LogAttrs(ctx, slog.LevelWarn, "event: undecodable event dropped", slog.Any("error", err))
		return
	}
	if err := e.validate(); err != nil {
		// Publish refuses such events; one may still come from a foreign publisher, and an
		// event without an agency must reach no one.
		b.log.LogAttrs(ctx, slog.LevelWarn, "event: invalid event dropped",
			slog.String("topic", string(e.Topic)), slog.Any("error", err))
		return
	}

	b.mu.RLock()
	defer b.mu.RUnlock()
	g := b.routes[route{topic: e.Topic, agency: e.AgencyID}]
	if g == nil {
		return
	}
	dropped := b.offer(g.anyKey, e)
	if e.Key != "" {
		dropped += b.offer(g.byKey[e.Key], e)
	}
	if dropped > 0 {
		b.log.LogAttrs(ctx, slog.LevelDebug, "event: slow subscribers missed an event",
			slog.String("topic", string(e.Topic)), slog.Int("subscribers", dropped))
	}
}

// offer sends e to each subscriber in subs that has room for it, and returns how many had none.
// The caller holds b.mu for reading.
func (b *Bus) offer(subs map[*Subscription]struct{}, e Event) int {
	dropped := 0
	for s := range subs {
		select {
		case s.ch <- e:
		default:
			dropped++
		}
	}
	if dropped > 0 {
		b.dropped.Add(uint64(dropped))
	}
	return dropped
}

// shutdown closes every subscription when Run ends, and makes later subscriptions start
// closed, since nothing would ever feed them.
func (b *Bus) shutdown() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stopped = true
	for _, g := range b.routes {
		for s := range g.anyKey {
			s.closeLocked()
		}
		for _, subs := range g.byKey {
			for s := range subs {
				s.closeLocked()
			}
		}
	}
	clear(b.routes)
	b.subscribers = 0
}

// Dropped returns how many events were not delivered because a subscriber's buffer was full,
// counted once per subscriber that missed one.
func (b *Bus) Dropped() uint64 { return b.dropped.Load() }

// Subscribers returns how many subscriptions of this process are open.
func (b *Bus) Subscribers() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.subscribers
}

// Registered returns how many subscriptions this process has registered since it started,
// those closed since included. Unlike Subscribers it only grows, so a caller that caused a
// subscription (a websocket client, in end-to-end tests) can tell that it has been registered
// even while other subscriptions close.
func (b *Bus) Registered() uint64 {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.registered
}

// Collectors returns the bus's Prometheus metrics, for the server to register:
// accesshive_event_dropped_total and accesshive_event_subscribers.
func (b *Bus) Collectors() []prometheus.Collector {
	return []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "accesshive_event_dropped_total",
			Help: "Events not delivered because a subscriber's buffer was full.",
		}, func() float64 { return float64(b.Dropped()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "accesshive_event_subscribers",
			Help: "Open event subscriptions in this process.",
		}, func() float64 { return float64(b.Subscribers()) }),
	}
}
