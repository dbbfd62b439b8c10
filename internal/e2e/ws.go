package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
)

// The websocket subprotocols gqlgen speaks.
const (
	ProtoTransportWS = "graphql-transport-ws"
	ProtoGraphQLWS   = "graphql-ws"
)

// Sub is one GraphQL subscription over its own websocket.
type Sub struct {
	t     testing.TB
	conn  *websocket.Conn
	proto string
	msgs  chan wsMsg
	done  chan struct{}
	// answered is closed once the server sends a message about an operation, or the socket
	// closes; answerOnce closes it.
	answered   chan struct{}
	answerOnce sync.Once
}

type wsMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Dial opens a websocket to the client's replica with its session cookie and Origin, and
// returns the HTTP status of a refused upgrade (0 when it succeeded).
func (c *Client) Dial(proto string) (*websocket.Conn, int, error) {
	h := http.Header{}
	if ck := c.Cookie(); ck != "" {
		h.Set("Cookie", "accesshive_session="+ck)
	}
	if c.Origin != "" {
		h.Set("Origin", c.Origin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(c.Base, "http")+"/graphql", &websocket.DialOptions{
		HTTPHeader: h, Subprotocols: []string{proto},
	})
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		return nil, status, err
	}
	return conn, 0, nil
}

// Subscribe starts a subscription over proto and fails the test unless the server accepts
// the connection. Like TrySubscribe, it returns once the subscription is armed.
func (c *Client) Subscribe(proto, query string, vars map[string]any) *Sub {
	c.t.Helper()
	s, err := c.TrySubscribe(proto, query, vars)
	require.NoError(c.t, err)
	return s
}

// armTimeout bounds how long TrySubscribe waits for its subscription to be armed.
const armTimeout = 15 * time.Second

// TrySubscribe is Subscribe returning the connection error instead of failing. It returns once
// the subscription is armed: registered with the event bus of the client's replica, so that
// every event published from then on reaches it, or answered by the server (a refusal, or the
// first message of a subscription the bus does not serve), or once the socket closed.
// graphql-ws does not acknowledge a subscription, so without this wait a test could make a
// change before the server listened for it.
func (c *Client) TrySubscribe(proto, query string, vars map[string]any) (*Sub, error) {
	c.t.Helper()
	defer c.replica.lock()()
	s, err := c.dialAcked(proto)
	if err != nil {
		return nil, err
	}
	before := c.replica.registered()
	s.Start("1", query, vars)
	if err := s.armed(c.replica, before); err != nil {
		return nil, err
	}
	return s, nil
}

// Connect opens an acknowledged websocket without any operation yet (Start sends them), and
// fails the test unless the server accepts it.
func (c *Client) Connect(proto string) *Sub {
	c.t.Helper()
	s, err := c.TryConnect(proto)
	require.NoError(c.t, err)
	return s
}

// TryConnect is Connect returning the connection error instead of failing.
func (c *Client) TryConnect(proto string) (*Sub, error) {
	c.t.Helper()
	// The socket's session watch registers with the bus before the acknowledgement: inside the
	// gate, so that no Subscribe mistakes it for its own subscription.
	defer c.replica.lock()()
	return c.dialAcked(proto)
}

// dialAcked opens a websocket and waits for the server to acknowledge it; the caller holds the
// replica's gate.
func (c *Client) dialAcked(proto string) (*Sub, error) {
	conn, _, err := c.Dial(proto)
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(1 << 20)
	s := &Sub{t: c.t, conn: conn, proto: proto, msgs: make(chan wsMsg, 256), done: make(chan struct{}),
		answered: make(chan struct{})}
	c.t.Cleanup(s.Close)
	go s.read()
	s.send(wsMsg{Type: "connection_init", Payload: json.RawMessage(`{}`)})
	for {
		m, ok := s.next(10 * time.Second)
		if !ok {
			return nil, errClosed
		}
		if m.Type == "connection_ack" {
			return s, nil
		}
		if m.Type == "connection_error" || m.Type == "error" {
			return nil, &wsError{string(m.Payload)}
		}
	}
}

// lock takes the replica's gate and returns its release. A Client that no System made has no
// replica, and nothing to take.
func (r *replica) lock() (unlock func()) {
	if r == nil {
		return func() {}
	}
	r.gate.Lock()
	return r.gate.Unlock
}

// registered is how many subscriptions the replica's bus has registered so far (0 without one).
func (r *replica) registered() uint64 {
	if r == nil {
		return 0
	}
	return r.bus.Registered()
}

// armed waits until r's bus has registered more than before subscriptions, or the server has
// answered an operation on the socket, or closed it. Without a replica it returns at once.
func (s *Sub) armed(r *replica, before uint64) error {
	if r == nil {
		return nil
	}
	deadline := time.NewTimer(armTimeout)
	defer deadline.Stop()
	poll := time.NewTicker(2 * time.Millisecond)
	defer poll.Stop()
	for r.registered() == before {
		select {
		case <-s.answered:
			return nil
		case <-deadline.C:
			return &wsError{"subscription neither registered nor answered within " + armTimeout.String()}
		case <-poll.C:
		}
	}
	return nil
}

// Start sends an operation (a subscription, query or mutation) under id on the socket; Next
// reads what it answers.
func (s *Sub) Start(id, query string, vars map[string]any) {
	start := "subscribe"
	if s.proto == ProtoGraphQLWS {
		start = "start"
	}
	payload, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	s.send(wsMsg{ID: id, Type: start, Payload: payload})
}

// Closed waits up to timeout for the server to close the socket and reports whether it did;
// messages still unread are discarded.
func (s *Sub) Closed(timeout time.Duration) bool {
	deadline := time.After(timeout)
	for {
		select {
		case _, ok := <-s.msgs:
			if !ok {
				return true
			}
		case <-deadline:
			return false
		}
	}
}

type wsError struct{ payload string }

func (e *wsError) Error() string { return "websocket: " + e.payload }

var errClosed = &wsError{"connection closed"}

func (s *Sub) send(m wsMsg) {
	b, _ := json.Marshal(m)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.conn.Write(ctx, websocket.MessageText, b)
}

func (s *Sub) read() {
	defer close(s.msgs)
	defer s.answer()
	for {
		_, b, err := s.conn.Read(context.Background())
		if err != nil {
			return
		}
		var m wsMsg
		if json.Unmarshal(b, &m) != nil {
			continue
		}
		switch m.Type {
		case "ping":
			s.send(wsMsg{Type: "pong"})
			continue
		case "ka", "pong":
			continue
		}
		if m.ID != "" {
			s.answer()
		}
		s.msgs <- m
	}
}

// answer closes s.answered, once.
func (s *Sub) answer() { s.answerOnce.Do(func() { close(s.answered) }) }

func (s *Sub) next(timeout time.Duration) (wsMsg, bool) {
	select {
	case m, ok := <-s.msgs:
		return m, ok
	case <-time.After(timeout):
		return wsMsg{}, false
	}
}

// Event is one message of a subscription: its data, or its errors.
type Event struct {
	Data   json.RawMessage `json:"data"`
	Errors []GQLError      `json:"errors"`
	// Complete is set when the server ended the subscription.
	Complete bool
}

// Next waits for the subscription's next event; ok is false on timeout or a closed socket.
func (s *Sub) Next(timeout time.Duration) (Event, bool) {
	for {
		m, ok := s.next(timeout)
		if !ok {
			return Event{}, false
		}
		switch m.Type {
		case "next", "data":
			var e Event
			_ = json.Unmarshal(m.Payload, &e)
			return e, true
		case "error":
			var errs []GQLError
			if json.Unmarshal(m.Payload, &errs) != nil {
				var one GQLError
				_ = json.Unmarshal(m.Payload, &one)
				errs = []GQLError{one}
			}
			return Event{Errors: errs}, true
		case "complete":
			return Event{Complete: true}, true
		}
	}
}

// Expect waits for the next event and fails the test unless it has data, which it decodes into v.
func (s *Sub) Expect(timeout time.Duration, v any) {
	s.t.Helper()
	e, ok := s.Next(timeout)
	require.True(s.t, ok, "no subscription event within %s", timeout)
	require.Empty(s.t, e.Errors)
	require.False(s.t, e.Complete, "subscription completed")
	require.NoError(s.t, json.Unmarshal(e.Data, v))
}

// ExpectNone fails the test if an event arrives within d.
func (s *Sub) ExpectNone(d time.Duration) {
	s.t.Helper()
	e, ok := s.Next(d)
	require.False(s.t, ok, "unexpected subscription event: %s", e.Data)
}

// Close ends the subscription and its socket.
func (s *Sub) Close() {
	select {
	case <-s.done:
		return
	default:
		close(s.done)
	}
	_ = s.conn.Close(websocket.StatusNormalClosure, "")
}
