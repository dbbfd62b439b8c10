package devenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// spawner starts child processes from one goroutine locked to its own OS
// thread.
//
// Linux delivers the parent-death signal (SysProcAttr.Pdeathsig) when the
// thread that forked the child exits, not when the process does
// (golang/go#27505). The Go runtime ends a thread when a goroutine that
// locked it returns without unlocking, which any library may do. Forking
// from a thread that only this goroutine can use, and that lives until Stop
// has reaped the servers, makes the signal fire exactly when our process
// dies.
type spawner struct {
	reqs      chan spawnReq
	closeOnce sync.Once
}

type spawnReq struct {
	cmd  *exec.Cmd
	errc chan error
}

func newSpawner() *spawner {
	s := &spawner{reqs: make(chan spawnReq)}
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for r := range s.reqs {
			r.errc <- r.cmd.Start()
		}
	}()
	return s
}

// start calls cmd.Start on the spawner's thread.
func (s *spawner) start(cmd *exec.Cmd) error {
	errc := make(chan error, 1)
	s.reqs <- spawnReq{cmd: cmd, errc: errc}
	return <-errc
}

// close ends the spawner's goroutine; call it only once every child started
// through it has exited.
func (s *spawner) close() {
	s.closeOnce.Do(func() { close(s.reqs) })
}

// server is one running child process: postgres or redis-server.
type server struct {
	name     string
	cmd      *exec.Cmd
	stopSig  syscall.Signal // asks for a clean shutdown
	grace    time.Duration  // how long to wait before SIGKILL
	output   *tailBuffer
	logger   *slog.Logger
	done     chan struct{} // closed once the process has been reaped
	waitErr  error         // valid after done is closed
	stopping chan struct{} // closed when stop starts, to tell expected exits apart
	stopOnce sync.Once
	stopErr  error
}

// startServer starts cmd as a long-running server. The child gets its own
// process group, so that Ctrl-C in a terminal reaches only our process (which
// then stops the servers in order) and so that a SIGKILL fallback reaches
// every process of the server; and a parent-death signal, so that it shuts
// down if our process dies without calling Stop.
func (e *Env) startServer(name string, cmd *exec.Cmd, out *outputs, deathSig, stopSig syscall.Signal, grace time.Duration) (*server, error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.SysProcAttr.Pdeathsig = deathSig
	cmd.Stdout = out.stdout
	cmd.Stderr = out.stderr
	// Server children (postgres backends) hold the output pipes too; do not
	// let a stuck one block Wait forever once the server itself has exited.
	cmd.WaitDelay = 5 * time.Second
	if err := e.spawner.start(cmd); err != nil {
		return nil, fmt.Errorf("devenv: start %s: %w", name, err)
	}
	s := &server{
		name:     name,
		cmd:      cmd,
		stopSig:  stopSig,
		grace:    grace,
		output:   out.tail,
		logger:   e.logger,
		done:     make(chan struct{}),
		stopping: make(chan struct{}),
	}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.done)
	}()
	return s, nil
}

// exited reports whether the process has exited.
func (s *server) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// earlyExitError describes a server that exited before it was ready.
func (s *server) earlyExitError() error {
	return fmt.Errorf("devenv: %s exited before accepting connections (%v)%s", s.name, s.waitErr, s.lastOutput())
}

// lastOutput quotes the end of the server's output for an error message.
func (s *server) lastOutput() string {
	if out := s.output.String(); out != "" {
		return "; last output:\n" + out
	}
	return ""
}

// waitReady polls probe until it succeeds, the server exits, ctx ends or readyTimeout passes;
// what (postgres, redis) names the server in the error.
func (s *server) waitReady(ctx context.Context, what string, probe func() error) error {
	deadline := time.Now().Add(readyTimeout)
	for {
		err := probe()
		if err == nil {
			return nil
		}
		if s.exited() {
			return s.earlyExitError()
		}
		if ctx.Err() != nil {
			return fmt.Errorf("devenv: wait for %s: %w", what, ctx.Err())
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("devenv: %s not ready after %s: %w%s", what, readyTimeout, err, s.lastOutput())
		}
		select {
		case <-ctx.Done():
		case <-s.done:
		case <-time.After(pollInterval):
		}
	}
}

// killedBy reports whether err says the process died of sig. A server
// signalled before it installed its handlers dies of the stop signal
// itself, which is still the stop we asked for.
func killedBy(err error, sig syscall.Signal) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == sig
}

// stop asks the server to shut down, waits up to its grace period, then kills
// its whole process group. It reports an error if the server had already
// exited on its own or did not stop cleanly.
func (s *server) stop() error {
	s.stopOnce.Do(func() {
		close(s.stopping)
		if s.exited() {
			s.stopErr = fmt.Errorf("devenv: %s had exited on its own (%v)%s", s.name, s.waitErr, s.lastOutput())
			return
		}
		pid := s.cmd.Process.Pid
		if err := syscall.Kill(pid, s.stopSig); err != nil && !errors.Is(err, syscall.ESRCH) {
			s.logger.Warn("devenv: signal server", "server", s.name, "err", err)
		}
		timer := time.NewTimer(s.grace)
		defer timer.Stop()
		select {
		case <-s.done:
		case <-timer.C:
			s.logger.Warn("devenv: server did not stop in time, killing it", "server", s.name, "grace", s.grace)
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-s.done
		}
		if s.waitErr != nil && !killedBy(s.waitErr, s.stopSig) {
			s.stopErr = fmt.Errorf("devenv: stop %s: %w%s", s.name, s.waitErr, s.lastOutput())
		}
	})
	return s.stopErr
}

// outputs is where one server's stdout and stderr go: the caller's writers or
// a log file, plus a tail buffer quoted in error messages.
type outputs struct {
	stdout, stderr io.Writer
	tail           *tailBuffer
}

// newOutputs opens Dir/logName when opts leaves Stdout or Stderr nil. The
// file is closed by Stop.
func (e *Env) newOutputs(opts Options, logName string) (*outputs, error) {
	out := &outputs{tail: &tailBuffer{max: 8 << 10}}
	stdout, stderr := opts.Stdout, opts.Stderr
	if stdout == nil || stderr == nil {
		f, err := os.OpenFile(filepath.Join(opts.Dir, logName), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return nil, fmt.Errorf("devenv: open log: %w", err)
		}
		e.addCloser(f)
		if stdout == nil {
			stdout = f
		}
		if stderr == nil {
			stderr = f
		}
	}
	out.stdout = io.MultiWriter(stdout, out.tail)
	out.stderr = io.MultiWriter(stderr, out.tail)
	return out, nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// String returns the kept bytes, starting at a line boundary when possible.
func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf
	if len(b) == t.max {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return string(bytes.TrimRight(b, "\n"))
}
