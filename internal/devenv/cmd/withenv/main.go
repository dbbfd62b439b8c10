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
	dir, command, code := parseArgs(args, stderr)
	if command == nil {
		return code
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil)).With("cmd", "withenv")

	// Until the command runs, a signal aborts the start; afterwards it is
	// forwarded to the command.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sig := watchSignals(cancel, logger)
	defer sig.stop()

	env, err := devenv.Start(ctx, devenv.Options{Dir: dir, Logger: logger})
	if err != nil {
		logger.Error("start env", "err", err)
		if code, ok := sig.aborted(); ok {
			return code
		}
		return exitEnvFailed
	}
	defer func() {
		if err := env.Stop(); err != nil {
			logger.Error("stop env", "err", err)
		}
	}()

	cmd := newCommand(env, command, stdin, stdout, stderr)
	// The command's parent-death signal fires when the thread that forked
	// it exits (golang/go#27505), so keep that thread ours until the
	// command has exited.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if code, ok, err := sig.start(cmd); ok {
		return code
	} else if err != nil {
		logger.Error("run command", "err", err)
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return exitNotFound
		}
		return exitCannotRun
	}
	err = cmd.Wait()
	sig.exited()
	return exitCode(cmd.ProcessState, err)
}

// parseArgs parses withenv's flags and returns the data folder and the command to run, or no
// command and the exit code of a usage error.
func parseArgs(args []string, stderr io.Writer) (string, []string, int) {
	fs := flag.NewFlagSet("withenv", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "folder for data, sockets and logs, kept between runs (default: a temp folder, removed afterwards)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: withenv [-dir D] -- command [args...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return "", nil, exitUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return "", nil, exitUsage
	}
	return *dir, fs.Args(), 0
}

// newCommand is the command to run with env's addresses in its environment, leading its own
// process group.
func newCommand(env *devenv.Env, command []string, stdin io.Reader, stdout, stderr io.Writer) *exec.Cmd {
	cmd := exec.Command(command[0], command[1:]...)
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
	return cmd
}

// signals handles withenv's signals: until the command runs, the first one aborts the start
// (cancel); once it runs, each is forwarded to the command's process group.
type signals struct {
	mu     sync.Mutex
	child  *os.Process
	got    os.Signal
	ch     chan os.Signal
	cancel context.CancelFunc
	logger *slog.Logger
}

func watchSignals(cancel context.CancelFunc, logger *slog.Logger) *signals {
	s := &signals{ch: make(chan os.Signal, 8), cancel: cancel, logger: logger}
	signal.Notify(s.ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	go func() {
		for sig := range s.ch {
			s.handle(sig)
		}
	}()
	return s
}

func (s *signals) handle(sig os.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.child != nil {
		// The command leads its own process group: signal all of
		// it, as a terminal's Ctrl-C would.
		if err := syscall.Kill(-s.child.Pid, sig.(syscall.Signal)); err != nil && !errors.Is(err, syscall.ESRCH) {
			s.logger.Warn("forward signal", "signal", sig, "err", err)
		}
	} else if s.got == nil {
		s.got = sig
		s.cancel()
	}
}

// stop ends the watch.
func (s *signals) stop() {
	signal.Stop(s.ch) // no deliveries after it returns: closing is safe
	close(s.ch)
}

// aborted returns the exit code of a signal that aborted the start, if one did.
func (s *signals) aborted() (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.abortedLocked()
}

func (s *signals) abortedLocked() (int, bool) {
	if s.got == nil {
		return 0, false
	}
	return exitSignalsBase + int(s.got.(syscall.Signal)), true
}

// start starts cmd unless a signal aborted the start (then its exit code and true), so that
// from now on signals go to the command.
func (s *signals) start(cmd *exec.Cmd) (int, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code, ok := s.abortedLocked(); ok {
		return code, true, nil
	}
	if err := cmd.Start(); err != nil {
		return 0, false, err
	}
	s.child = cmd.Process
	return 0, false, nil
}

// exited stops forwarding: the command's pid may be reused from now on.
func (s *signals) exited() {
	s.mu.Lock()
	s.child = nil
	s.mu.Unlock()
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
