package devenv

import (
	"context"
	"errors"
	"fmt"
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

// FreezePostgres stops PostgreSQL — the postmaster and every backend, its whole process group —
// with SIGSTOP until ThawPostgres.
func (e *Env) FreezePostgres() error { return e.signalGroup(e.pgServer(), syscall.SIGSTOP) }

// ThawPostgres resumes a frozen PostgreSQL with SIGCONT.
func (e *Env) ThawPostgres() error { return e.signalGroup(e.pgServer(), syscall.SIGCONT) }

// RestartPostgres stops PostgreSQL (fast shutdown: open connections are closed) and starts it
// again on the same port and data, so that DatabaseURL stays valid; clients must reconnect.
func (e *Env) RestartPostgres(ctx context.Context) error {
	old := e.pgServer()
	if old == nil {
		return errors.New("devenv: postgres is not running")
	}
	_ = syscall.Kill(-old.cmd.Process.Pid, syscall.SIGCONT)
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
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGCONT)
		}
	}
}
