package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"golang.org/x/sync/errgroup"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/app"
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
	apiLn, fakeLn, fakeAddr, err := listenDev(cfg.HTTPAddr)
	if err != nil {
		return err
	}
	defer apiLn.Close()
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
	devConfig(&cfg, env)
	keys, err := vault.LoadOrCreateDevKeyring(filepath.Join(env.Dir, "vault"))
	if err != nil {
		return err
	}
	return withServices(ctx, cfg, keys, func(a *app.App) error {
		return runDev(ctx, a, apiLn, fakeLn, fakeAddr, start, logger)
	})
}

// runDev seeds the demo data with its directory at fakeAddr, then runs the fake directory on
// fakeLn, the worker and the API on apiLn until ctx is done; it says dev is up (started at
// start) once the event bus is subscribed.
func runDev(ctx context.Context, a *app.App, apiLn, fakeLn net.Listener, fakeAddr string, start time.Time, logger *slog.Logger) error {
	if err := seedDev(ctx, a.DB, "http://"+fakeAddr); err != nil {
		return err
	}
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		return fake.New(fake.Options{Logger: logger, Domains: []string{"demo.test"}}).Serve(ctx, fakeLn)
	})
	g.Go(func() error { return a.Worker(nil).Run(ctx) })
	g.Go(func() error { return serveAPI(ctx, a, apiLn) })
	if waitBus(ctx, a.Bus.Ready(), logger) {
		printLogins(a.Config.HTTPAddr, fakeAddr, time.Since(start))
	}
	err := g.Wait()
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// waitBus waits for the event bus's Redis subscription, so that subscriptions opened right
// after "dev is up" see the next events; after 10 s it warns and goes on. It reports whether dev
// is up (false when ctx ended first).
func waitBus(ctx context.Context, ready <-chan struct{}, logger *slog.Logger) bool {
	select {
	case <-ready:
		return true
	case <-ctx.Done():
		return false
	case <-time.After(10 * time.Second):
		logger.Warn("dev: event bus not subscribed after 10s; subscriptions may miss events")
		return true
	}
}

// listenDev binds the API's address and the fake directory's (ACCESSHIVE_DEV_DIRECTORY_ADDR or
// defaultFakeAddr), which it returns.
func listenDev(apiAddr string) (apiLn, fakeLn net.Listener, fakeAddr string, err error) {
	apiLn, err = net.Listen("tcp", apiAddr)
	if err != nil {
		return nil, nil, "", fmt.Errorf("dev: API address %s: %w (is another AccessHive running? set ACCESSHIVE_HTTP_ADDR)", apiAddr, err)
	}
	fakeAddr = cmp.Or(os.Getenv("ACCESSHIVE_DEV_DIRECTORY_ADDR"), defaultFakeAddr)
	fakeLn, err = net.Listen("tcp", fakeAddr)
	if err != nil {
		apiLn.Close()
		return nil, nil, "", fmt.Errorf("dev: fake directory address %s: %w (set ACCESSHIVE_DEV_DIRECTORY_ADDR)", fakeAddr, err)
	}
	return apiLn, fakeLn, fakeAddr, nil
}

// devConfig points cfg at the throwaway env and turns on what dev mode offers (playground,
// introspection, metrics, the fake directory as the demo agency's source, the queues page).
func devConfig(cfg *config.Config, env *devenv.Env) {
	cfg.DatabaseURL = env.DatabaseURL
	cfg.RedisAddr = env.RedisAddr
	cfg.RedisPassword = "" // the throwaway Redis has none, whatever REDIS_PASSWORD says
	cfg.RedisDB = 0
	cfg.Playground = true
	cfg.Introspection = true
	if cfg.MetricsAddr == "" {
		cfg.MetricsAddr = "127.0.0.1:9090"
	}
	// The demo agency's GWS source points at the fake directory this process serves.
	cfg.AllowDirectoryEndpoint = true
	cfg.LogFormat = "text"
	if len(cfg.OpsAgencies) == 0 {
		cfg.OpsAgencies = []string{"Demo Agency"}
	}
}

// seedDev migrates the database and seeds the demo data, with Demo Agency's directory source at
// the fake directory's address, and enqueues the check that shows that source CONNECTED.
func seedDev(ctx context.Context, bdb *bun.DB, directory string) error {
	if _, err := db.MigrateUp(ctx, bdb); err != nil {
		return err
	}
	seeded, err := demo.SeedWith(ctx, bdb, directory)
	if err != nil {
		return fmt.Errorf("seed demo data: %w", err)
	}
	if seeded.AlreadyThere {
		return nil
	}
	_, err = job.Enqueue(ctx, bdb, job.Spec{AgencyID: seeded.Demo.ID, Type: job.TypeCheckIdentitySource, Input: gws.SourceCheckInput{SourceID: seeded.SourceID}})
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
