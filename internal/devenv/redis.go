package devenv

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Folders and files under Options.Dir.
const (
	redisDirName = "redis"
	redisLogName = "redis.log"
)

// redisStopGrace is how long Redis may take to save and exit before SIGKILL.
const redisStopGrace = 10 * time.Second

// redisArgs are redis-server's arguments: a server on 127.0.0.1:port with that many databases,
// in the foreground, saving to dataDir as save says (no AOF).
func redisArgs(port, databases int, dataDir string, save []string) []string {
	args := []string{
		"--port", strconv.Itoa(port),
		"--bind", "127.0.0.1",
		"--databases", strconv.Itoa(databases),
		"--dir", dataDir,
		"--daemonize", "no",
		"--appendonly", "no",
		"--save",
	}
	return append(args, save...)
}

// startRedis installs redis-server if needed, starts it in the foreground and
// waits until it answers PING. It sets e.redis as soon as a server runs so
// that Stop can stop it.
func (e *Env) startRedis(ctx context.Context, opts Options) error {
	begin := time.Now()
	if err := EnsureRedisInstalled(ctx, e.logger); err != nil {
		return err
	}
	bin, err := redisServerPath()
	if err != nil {
		return err
	}
	dataDir := filepath.Join(opts.Dir, redisDirName)
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return fmt.Errorf("devenv: %w", err)
	}
	out, err := e.newOutputs(opts, redisLogName)
	if err != nil {
		return err
	}
	// A temporary env needs no persistence at all. A kept Dir saves
	// dump.rdb there on shutdown (and every minute after a change), so
	// that development data survives restarts like PostgreSQL's does.
	save := []string{""}
	if !e.tempDir {
		save = []string{"60", "1"}
	}

	for attempt := 1; ; attempt++ {
		port, auto, err := choosePort(opts.RedisPort)
		if err != nil {
			return err
		}
		cmd := exec.Command(bin, redisArgs(port, opts.RedisDatabases, dataDir, save)...)
		cmd.Dir = dataDir
		// SIGTERM makes Redis save (when configured) and exit cleanly.
		srv, err := e.startServer("redis", cmd, out, syscall.SIGTERM, syscall.SIGTERM, redisStopGrace)
		if err != nil {
			return err
		}
		e.redis = srv
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		err = waitRedis(ctx, srv, addr)
		if err == nil {
			e.RedisAddr = addr
			e.logger.Info("redis ready", "duration", time.Since(begin).Round(time.Millisecond), "port", port)
			return nil
		}
		if !srv.exited() || !auto || attempt == maxStartAttempts {
			return err
		}
		// Most likely another process bound the port we picked.
		e.logger.Warn("redis exited during start, retrying on another port", "port", port, "err", err)
		_ = srv.stop()
		e.redis = nil
	}
}

// waitRedis polls addr with PING until Redis answers PONG.
func waitRedis(ctx context.Context, srv *server, addr string) error {
	return srv.waitReady(ctx, "redis", func() error { return pingRedis(ctx, addr) })
}

// pingRedis sends one PING in RESP and expects +PONG. It speaks the protocol
// directly: a client library is not needed for one command, and a fresh
// client would log its own connection errors while Redis starts.
func pingRedis(ctx context.Context, addr string) error {
	d := net.Dialer{Timeout: time.Second}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("devenv: dial redis: %w", err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(2 * time.Second)); err != nil {
		return fmt.Errorf("devenv: redis: %w", err)
	}
	if _, err := conn.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		return fmt.Errorf("devenv: redis ping: %w", err)
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return fmt.Errorf("devenv: redis ping: %w", err)
	}
	// While it loads a dump, Redis answers -LOADING; keep polling.
	if line = strings.TrimSpace(line); line != "+PONG" {
		return fmt.Errorf("devenv: redis ping: unexpected reply %q", line)
	}
	return nil
}

// redisServerPath finds redis-server on PATH or in /usr/bin, where Debian's
// package puts it.
func redisServerPath() (string, error) {
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p, nil
	}
	if isExecutable("/usr/bin/redis-server") {
		return "/usr/bin/redis-server", nil
	}
	return "", errors.New("devenv: redis-server not found")
}

// aptLockTimeout is how long apt-get waits for another apt or dpkg (for
// example a parallel test run installing the same package).
const aptLockTimeout = "300"

// EnsureRedisInstalled installs Debian's redis-server package with apt-get
// when redis-server is not on PATH. It needs root; otherwise it returns an
// error that says what to install. A nil logger discards progress lines.
//
// apt-get runs in its own process group without a parent-death signal, so
// that neither Ctrl-C nor our death interrupts dpkg halfway, which would
// leave the system's package database broken. When ctx ends first,
// EnsureRedisInstalled returns ctx's error and lets apt-get finish alone.
func EnsureRedisInstalled(ctx context.Context, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if _, err := redisServerPath(); err == nil {
		return nil
	}
	aptGet, err := exec.LookPath("apt-get")
	if os.Geteuid() != 0 || err != nil {
		return errors.New("devenv: redis-server not found on PATH; install Redis (on Debian/Ubuntu: apt-get install redis-server)")
	}
	begin := time.Now()
	logger.Info("installing redis-server")
	install := []string{"-o", "DPkg::Lock::Timeout=" + aptLockTimeout, "install", "-y", "-q", "--no-install-recommends", "redis-server"}
	// The package lists are usually there already; update them only when
	// the install fails, which saves the update's network round trips.
	if _, err := runApt(ctx, aptGet, install...); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("devenv: install redis-server: %w", ctx.Err())
		}
		logger.Info("apt-get install failed, running apt-get update first", "err", err)
		if out, err := runApt(ctx, aptGet, "-o", "DPkg::Lock::Timeout="+aptLockTimeout, "update", "-q"); err != nil {
			return fmt.Errorf("devenv: apt-get update: %w\n%s", err, lastLines(out, 20))
		}
		if out, err := runApt(ctx, aptGet, install...); err != nil {
			return fmt.Errorf("devenv: apt-get install redis-server: %w\n%s", err, lastLines(out, 20))
		}
	}
	if _, err := redisServerPath(); err != nil {
		return fmt.Errorf("devenv: redis-server still missing after apt-get install: %w", err)
	}
	logger.Info("redis-server installed", "duration", time.Since(begin).Round(time.Millisecond))
	return nil
}

// runApt runs apt-get with args non-interactively and returns its combined
// output. See EnsureRedisInstalled for why ctx does not kill it.
func runApt(ctx context.Context, aptGet string, args ...string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	cmd := exec.Command(aptGet, args...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	cmd.Stdout = &out
	cmd.Stderr = &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.Bytes(), err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// lastLines returns at most n trailing lines of b.
func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
