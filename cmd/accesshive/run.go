package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/uptrace/bun"
	bunmigrate "github.com/uptrace/bun/migrate"
	"golang.org/x/sync/errgroup"
	"golang.org/x/term"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/app"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/config"
	"github.com/accesshive/accesshive/internal/gws/fake"
	"github.com/accesshive/accesshive/internal/logging"
	"github.com/accesshive/accesshive/internal/vault"
	"github.com/accesshive/accesshive/server"
)

// open loads the configuration and connects to PostgreSQL and Redis.
// keys is the vault keyring; nil means "from ACCESSHIVE_MASTER_KEYS", which is then required.
func open(ctx context.Context, cfg config.Config, keys *vault.Keyring) (*app.App, func(), error) {
	logger := logging.New(os.Stderr, cfg.LogLevel, cfg.LogFormat)
	slog.SetDefault(logger)
	if keys == nil {
		if cfg.MasterKeys == "" {
			return nil, nil, errors.New("ACCESSHIVE_MASTER_KEYS is not set: the vault needs a master key (id:base64 of 32 random bytes); only `accesshive dev` generates one")
		}
		var err error
		if keys, err = vault.ParseKeyring(cfg.MasterKeys); err != nil {
			return nil, nil, fmt.Errorf("ACCESSHIVE_MASTER_KEYS: %w", err)
		}
	}
	if cfg.DatabaseURL == "" {
		return nil, nil, errors.New("DATABASE_URL is not set")
	}
	bdb, err := app.OpenDB(ctx, cfg, db.Options{})
	if err != nil {
		return nil, nil, err
	}
	rdb := app.OpenRedis(cfg)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := rdb.Ping(pingCtx).Err(); err != nil {
		_ = bdb.Close()
		return nil, nil, fmt.Errorf("redis at %s: %w", cfg.RedisAddr, err)
	}
	a := app.New(cfg, keys, bdb, rdb, logger)
	return a, func() { _ = rdb.Close(); _ = bdb.Close() }, nil
}

func loadConfig() (config.Config, error) { return config.Load() }

// withApp runs run over the services of the configuration (config.Load), then closes them.
func withApp(ctx context.Context, run func(a *app.App) error) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	return withServices(ctx, cfg, nil, run)
}

// withServices opens the services of cfg (keys as open takes them), runs run over them and
// closes them.
func withServices(ctx context.Context, cfg config.Config, keys *vault.Keyring, run func(a *app.App) error) error {
	a, closeFn, err := open(ctx, cfg, keys)
	if err != nil {
		return err
	}
	defer closeFn()
	return run(a)
}

// openDB loads the configuration and connects to its PostgreSQL with opts, for the commands
// that need the database only.
func openDB(ctx context.Context, opts db.Options) (*bun.DB, error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, err
	}
	if cfg.DatabaseURL == "" {
		return nil, errors.New("DATABASE_URL is not set")
	}
	return app.OpenDB(ctx, cfg, opts)
}

// serveUntilDone runs hs.ListenAndServe in g, logging msg with its address first, and closes hs
// when ctx ends.
func serveUntilDone(ctx context.Context, g *errgroup.Group, hs *http.Server, logger *slog.Logger, msg string) {
	g.Go(func() error {
		logger.Info(msg, "addr", hs.Addr)
		if err := hs.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	g.Go(func() error { <-ctx.Done(); return hs.Close() })
}

func cmdServe(ctx context.Context, _ []string) error {
	return withApp(ctx, func(a *app.App) error { return runAPI(ctx, a, a.Config.HTTPAddr) })
}

// runAPI serves the API on addr and runs the event bus until ctx is done.
func runAPI(ctx context.Context, a *app.App, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return serveAPI(ctx, a, ln)
}

// serveAPI serves the API on ln and runs the event bus until ctx is done; it closes ln.
func serveAPI(ctx context.Context, a *app.App, ln net.Listener) error {
	srv, err := a.API()
	if err != nil {
		_ = ln.Close()
		return err
	}
	hs := &http.Server{Handler: srv}
	server.ApplyTimeouts(hs, server.Timeouts{Read: a.Config.HTTPReadTimeout, Write: a.Config.HTTPWriteTimeout, Idle: a.Config.HTTPIdleTimeout})
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return a.RunBus(ctx) })
	if addr := a.Config.MetricsAddr; addr != "" {
		// Operators scrape /metrics here, on an address of their own, not on the API's.
		ms := &http.Server{Addr: addr, Handler: promhttp.HandlerFor(a.Registry, promhttp.HandlerOpts{})}
		server.ApplyTimeouts(ms, server.Timeouts{})
		serveUntilDone(ctx, g, ms, a.Logger, "api metrics listening")
	}
	g.Go(func() error {
		a.Logger.Info("api listening", "addr", "http://"+ln.Addr().String())
		if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	g.Go(func() error {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return hs.Shutdown(sctx)
	})
	err = g.Wait()
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

func cmdWorker(ctx context.Context, _ []string) error {
	return withApp(ctx, func(a *app.App) error {
		g, ctx := errgroup.WithContext(ctx)
		g.Go(func() error { return a.Worker(nil).Run(ctx) })
		// The worker's own address: /healthz, /readyz and /metrics.
		ms := &http.Server{Addr: a.Config.WorkerMetricsAddr, Handler: a.WorkerHTTP(), ReadHeaderTimeout: 5 * time.Second}
		serveUntilDone(ctx, g, ms, a.Logger, "worker health and metrics listening")
		return g.Wait()
	})
}

func cmdMigrate(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: accesshive migrate up|down|status")
	}
	// A migration may rewrite a large table: it gets an hour, not the statement timeout of
	// requests and jobs.
	bdb, err := openDB(ctx, db.Options{MaxOpenConns: 2, StatementTimeout: time.Hour})
	if err != nil {
		return err
	}
	defer bdb.Close()
	return migrate(ctx, bdb, args[0])
}

func migrate(ctx context.Context, bdb *bun.DB, verb string) error {
	switch verb {
	case "up":
		g, err := db.MigrateUp(ctx, bdb)
		return printMigrated(g, err, "applied", "nothing to apply")
	case "down":
		g, err := db.MigrateDown(ctx, bdb)
		return printMigrated(g, err, "rolled back", "nothing to roll back")
	case "status":
		m, err := db.NewMigrator(bdb)
		if err != nil {
			return err
		}
		if err := m.Init(ctx); err != nil {
			return err
		}
		ms, err := m.MigrationsWithStatus(ctx)
		if err != nil {
			return err
		}
		for _, mg := range ms {
			state := "pending"
			if mg.IsApplied() {
				state = "applied (group " + fmt.Sprint(mg.GroupID) + ")"
			}
			fmt.Printf("%s_%s\t%s\n", mg.Name, mg.Comment, state)
		}
	default:
		return fmt.Errorf("unknown migrate verb %q (up, down, status)", verb)
	}
	return nil
}

// printMigrated says what a migration run did: done and the group, or none when it had nothing to do.
func printMigrated(g *bunmigrate.MigrationGroup, err error, done, none string) error {
	if err != nil {
		return err
	}
	if g.IsZero() {
		fmt.Println("migrate: " + none)
	} else {
		fmt.Printf("migrate: %s %s\n", done, g)
	}
	return nil
}

func cmdCreateAgency(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("create-agency", flag.ContinueOnError)
	name := fs.String("name", "", "agency name")
	email := fs.String("owner-email", "", "owner's email (their login)")
	ownerName := fs.String("owner-name", "", "owner's display name (default: the email's local part)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" || *email == "" {
		return errors.New("--name and --owner-email are required")
	}
	if *ownerName == "" {
		*ownerName, _, _ = strings.Cut(*email, "@")
	}
	password := os.Getenv("ACCESSHIVE_OWNER_PASSWORD")
	if password == "" {
		if !term.IsTerminal(int(os.Stdin.Fd())) {
			return errors.New("set ACCESSHIVE_OWNER_PASSWORD or run on a terminal to be asked for the password")
		}
		fmt.Fprint(os.Stderr, "owner password: ")
		b, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return err
		}
		password = string(b)
	}
	bdb, err := openDB(ctx, db.Options{MaxOpenConns: 2})
	if err != nil {
		return err
	}
	defer bdb.Close()
	var ag *agency.Agency
	var owner *auth.User
	err = db.InTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if ag, err = agency.Create(ctx, tx, *name); err != nil {
			return err
		}
		owner, err = auth.CreateFirstOwner(ctx, tx, ag.ID, auth.NewUser{Email: *email, Name: *ownerName, Password: password})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Printf("created agency %q (%s) with owner %s (%s)\n", ag.Name, ag.ID, owner.Email, owner.ID)
	return nil
}

func cmdFakeDirectory(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("fake-directory", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8091", "listen address")
	domain := fs.String("domain", "demo.test", "the customer's domain")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := logging.New(os.Stderr, "info", "text")
	logger.Info("fake directory listening", "addr", "http://"+*addr)
	return fake.ListenAndServe(ctx, *addr, fake.Options{Logger: logger, Domains: []string{*domain}})
}
