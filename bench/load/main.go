// Command load drives a running AccessHive API with concurrent logged-in clients and reports
// throughput and latency percentiles per operation. Start the system first (`make run`), then:
//
//	go run ./bench/load -addr http://127.0.0.1:8080 -c 16 -d 15s
//
// Each worker logs in once (as admin@demo.test by default) and then loops over the operations:
// a list query with nested fields (clients + platforms + me), an identity list, and a reveal of an
// identity it created at start. Reveals are rate-limited per user (30/min), so by default only one
// worker in eight reveals, once every two seconds.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"os"
	"sort"
	"sync"
	"time"
)

type result struct {
	op  string
	dur time.Duration
	err bool
}

type client struct {
	base string
	http *http.Client
}

func (c *client) do(query string, vars map[string]any) (map[string]any, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, c.base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var out struct {
		Data   map[string]any `json:"data"`
		Errors []any          `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	if len(out.Errors) > 0 {
		return nil, fmt.Errorf("graphql errors: %v", out.Errors)
	}
	return out.Data, nil
}

func newClient(base, email, password string) (*client, error) {
	jar, _ := cookiejar.New(nil)
	c := &client{base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4}}}
	_, err := c.do(`mutation($e:String!,$p:String!){ login(email:$e, password:$p){ id } }`, map[string]any{"e": email, "p": password})
	return c, err
}

// operation is one GraphQL request the load repeats.
type operation struct {
	q    string
	vars map[string]any
}

func main() {
	addr := flag.String("addr", "http://127.0.0.1:8080", "API base URL")
	conc := flag.Int("c", 16, "concurrent clients")
	dur := flag.Duration("d", 15*time.Second, "duration")
	email := flag.String("email", "admin@demo.test", "login")
	password := flag.String("password", "accesshive-demo", "password")
	flag.Parse()

	acme, identityID := prepare(*addr, *email, *password)
	ops := map[string]operation{
		"dashboard":  {`{ me { email role agency { name } } clients(first: 20) { totalCount nodes { id name } } platforms { key connection { state } } }`, nil},
		"identities": {`query($c:ID!){ identities(clientId:$c, first: 20) { totalCount nodes { id type provisioningState client { name } platform { key } providerStatuses { provider status } } } }`, map[string]any{"c": acme}},
		"jobs":       {`{ jobs(limit: 10) { id type status attempts } }`, nil},
	}
	names := []string{"dashboard", "identities", "jobs"}
	// Log in one after another: the per-account login limit counts concurrent attempts.
	clients := make([]*client, *conc)
	for w := range clients {
		var err error
		if clients[w], err = newClient(*addr, *email, *password); err != nil {
			log.Fatalf("worker %d login: %v", w, err)
		}
	}
	results := run(clients, names, ops, identityID, time.Now().Add(*dur))
	if !report(results, append(names, "reveal"), *conc, *dur) {
		os.Exit(1)
	}
}

// prepare logs in once and returns the first client's id and a new identity to reveal.
func prepare(addr, email, password string) (acme, identityID string) {
	setup, err := newClient(addr, email, password)
	if err != nil {
		log.Fatalf("login: %v", err)
	}
	data, err := setup.do(`{ clients { nodes { id name } } }`, nil)
	if err != nil {
		log.Fatal(err)
	}
	acme = data["clients"].(map[string]any)["nodes"].([]any)[0].(map[string]any)["id"].(string)
	data, err = setup.do(`mutation { createIdentity(input:{type: API_TOKEN, platform: GOOGLE_ADS, token: "load-test-token"}) { id } }`, nil)
	if err != nil {
		log.Fatalf("create identity: %v", err)
	}
	return acme, data["createIdentity"].(map[string]any)["id"].(string)
}

// run has every client repeat the operations in turn until deadline (every eighth client also
// reveals the identity every 2 s) and returns each request's result.
func run(clients []*client, names []string, ops map[string]operation, identityID string, deadline time.Time) <-chan result {
	results := make(chan result, 4096)
	var wg sync.WaitGroup
	for w := range clients {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := clients[w]
			lastReveal := time.Time{}
			for i := 0; time.Now().Before(deadline); i++ {
				name := names[i%len(names)]
				op := ops[name]
				if w%8 == 0 && time.Since(lastReveal) > 2*time.Second {
					name, op.q, op.vars = "reveal", `mutation($id:ID!){ revealCredentials(identityId:$id){ id secondsRemaining } }`, map[string]any{"id": identityID}
					lastReveal = time.Now()
				}
				start := time.Now()
				_, err := c.do(op.q, op.vars)
				results <- result{op: name, dur: time.Since(start), err: err != nil}
			}
		}(w)
	}
	go func() { wg.Wait(); close(results) }()
	return results
}

// report prints the rate and each operation's latency percentiles, and reports whether no
// request failed.
func report(results <-chan result, names []string, conc int, dur time.Duration) bool {
	byOp := map[string][]time.Duration{}
	errs := map[string]int{}
	total := 0
	for r := range results {
		byOp[r.op] = append(byOp[r.op], r.dur)
		if r.err {
			errs[r.op]++
		}
		total++
	}
	fmt.Printf("%d clients, %s, %d requests, %.0f req/s\n", conc, dur, total, float64(total)/dur.Seconds())
	fmt.Printf("%-11s %8s %8s %8s %8s %8s %6s\n", "operation", "count", "p50", "p90", "p99", "max", "errors")
	for _, name := range names {
		ds := byOp[name]
		if len(ds) == 0 {
			continue
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		pct := func(p float64) time.Duration { return ds[int(float64(len(ds)-1)*p)].Round(100 * time.Microsecond) }
		fmt.Printf("%-11s %8d %8s %8s %8s %8s %6d\n", name, len(ds), pct(0.5), pct(0.9), pct(0.99), ds[len(ds)-1].Round(100*time.Microsecond), errs[name])
	}
	return len(errs) == 0
}
