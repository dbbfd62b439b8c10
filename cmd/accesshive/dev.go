package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/config"
	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/devenv"
	"github.com/accesshive/accesshive/internal/gws"
	"github.com/accesshive/accesshive/internal/gws/fake"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/logging"
	"github.com/accesshive/accesshive/internal/vault"
)

// cmdDev runs the whole system on local defaults: a throwaway PostgreSQL and Redis (removed on
// exit), migrations, demo data, the fake directory, the API and the worker in one process.
// Ctrl-C stops all of it.
func cmdDev(ctx context.Context, _ []string) error {
	logger := logging.New(os.Stderr, "info", "text")
	start := time.Now()
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	// Bind both ports first: a busy port (another `make run`?) fails at once, before the
	// databases start, and "dev is up" below is printed only once the API accepts connections.
	apiLn, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("dev: API address %s: %w (is another AccessHive running? set ACCESSHIVE_HTTP_ADDR)", cfg.HTTPAddr, err)
	}
	defer apiLn.Close()
	fakeAddr := os.Getenv("ACCESSHIVE_DEV_DIRECTORY_ADDR")
	if fakeAddr == "" {
		fakeAddr = defaultFakeAddr
	}
	fakeLn, err := net.Listen("tcp", fakeAddr)
	if err != nil {
		return fmt.Errorf("dev: fake directory address %s: %w (set ACCESSHIVE_DEV_DIRECTORY_ADDR)", fakeAddr, err)
	}
	defer fakeLn.Close()
	logger.Info("dev: starting throwaway PostgreSQL and Redis")
	env, err := devenv.Start(ctx, devenv.Options{Logger: logger})
	if err != nil {
		return err
	}
	defer func() {
		logger.Info("dev: stopping PostgreSQL and Redis")
		if err := env.Stop(); err != nil {
			logger.Error("dev: stop", "error", err)
		}
	}()
	cfg.DatabaseURL = env.DatabaseURL
	cfg.RedisAddr = env.RedisAddr
	cfg.RedisPassword = "" // the throwaway Redis has none, whatever REDIS_PASSWORD says
	cfg.RedisDB = 0
	cfg.Playground = true
	cfg.Introspection = true
	if cfg.MetricsAddr == "" {
		cfg.MetricsAddr = "127.0.0.1:9090"
	}
	cfg.AllowDirectoryEndpoint = true
	// The demo agency's GWS source points at the fake directory this process serves.
	cfg.AllowDirectoryEndpoint = true
	cfg.LogFormat = "text"
	if len(cfg.OpsAgencies) == 0 {
		cfg.OpsAgencies = []string{"Demo Agency"}
	}
	keys, err := vault.LoadOrCreateDevKeyring(filepath.Join(env.Dir, "vault"))
	if err != nil {
		return err
	}
	a, closeFn, err := open(ctx, cfg, keys)
	if err != nil {
		return err
	}
	defer closeFn()
	if _, err := db.MigrateUp(ctx, a.DB); err != nil {
		return err
	}
	seeded, err := demo.SeedWith(ctx, a.DB, "http://"+fakeAddr)
	if err != nil {
		return fmt.Errorf("seed demo data: %w", err)
	}
	if !seeded.AlreadyThere {
		// Check Demo Agency's directory source (the fake below) so that it shows CONNECTED.
		if _, err := job.Enqueue(ctx, a.DB, job.Spec{AgencyID: seeded.Demo.ID, Type: job.TypeCheckIdentitySource, Input: gws.SourceCheckInput{SourceID: seeded.SourceID}}); err != nil {
			return err
		}
	}
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		return fake.New(fake.Options{Logger: logger, Domains: []string{"demo.test"}}).Serve(ctx, fakeLn)
	})
	g.Go(func() error { return a.Worker(nil).Run(ctx) })
	g.Go(func() error { return serveAPI(ctx, a, apiLn) })
	// Subscriptions opened right after "dev is up" must see the next events: wait for the
	// event bus's Redis subscription too.
	select {
	case <-a.Bus.Ready():
		printLogins(cfg.HTTPAddr, fakeAddr, time.Since(start))
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		logger.Warn("dev: event bus not subscribed after 10s; subscriptions may miss events")
		printLogins(cfg.HTTPAddr, fakeAddr, time.Since(start))
	}
	err = g.Wait()
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// defaultFakeAddr is where dev mode serves the fake Google Directory API unless
// ACCESSHIVE_DEV_DIRECTORY_ADDR says otherwise.
const defaultFakeAddr = "127.0.0.1:8091"

func printLogins(addr, fakeAddr string, took time.Duration) {
	var b strings.Builder
	fmt.Fprintf(&b, "\nAccessHive dev is up in %s\n", took.Round(time.Millisecond))
	fmt.Fprintf(&b, "  console      http://%s/\n", addr)
	fmt.Fprintf(&b, "  playground   http://%s/playground\n", addr)
	fmt.Fprintf(&b, "  graphql      http://%s/graphql (HTTP and websocket)\n", addr)
	fmt.Fprintf(&b, "  queues       http://%s/ops/queues (log in as owner@ or admin@demo.test first)\n", addr)
	fmt.Fprintf(&b, "  health       http://%s/healthz  http://%s/readyz  http://%s/metrics\n", addr, addr, addr)
	fmt.Fprintf(&b, "  fake GWS     http://%s/ (fault injection under /_fake/)\n", fakeAddr)
	fmt.Fprintf(&b, "logins (password %q):\n", demo.Password)
	for _, l := range demo.Logins {
		who := l.Agency
		if l.Client != "" {
			who += ", client " + l.Client
		}
		fmt.Fprintf(&b, "  %-18s %-13s %s\n", l.Email, l.Role, who)
	}
	b.WriteString("Ctrl-C stops everything.\n\n")
	fmt.Fprint(os.Stderr, b.String())
}
