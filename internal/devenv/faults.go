package devenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Fault injection for the reliability tests: a test that starts an Env of its own may freeze
// its servers, as a hung server or a network partition looks to a client (connections stay
// open, nothing answers), and restart PostgreSQL, as a failover or an upgrade does. Never do
// this to the Env that `make test` shares between tests.

// FreezeRedis stops Redis with SIGSTOP: it keeps its connections and answers nothing until
// ThawRedis.
func (e *Env) FreezeRedis() error { return e.signalGroup(e.redisServer(), syscall.SIGSTOP) }

// ThawRedis resumes a frozen Redis with SIGCONT.
func (e *Env) ThawRedis() error { return e.signalGroup(e.redisServer(), syscall.SIGCONT) }

// FreezePostgres stops PostgreSQL — the postmaster and every backend — with SIGSTOP until
// ThawPostgres. Backends put themselves in sessions of their own (setsid), so they are found
// as the postmaster's children rather than by process group; the postmaster is stopped first,
// so that it forks no new one meanwhile.
func (e *Env) FreezePostgres() error {
	s := e.pgServer()
	if err := e.signalGroup(s, syscall.SIGSTOP); err != nil {
		return err
	}
	for _, pid := range descendants(s.cmd.Process.Pid) {
		_ = syscall.Kill(pid, syscall.SIGSTOP)
	}
	return nil
}

// ThawPostgres resumes a frozen PostgreSQL with SIGCONT, backends first.
func (e *Env) ThawPostgres() error {
	s := e.pgServer()
	if s == nil || s.exited() {
		return errors.New("devenv: server is not running")
	}
	for _, pid := range descendants(s.cmd.Process.Pid) {
		_ = syscall.Kill(pid, syscall.SIGCONT)
	}
	return e.signalGroup(s, syscall.SIGCONT)
}

// descendants lists the processes below pid, from /proc.
func descendants(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	children := map[int][]int{}
	for _, ent := range entries {
		p, err := strconv.Atoi(ent.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", ent.Name(), "stat"))
		if err != nil {
			continue
		}
		// The command name, in parentheses, may hold spaces: the fields after its closing
		// parenthesis are "state ppid ...".
		rest := string(b[bytes.LastIndexByte(b, ')')+1:])
		f := strings.Fields(rest)
		if len(f) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(f[1]); err == nil {
			children[ppid] = append(children[ppid], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// RestartPostgres stops PostgreSQL (fast shutdown: open connections are closed) and starts it
// again on the same port and data, so that DatabaseURL stays valid; clients must reconnect.
func (e *Env) RestartPostgres(ctx context.Context) error {
	old := e.pgServer()
	if old == nil {
		return errors.New("devenv: postgres is not running")
	}
	_ = e.ThawPostgres()
	if err := old.stop(); err != nil {
		return err
	}
	opts := e.opts
	opts.PostgresPort = e.pgPort
	e.mu.Lock()
	e.pg = nil
	e.mu.Unlock()
	// startPostgres sets e.pg itself; it runs alone here, as it does in Start.
	if err := e.startPostgres(ctx, opts); err != nil {
		return fmt.Errorf("devenv: restart postgres: %w", err)
	}
	return nil
}

func (e *Env) pgServer() *server {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.pg
}

func (e *Env) redisServer() *server {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.redis
}

// signalGroup sends sig to a running server's process group.
func (e *Env) signalGroup(s *server, sig syscall.Signal) error {
	if s == nil || s.exited() {
		return errors.New("devenv: server is not running")
	}
	if err := syscall.Kill(-s.cmd.Process.Pid, sig); err != nil {
		return fmt.Errorf("devenv: signal %s: %w", s.name, err)
	}
	return nil
}

// thawAll resumes both servers, in case a test left one frozen.
func (e *Env) thawAll() {
	for _, s := range []*server{e.pgServer(), e.redisServer()} {
		if s != nil && !s.exited() {
			for _, pid := range descendants(s.cmd.Process.Pid) {
				_ = syscall.Kill(pid, syscall.SIGCONT)
			}
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGCONT)
		}
	}
}
