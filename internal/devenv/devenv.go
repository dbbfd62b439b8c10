// Package devenv starts a throwaway PostgreSQL and Redis for tests and local
// development, without Docker.
//
// Both servers run as direct child processes of the caller, in the
// foreground, in their own process group, and with a parent-death signal, so
// that they stop when the caller stops them, when it exits, and when it dies
// abruptly (SIGKILL, a crash, Ctrl-C on `make run`). PostgreSQL is started
// with the `postgres` binary itself rather than `pg_ctl start`: pg_ctl
// daemonizes the server, which would detach it from us, lose the parent-death
// signal and leave it running after an abrupt exit. Stop therefore sends
// SIGINT to the postmaster, which is exactly what `pg_ctl stop -m fast` does.
//
// When the process runs as root (as it does in CI), PostgreSQL runs as the
// `postgres` OS user, because initdb and postgres refuse to run as root.
package devenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DatabaseName is the database that Start creates in PostgreSQL.
const DatabaseName = "accesshive"

// DefaultRedisDatabases is the number of Redis databases when
// Options.RedisDatabases is zero. Tests allocate one database per test.
const DefaultRedisDatabases = 1024

// Options configures Start. The zero value starts both servers on free ports
// in a fresh temporary folder that Stop removes.
type Options struct {
	// Dir is the root folder for data, sockets and logs. When empty, Start
	// creates a fresh folder under /tmp and Stop removes it (a later Start
	// removes one whose process died without Stop). When set, it is
	// kept, and data already in it (a PostgreSQL data directory, a Redis
	// dump) is reused, so that development data survives restarts. When the
	// process runs as root, Dir must be reachable by the `postgres` OS user.
	Dir string
	// PostgresPort is the TCP port PostgreSQL listens on, on 127.0.0.1;
	// 0 picks a free port.
	PostgresPort int
	// RedisPort is the TCP port Redis listens on, on 127.0.0.1; 0 picks a
	// free port.
	RedisPort int
	// RedisDatabases is passed to redis-server as --databases; 0 means
	// DefaultRedisDatabases.
	RedisDatabases int
	// Logger receives progress lines with durations; nil discards them.
	Logger *slog.Logger
	// Stdout and Stderr receive the servers' own output. A nil writer means
	// a log file in Dir (postgres.log, redis.log).
	Stdout, Stderr io.Writer
}

// Env is a running PostgreSQL and Redis started by Start.
type Env struct {
	// DatabaseURL connects to the database DatabaseName as the superuser
	// `postgres`, without a password, over TCP.
	DatabaseURL string
	// RedisAddr is the host:port of Redis.
	RedisAddr string
	// Dir is the root folder of data, sockets and logs.
	Dir string

	logger   *slog.Logger
	opts     Options // as Start was given them, Dir filled in (RestartPostgres reuses them)
	pgPort   int
	tempDir  bool
	spawner  *spawner
	pg       *server
	redis    *server
	stopOnce sync.Once
	stopErr  error

	mu      sync.Mutex  // guards closers, and pg and redis once Start returned
	closers []io.Closer // log files, closed by Stop
}

// addCloser registers c to be closed by Stop, after the servers exited.
func (e *Env) addCloser(c io.Closer) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.closers = append(e.closers, c)
}

// Start starts PostgreSQL and Redis in parallel, installing redis-server
// first if it is missing, and returns once PostgreSQL answers `SELECT 1` in
// the database DatabaseName and Redis answers PING. On any failure it stops
// whatever it had started and returns the error. Cancelling ctx aborts a
// start in progress but does not stop a started Env: call Stop for that.
func Start(ctx context.Context, opts Options) (*Env, error) {
	begin := time.Now()
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if opts.RedisDatabases == 0 {
		opts.RedisDatabases = DefaultRedisDatabases
	}

	e := &Env{logger: logger, spawner: newSpawner(), opts: opts}
	if err := e.prepareDir(opts.Dir); err != nil {
		_ = e.Stop()
		return nil, err
	}
	opts.Dir = e.Dir
	e.opts.Dir = e.Dir

	var (
		wg               sync.WaitGroup
		pgErr, redisErr  error
		startCtx, cancel = context.WithCancel(ctx)
	)
	defer cancel()
	wg.Add(2)
	go func() {
		defer wg.Done()
		if pgErr = e.startPostgres(startCtx, opts); pgErr != nil {
			cancel() // no point finishing Redis
		}
	}()
	go func() {
		defer wg.Done()
		if redisErr = e.startRedis(startCtx, opts); redisErr != nil {
			cancel()
		}
	}()
	wg.Wait()

	if err := firstCause(pgErr, redisErr); err != nil {
		if stopErr := e.Stop(); stopErr != nil {
			logger.Warn("devenv: stop after failed start", "err", stopErr)
		}
		return nil, err
	}
	logger.Info("devenv ready", "duration", time.Since(begin).Round(time.Millisecond),
		"database_url", e.DatabaseURL, "redis_addr", e.RedisAddr, "dir", e.Dir)
	return e, nil
}

// prepareDir sets e.Dir: a fresh temporary folder when dir is empty, else
// dir made absolute and created if missing.
func (e *Env) prepareDir(dir string) error {
	if dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return fmt.Errorf("devenv: %w", err)
		}
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return fmt.Errorf("devenv: create dir: %w", err)
		}
		e.Dir = abs
		return nil
	}
	sweepStaleTempDirs(e.logger)
	tmp, err := os.MkdirTemp(tempDirParent, tempDirPrefix)
	if err != nil {
		return fmt.Errorf("devenv: create temp dir: %w", err)
	}
	e.Dir, e.tempDir = tmp, true
	// MkdirTemp makes a 0700 folder; the postgres user must enter it.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("devenv: chmod temp dir: %w", err)
	}
	owner := []byte(strconv.Itoa(os.Getpid()) + "\n")
	if err := os.WriteFile(filepath.Join(tmp, ownerFileName), owner, 0o644); err != nil {
		return fmt.Errorf("devenv: write owner file: %w", err)
	}
	return nil
}

// firstCause returns the error that made Start fail, preferring a real error
// over the context.Canceled that it caused in the other server's start.
func firstCause(errs ...error) error {
	var canceled error
	for _, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, context.Canceled) && canceled == nil:
			canceled = err
		case !errors.Is(err, context.Canceled):
			return err
		}
	}
	return canceled
}

// Stop stops PostgreSQL (fast shutdown) and Redis in parallel, waits for
// them to exit, and removes Dir if Start created it. It is safe to call more
// than once; later calls return the first call's result.
func (e *Env) Stop() error {
	e.stopOnce.Do(func() {
		begin := time.Now()
		// A server a test froze (SIGSTOP) would not hear the stop signal.
		e.thawAll()
		e.mu.Lock()
		pg, rs := e.pg, e.redis
		e.mu.Unlock()
		var wg sync.WaitGroup
		var pgErr, redisErr error
		for _, s := range []struct {
			srv *server
			err *error
		}{{pg, &pgErr}, {rs, &redisErr}} {
			if s.srv == nil {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				*s.err = s.srv.stop()
			}()
		}
		wg.Wait()
		e.spawner.close()
		errs := []error{pgErr, redisErr}
		e.mu.Lock()
		for _, c := range e.closers {
			if err := c.Close(); err != nil {
				errs = append(errs, fmt.Errorf("devenv: close log: %w", err))
			}
		}
		e.closers = nil
		e.mu.Unlock()
		if e.tempDir {
			if err := os.RemoveAll(e.Dir); err != nil {
				errs = append(errs, fmt.Errorf("devenv: remove temp dir: %w", err))
			}
		}
		e.stopErr = errors.Join(errs...)
		e.logger.Info("devenv stopped", "duration", time.Since(begin).Round(time.Millisecond))
	})
	return e.stopErr
}

// Temporary folders are tempDirParent/tempDirPrefix*, and hold the pid of
// the process that made them in ownerFileName.
const (
	tempDirParent = "/tmp"
	tempDirPrefix = "accesshive-devenv-"
	ownerFileName = "owner.pid"
)

// sweepStaleTempDirs removes temporary folders whose owner died without
// calling Stop (SIGKILL, a crash): its servers stopped on their own, but
// nobody removed their data. A folder is stale once neither its owner nor a
// postmaster that may still be shutting down in it is alive. Folders
// without an owner file are left alone: they are being created, or not ours.
func sweepStaleTempDirs(logger *slog.Logger) {
	dirs, _ := filepath.Glob(filepath.Join(tempDirParent, tempDirPrefix+"*"))
	for _, dir := range dirs {
		owner, ok := readPID(filepath.Join(dir, ownerFileName))
		if !ok || processAlive(owner) {
			continue
		}
		if pm, ok := readPID(filepath.Join(dir, pgDataDirName, "postmaster.pid")); ok && processAlive(pm) {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			logger.Warn("devenv: remove stale temp dir", "dir", dir, "err", err)
			continue
		}
		logger.Info("removed stale temp dir", "dir", dir, "owner_pid", owner)
	}
}

// readPID reads a pid from the first line of a file.
func readPID(path string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	return pid, err == nil && pid > 0
}

// processAlive reports whether pid exists (a zombie counts as alive).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago. Another
// process may take it before the server binds it; Start retries then.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("devenv: pick free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// checkPortFree fails if something already listens on an explicitly chosen
// port; otherwise the readiness check could talk to that other server.
func checkPortFree(port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("devenv: port %d is not free: %w", port, err)
	}
	return l.Close()
}

// choosePort returns the port to use for one start attempt: the fixed one if
// set, otherwise a fresh free one.
func choosePort(fixed int) (port int, auto bool, err error) {
	if fixed != 0 {
		return fixed, false, checkPortFree(fixed)
	}
	port, err = freePort()
	return port, true, err
}

// maxStartAttempts bounds retries when an automatically chosen port was
// taken by another process between picking and binding it.
const maxStartAttempts = 3

// pollInterval is how often readiness checks retry.
const pollInterval = 20 * time.Millisecond

// readyTimeout bounds how long Start waits for a server that is running but
// does not accept connections yet.
const readyTimeout = 60 * time.Second
