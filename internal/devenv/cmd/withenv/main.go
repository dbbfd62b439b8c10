// Command withenv runs a command against a throwaway PostgreSQL and Redis.
//
//	go run ./internal/devenv/cmd/withenv [-dir D] -- go test ./...
//
// It starts both servers with devenv.Start, runs the command with
// ACCESSHIVE_TEST_DATABASE_URL, ACCESSHIVE_TEST_REDIS_ADDR, DATABASE_URL and
// REDIS_ADDR set, stops the servers when the command ends, and exits with the
// command's exit code (128+N when a signal N killed it; 125 when the servers
// did not start; 126 or 127 when the command could not run). Progress goes to
// stderr.
//
// The command runs in a session of its own, like under dumb-init: Ctrl-C in
// the terminal then reaches withenv only, which forwards SIGINT, SIGTERM,
// SIGHUP and SIGQUIT to the command's whole process group exactly once,
// instead of the command getting SIGINT twice (once from the terminal, once
// forwarded). The command keeps the terminal as stdin/stdout/stderr, but
// without job control.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/accesshive/accesshive/internal/devenv"
)

// Exit codes of withenv's own failures, as env(1) and shells use them.
const (
	exitUsage       = 2
	exitEnvFailed   = 125
	exitCannotRun   = 126
	exitNotFound    = 127
	exitSignalsBase = 128
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without os.Exit, for tests.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("withenv", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "folder for data, sockets and logs, kept between runs (default: a temp folder, removed afterwards)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: withenv [-dir D] -- command [args...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil)).With("cmd", "withenv")

	// Until the command runs, a signal aborts the start; afterwards it is
	// forwarded to the command.
	var (
		mu      sync.Mutex
		child   *os.Process
		gotSig  os.Signal
		sigs    = make(chan os.Signal, 8)
		ctx, cc = context.WithCancel(context.Background())
	)
	defer cc()
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer func() {
		signal.Stop(sigs) // no deliveries after it returns: closing is safe
		close(sigs)
	}()
	go func() {
		for sig := range sigs {
			mu.Lock()
			if child != nil {
				// The command leads its own process group: signal all of
				// it, as a terminal's Ctrl-C would.
				if err := syscall.Kill(-child.Pid, sig.(syscall.Signal)); err != nil && !errors.Is(err, syscall.ESRCH) {
					logger.Warn("forward signal", "signal", sig, "err", err)
				}
			} else if gotSig == nil {
				gotSig = sig
				cc()
			}
			mu.Unlock()
		}
	}()

	env, err := devenv.Start(ctx, devenv.Options{Dir: *dir, Logger: logger})
	if err != nil {
		logger.Error("start env", "err", err)
		mu.Lock()
		defer mu.Unlock()
		if gotSig != nil {
			return exitSignalsBase + int(gotSig.(syscall.Signal))
		}
		return exitEnvFailed
	}
	defer func() {
		if err := env.Stop(); err != nil {
			logger.Error("stop env", "err", err)
		}
	}()

	cmd := exec.Command(fs.Arg(0), fs.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	cmd.Env = withVars(os.Environ(), map[string]string{
		"ACCESSHIVE_TEST_DATABASE_URL": env.DatabaseURL,
		"ACCESSHIVE_TEST_REDIS_ADDR":   env.RedisAddr,
		"DATABASE_URL":                 env.DatabaseURL,
		"REDIS_ADDR":                   env.RedisAddr,
	})
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setsid: true,
		// If withenv is killed outright, the servers go away too (see
		// devenv); tell the command as well rather than leave it running
		// against them.
		Pdeathsig: syscall.SIGTERM,
	}

	// The command's parent-death signal fires when the thread that forked
	// it exits (golang/go#27505), so keep that thread ours until the
	// command has exited.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	mu.Lock()
	if gotSig != nil {
		mu.Unlock()
		return exitSignalsBase + int(gotSig.(syscall.Signal))
	}
	err = cmd.Start()
	if err == nil {
		child = cmd.Process
	}
	mu.Unlock()
	if err != nil {
		logger.Error("run command", "err", err)
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return exitNotFound
		}
		return exitCannotRun
	}

	err = cmd.Wait()
	mu.Lock()
	child = nil // the pid may be reused from now on
	mu.Unlock()
	return exitCode(cmd.ProcessState, err)
}

// exitCode turns the command's end into withenv's exit code.
func exitCode(ps *os.ProcessState, err error) int {
	if ps == nil {
		return exitCannotRun
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return exitSignalsBase + int(ws.Signal())
	}
	if code := ps.ExitCode(); code >= 0 {
		return code
	}
	if err != nil {
		return 1
	}
	return 0
}

// withVars returns environ with vars set, replacing earlier values.
func withVars(environ []string, vars map[string]string) []string {
	out := make([]string, 0, len(environ)+len(vars))
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := vars[k]; !ok {
			out = append(out, kv)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		out = append(out, k+"="+vars[k])
	}
	return out
}
