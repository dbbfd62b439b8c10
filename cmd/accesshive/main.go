// Command accesshive runs AccessHive: the API (serve), the background worker (worker), database
// migrations (migrate), agency bootstrap (create-agency), everything at once on local defaults
// with demo data (dev), and the fake Google Directory API (fake-directory).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: accesshive <command> [flags]

commands:
  serve            run the API server (GraphQL, websocket, /ops/queues, /healthz, /readyz, /metrics)
  worker           run the background worker (asynq) with the outbox relay and periodic jobs
  migrate up|down|status
                   apply, roll back (last group) or list database migrations
  create-agency --name NAME --owner-email EMAIL [--owner-name NAME]
                   create an agency and its owner; the password is read from
                   ACCESSHIVE_OWNER_PASSWORD or asked for on the terminal
  dev              start a throwaway PostgreSQL and Redis, migrate, seed the demo data, and run
                   the API, the worker and the fake directory in one process
  fake-directory [--addr 127.0.0.1:8091]
                   run the fake Google Directory API

Configuration comes from environment variables; see README.md "Configuration".`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmds := map[string]func(context.Context, []string) error{
		"serve":          cmdServe,
		"worker":         cmdWorker,
		"migrate":        cmdMigrate,
		"create-agency":  cmdCreateAgency,
		"dev":            cmdDev,
		"fake-directory": cmdFakeDirectory,
	}
	cmd, ok := cmds[os.Args[1]]
	if !ok {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	if err := cmd(ctx, os.Args[2:]); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "accesshive:", err)
		os.Exit(1)
	}
}
