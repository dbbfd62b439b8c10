package chaos

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Sample is one measurement of one process.
type Sample struct {
	At                               time.Duration
	RSS, Heap, Goroutines, FDs, Conn float64
}

// processSample measures a process: RSS and open files from /proc, heap and goroutines from
// its Prometheus /metrics.
func processSample(p *Proc) (Sample, error) {
	pid := p.Pid()
	if pid == 0 {
		return Sample{}, fmt.Errorf("%s is not running", p.Name)
	}
	var s Sample
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			s.RSS = kb * 1024
		}
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return s, err
	}
	s.FDs = float64(len(fds))
	req, err := http.NewRequest(http.MethodGet, p.URL()+"/metrics", nil)
	if err != nil {
		return s, err
	}
	req.Header.Set("Authorization", "Bearer "+MetricsToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return s, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue
		}
		v, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "go_memstats_heap_alloc_bytes":
			s.Heap = v
		case "go_goroutines":
			s.Goroutines = v
		}
	}
	return s, sc.Err()
}

// quarterMeans returns the means of the four quarters of xs (fewer than four samples: zeros).
func quarterMeans(xs []float64) [4]float64 {
	var out [4]float64
	q := len(xs) / 4
	if q == 0 {
		return out
	}
	for k := 0; k < 4; k++ {
		for _, x := range xs[k*q : (k+1)*q] {
			out[k] += x
		}
		out[k] /= float64(q)
	}
	return out
}

// quarterStats returns the mean of the first and of the last quarter of xs, and the first
// quarter's maximum.
func quarterStats(xs []float64) (firstMean, firstMax, lastMean float64) {
	q := len(xs) / 4
	if q == 0 {
		q = 1
	}
	for _, x := range xs[:q] {
		firstMean += x
		firstMax = max(firstMax, x)
	}
	for _, x := range xs[len(xs)-q:] {
		lastMean += x
	}
	return firstMean / float64(q), firstMax, lastMean / float64(q)
}

// wsSession opens a subscription over graphql-transport-ws with the client's cookie, reads it
// for d, and closes it: a browser tab that comes and goes.
func wsSession(ctx context.Context, c *Client, query string, d time.Duration) (events int, err error) {
	h := http.Header{}
	h.Set("Cookie", "accesshive_session="+c.cookie)
	h.Set("Origin", Origin)
	if c.ForwardedFor != "" {
		h.Set("X-Forwarded-For", c.ForwardedFor)
	}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(dctx, "ws"+strings.TrimPrefix(c.Base, "http")+"/graphql", &websocket.DialOptions{
		HTTPHeader: h, Subprotocols: []string{"graphql-transport-ws"},
	})
	if err != nil {
		return 0, err
	}
	defer conn.CloseNow()
	write := func(v any) error {
		b, _ := json.Marshal(v)
		return conn.Write(dctx, websocket.MessageText, b)
	}
	if err := write(map[string]any{"type": "connection_init", "payload": map[string]any{}}); err != nil {
		return 0, err
	}
	if err := write(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": query}}); err != nil {
		return 0, err
	}
	rctx, rcancel := context.WithTimeout(ctx, d)
	defer rcancel()
	for {
		_, b, err := conn.Read(rctx)
		if err != nil {
			break // the session's time is up (or the server closed it)
		}
		var m struct{ Type string }
		_ = json.Unmarshal(b, &m)
		switch m.Type {
		case "next":
			events++
		case "error":
			return events, fmt.Errorf("subscription error: %s", b)
		case "ping":
			_ = write(map[string]any{"type": "pong"})
		}
	}
	// Half the tabs say goodbye, half just vanish.
	if rand.IntN(2) == 0 {
		_ = conn.Close(websocket.StatusNormalClosure, "")
	}
	return events, nil
}

// TestSoak runs mixed traffic for SOAK_DURATION (skipped when unset; `make soak` sets 1h) against
// two API processes and a worker: logins, lists, reveals, submissions and approvals, credential
// updates, directory syncs, and subscriptions that connect and drop. It samples the memory
// (RSS, Go heap), goroutines and open files of every process and the database connections, and
// requires the last quarter of the run to stay near the first; then every invariant of the
// fault suites is checked. SOAK_REPORT names a file for the figures.
func TestSoak(t *testing.T) {
	dur := envDuration("SOAK_DURATION", 0)
	if dur == 0 {
		t.Skip("SOAK_DURATION is not set (make soak sets it)")
	}
	e := NewEnv(t)
	keys := KeySpec(Keys(t, "k1")...)
	trust := "ACCESSHIVE_TRUSTED_PROXIES=127.0.0.1"
	apiA := e.StartAPI("api-a", keys, trust, "ACCESSHIVE_LOG_LEVEL=warn")
	apiB := e.StartAPI("api-b", keys, trust, "ACCESSHIVE_LOG_LEVEL=warn")
	worker := e.StartWorker("worker", keys, "ACCESSHIVE_LOG_LEVEL=warn")
	apis := []*Proc{apiA, apiB}
	procs := []*Proc{apiA, apiB, worker}
	ctx := context.Background()
	pairs := fixture(t, e, envInt("SOAK_PAIRS", 250))

	var ipSeq atomic.Int32
	login := func(email string, i int) *Client {
		c := NewClient(apis[i%2].URL())
		n := ipSeq.Add(1)
		c.ForwardedFor = fmt.Sprintf("10.%d.%d.%d", n/65536%256, n/256%256, n%256+1)
		require.NoError(t, c.Login(ctx, email))
		return c
	}
	admin := login("admin@demo.test", 0)
	owner := login("owner@demo.test", 1)
	requesters := map[string]*Client{}
	for i, p := range pairs {
		if requesters[p.Requester] == nil {
			requesters[p.Requester] = login(p.Requester, i)
		}
	}
	var source struct {
		IdentitySources []struct{ ID string }
	}
	r, err := admin.Do(ctx, `{ identitySources { id } }`, nil)
	require.NoError(t, err)
	require.NoError(t, r.Decode(&source))
	require.NotEmpty(t, source.IdentitySources)
	sourceID := source.IdentitySources[0].ID

	var ops sync.Map // name → *atomic.Int64
	tally := func(name string) {
		v, _ := ops.LoadOrStore(name, new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
	}
	var errMu sync.Mutex
	var errs []string
	fail := func(format string, args ...any) {
		errMu.Lock()
		defer errMu.Unlock()
		if len(errs) < 50 {
			errs = append(errs, fmt.Sprintf(format, args...))
		}
	}
	// do runs an operation and counts it; any error is a failure of the soak.
	do := func(name string, c *Client, q string, vars map[string]any, out any) bool {
		res, err := c.Do(ctx, q, vars)
		if err == nil && out != nil {
			err = res.Decode(out)
		} else if err == nil {
			err = res.Err()
		}
		if err != nil {
			fail("%s: %v", name, err)
			return false
		}
		tally(name)
		return true
	}

	stop := make(chan struct{})
	running := func() bool {
		select {
		case <-stop:
			return false
		default:
			return true
		}
	}
	pause := func(d time.Duration) {
		select {
		case <-stop:
		case <-time.After(d):
		}
	}
	var wg sync.WaitGroup

	// Logins: a new browser every second, alternating replicas, then a short life.
	wg.Go(func() {
		emails := []string{"member@demo.test", "admin@demo.test", "owner@demo.test", "alice@acme.test", "bob@globex.test"}
		for i := 0; running(); i++ {
			c := NewClient(apis[i%2].URL())
			n := ipSeq.Add(1)
			c.ForwardedFor = fmt.Sprintf("10.%d.%d.%d", n/65536%256, n/256%256, n%256+1)
			if err := c.Login(ctx, emails[i%len(emails)]); err != nil {
				fail("login: %v", err)
			} else {
				tally("login")
				do("me", c, `{ me { id email role } }`, nil, nil)
				if i%2 == 0 {
					do("logout", c, `mutation { logout }`, nil, nil)
				}
			}
			pause(time.Second)
		}
	})
	// Lists, as staff on both replicas.
	for w, c := range []*Client{admin, owner.Session(apiA.URL())} {
		wg.Go(func() {
			queries := []string{
				`{ clients(first: 50) { totalCount nodes { id name } } }`,
				`{ accessRequests(first: 50) { totalCount nodes { id status } } }`,
				`{ jobs(limit: 50) { id type status } }`,
				`{ notifications(first: 50) { unreadCount nodes { id title } } }`,
				`{ platforms { key connection { state } } }`,
				`{ auditEvents(first: 50) { nodes { kind } } }`,
				`{ directorySyncReports { pages usersSeen } }`,
			}
			for i := w; running(); i++ {
				do("list", c.Session(apis[i%2].URL()), queries[i%len(queries)], nil, nil)
				pause(time.Duration(50+rand.IntN(150)) * time.Millisecond)
			}
		})
	}
	// Submissions and approvals, paced so that the pairs last the whole run.
	var approvedIDs sync.Map
	wg.Go(func() {
		gap := dur / time.Duration(len(pairs)+1)
		for i, p := range pairs {
			if !running() {
				return
			}
			id, err := submit(ctx, requesters[p.Requester].Session(apis[i%2].URL()), p)
			if err != nil {
				fail("submit: %v", err)
				continue
			}
			tally("submit")
			res, err := approve(ctx, admin.Session(apis[(i+1)%2].URL()), id, p)
			if err == nil {
				err = res.Err()
			}
			if err != nil {
				fail("approve: %v", err)
				continue
			}
			tally("approve")
			approvedIDs.Store(id, p)
			pause(gap)
		}
	})
	// Reveals of provisioned identities by their client users, each at most one every 2.5 s
	// (reveals are limited to 30 a minute per user).
	wg.Go(func() {
		last := map[string]time.Time{}
		for i := 0; running(); i++ {
			var ident uuid.UUID
			var owner string
			approvedIDs.Range(func(k, v any) bool {
				if rand.IntN(4) == 0 && time.Since(last[v.(Pair).Requester]) > 2500*time.Millisecond {
					var got []uuid.UUID
					_ = e.DB.NewSelect().Table("access_requests").Column("identity_id").
						Where("id = ? AND status = 'PROVISIONED'", k).Scan(ctx, &got)
					if len(got) == 1 {
						ident, owner = got[0], v.(Pair).Requester
						return false
					}
				}
				return true
			})
			if ident != uuid.Nil {
				last[owner] = time.Now()
				do("reveal", requesters[owner].Session(apis[i%2].URL()), revealOp, map[string]any{"id": ident}, nil)
			}
			pause(500 * time.Millisecond)
		}
	})
	// Directory syncs, one at a time.
	wg.Go(func() {
		for running() {
			var out struct{ SyncDirectory struct{ ID string } }
			if do("sync", admin, `mutation($s:ID!){ syncDirectory(sourceId:$s){ id } }`, map[string]any{"s": sourceID}, &out) {
				// Wait for it to end before the next one (two at once get a CONFLICT by design).
				deadline := time.Now().Add(time.Minute)
				for running() && time.Now().Before(deadline) {
					if count(t, e, "jobs", "id = ? AND status IN ('SUCCEEDED','FAILED')", out.SyncDirectory.ID) == 1 {
						break
					}
					pause(200 * time.Millisecond)
				}
			}
			pause(10 * time.Second)
		}
	})
	// Subscriptions that connect and drop.
	subs := []struct {
		c *Client
		q string
	}{
		{admin, `subscription { jobUpdated { id status } }`},
		{owner, `subscription { accessRequestUpdated { id status } }`},
		{admin, `subscription { notificationAdded { id title } }`},
	}
	for w := 0; w < 6; w++ {
		wg.Go(func() {
			for i := w; running(); i++ {
				s := subs[i%len(subs)]
				if _, err := wsSession(ctx, s.c.Session(apis[i%2].URL()), s.q, time.Duration(500+rand.IntN(4500))*time.Millisecond); err != nil {
					fail("subscription: %v", err)
				} else {
					tally("subscription")
				}
			}
		})
	}

	// Sampling.
	interval := max(dur/60, 2*time.Second)
	series := map[string][]Sample{}
	var conns []float64
	start := time.Now()
	for time.Since(start) < dur {
		time.Sleep(interval)
		at := time.Since(start)
		for _, p := range procs {
			s, err := processSample(p)
			require.NoError(t, err, p.Name)
			s.At = at
			series[p.Name] = append(series[p.Name], s)
		}
		var n int
		require.NoError(t, e.DB.NewSelect().TableExpr("pg_stat_activity").ColumnExpr("count(*)").
			Where("datname = current_database() AND backend_type = 'client backend'").Scan(ctx, &n))
		conns = append(conns, float64(n))
	}
	close(stop)
	wg.Wait()

	// Figures.
	var report strings.Builder
	fmt.Fprintf(&report, "soak %s, %d samples every %s\n", dur, len(conns), interval)
	var names []string
	ops.Range(func(k, v any) bool {
		names = append(names, fmt.Sprintf("%s=%d", k, v.(*atomic.Int64).Load()))
		return true
	})
	sort.Strings(names)
	fmt.Fprintf(&report, "operations: %s\n", strings.Join(names, " "))
	fmt.Fprintf(&report, "%-8s %-11s %12s %12s %12s %12s\n", "process", "metric", "first-q mean", "first-q max", "last-q mean", "q2/q3 mean")
	type bound struct {
		name  string
		get   func(Sample) float64
		ratio float64
		slack float64
	}
	bounds := []bound{
		{"rss_mib", func(s Sample) float64 { return s.RSS / (1 << 20) }, 1.5, 24},
		{"heap_mib", func(s Sample) float64 { return s.Heap / (1 << 20) }, 1.5, 16},
		{"goroutines", func(s Sample) float64 { return s.Goroutines }, 1.3, 40},
		{"open_fds", func(s Sample) float64 { return s.FDs }, 1.3, 20},
	}
	for _, p := range procs {
		for _, b := range bounds {
			xs := make([]float64, len(series[p.Name]))
			for i, s := range series[p.Name] {
				xs[i] = b.get(s)
			}
			fm, fx, lm := quarterStats(xs)
			qm := quarterMeans(xs)
			fmt.Fprintf(&report, "%-8s %-11s %12.1f %12.1f %12.1f %6.1f/%.1f\n", p.Name, b.name, fm, fx, lm, qm[1], qm[2])
			assert.LessOrEqual(t, lm, fx*b.ratio+b.slack, "%s %s grew: first quarter max %.1f, last quarter mean %.1f", p.Name, b.name, fx, lm)
		}
	}
	fm, fx, lm := quarterStats(conns)
	fmt.Fprintf(&report, "%-8s %-11s %12.1f %12.1f %12.1f\n", "postgres", "connections", fm, fx, lm)
	assert.LessOrEqual(t, lm, fx*1.3+10, "database connections grew")

	errMu.Lock()
	assert.Empty(t, errs, "every operation of the soak succeeds")
	errMu.Unlock()

	settle(t, e, settleTimeout)
	Poll(t, time.Minute, "every approved request PROVISIONED", func() error {
		if left := count(t, e, "access_requests", "status <> 'PROVISIONED'"); left > 0 {
			return fmt.Errorf("%d requests not PROVISIONED", left)
		}
		return nil
	})
	rep := checkInvariants(t, e, true)
	fmt.Fprintf(&report, "invariants: %s\n", rep)
	t.Log("\n" + report.String())
	if path := os.Getenv("SOAK_REPORT"); path != "" {
		require.NoError(t, os.WriteFile(path, []byte(report.String()), 0o644))
	}
}
