package devenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Folders and files under Options.Dir.
const (
	pgDataDirName = "pgdata"
	pgSockDirName = "pgsock"
	pgLogName     = "postgres.log"
)

// pgStopGrace is how long a fast shutdown may take before SIGKILL.
const pgStopGrace = 30 * time.Second

// prepareDataDir reuses an initialised data folder (removing a stale postmaster.pid) or
// initialises a new one.
func (e *Env) prepareDataDir(ctx context.Context, bin, dataDir string, env []string, cred *syscall.Credential, out *outputs) error {
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); err == nil {
		if err := removeStalePID(dataDir); err != nil {
			return err
		}
		e.logger.Info("postgres reusing data dir", "dir", dataDir)
		return nil
	}
	initBegin := time.Now()
	if err := e.initdb(ctx, bin, dataDir, env, cred, out); err != nil {
		return err
	}
	e.logger.Info("postgres initdb done", "duration", time.Since(initBegin).Round(time.Millisecond))
	return nil
}

// postgresCommand is the postgres server on 127.0.0.1:port and a socket in sockDir, tuned for
// throwaway data (no fsync), running as cred.
func postgresCommand(bin, dataDir, sockDir string, port int, env []string, cred *syscall.Credential) *exec.Cmd {
	cmd := exec.Command(filepath.Join(bin, "postgres"),
		"-D", dataDir,
		"-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories="+sockDir,
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "max_connections=300",
	)
	cmd.Env = env
	cmd.Dir = dataDir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	return cmd
}

// startPostgres initializes the data directory unless it already exists,
// starts postgres in the foreground and waits until DatabaseName answers
// SELECT 1. It sets e.pg as soon as a server runs so that Stop can stop it.
func (e *Env) startPostgres(ctx context.Context, opts Options) error {
	begin := time.Now()
	bin, err := postgresBinDir()
	if err != nil {
		return err
	}
	cred, dataDir, sockDir, err := postgresDirs(opts.Dir)
	if err != nil {
		return err
	}
	out, err := e.newOutputs(opts, pgLogName)
	if err != nil {
		return err
	}
	env := postgresEnv(bin)

	if err := e.prepareDataDir(ctx, bin, dataDir, env, cred, out); err != nil {
		return err
	}

	for attempt := 1; ; attempt++ {
		port, auto, err := choosePort(opts.PostgresPort)
		if err != nil {
			return err
		}
		cmd := postgresCommand(bin, dataDir, sockDir, port, env, cred)
		// SIGINT is PostgreSQL's fast shutdown, the same as `pg_ctl stop -m
		// fast`: roll back open transactions, checkpoint, exit. A kept Dir
		// stays consistent even when our process was killed.
		srv, err := e.startServer("postgres", cmd, out, syscall.SIGINT, syscall.SIGINT, pgStopGrace)
		if err != nil {
			return err
		}
		e.pg = srv
		url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", port, DatabaseName)
		err = e.waitPostgres(ctx, srv, port, url)
		if err == nil {
			e.DatabaseURL = url
			e.pgPort = port
			e.logger.Info("postgres ready", "duration", time.Since(begin).Round(time.Millisecond), "port", port)
			return nil
		}
		if !srv.exited() || !auto || attempt == maxStartAttempts {
			return err
		}
		// Most likely another process bound the port we picked.
		e.logger.Warn("postgres exited during start, retrying on another port", "port", port, "err", err)
		_ = srv.stop()
		e.pg = nil
	}
}

// postgresDirs makes the data and socket directories under dir, owned by the user postgres
// runs as (cred, nil when it runs as we do).
func postgresDirs(dir string) (cred *syscall.Credential, dataDir, sockDir string, err error) {
	if cred, err = postgresCredential(); err != nil {
		return nil, "", "", err
	}
	if cred != nil {
		if err := checkReachable(dir, cred.Uid, cred.Gid); err != nil {
			return nil, "", "", err
		}
	}
	dataDir, sockDir = filepath.Join(dir, pgDataDirName), filepath.Join(dir, pgSockDirName)
	for _, d := range []string{dataDir, sockDir} {
		if err := mkdirOwned(d, cred); err != nil {
			return nil, "", "", err
		}
	}
	return cred, dataDir, sockDir, nil
}

// initdb creates a cluster in dataDir with a superuser `postgres` that
// needs no password. --no-sync skips fsync of the new files, which is most
// of initdb's time on a slow disk.
func (e *Env) initdb(ctx context.Context, bin, dataDir string, env []string, cred *syscall.Credential, out *outputs) error {
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"),
		"-D", dataDir,
		"--no-sync",
		"-A", "trust",
		"-U", "postgres",
		"-E", "UTF8",
		"--locale="+pgLocale(),
		"--no-instructions",
	)
	// On SIGTERM initdb removes what it created, so that a later run does
	// not find a half-made data directory and try to reuse it.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Env = env
	cmd.Stdout = out.stdout
	cmd.Stderr = out.stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: cred,
		Setpgid:    true,
		Pdeathsig:  syscall.SIGTERM,
	}
	if err := e.spawner.start(cmd); err != nil {
		return fmt.Errorf("devenv: start initdb: %w", err)
	}
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("devenv: initdb: %w", ctx.Err())
		}
		return fmt.Errorf("devenv: initdb: %w; last output:\n%s", err, out.tail.String())
	}
	return nil
}

// waitPostgres polls until the server accepts connections, creates
// DatabaseName if it is missing, and checks it with SELECT 1.
func (e *Env) waitPostgres(ctx context.Context, srv *server, port int, url string) error {
	adminURL := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=2", port)
	return srv.waitReady(ctx, "postgres", func() error { return ensureDatabase(ctx, adminURL, url) })
}

// ensureDatabase creates DatabaseName through adminURL unless it exists,
// then runs SELECT 1 through url.
func ensureDatabase(ctx context.Context, adminURL, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("devenv: connect: %w", err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", DatabaseName).Scan(&exists); err != nil {
		return fmt.Errorf("devenv: look up database: %w", err)
	}
	if !exists {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{DatabaseName}.Sanitize()); err != nil {
			return fmt.Errorf("devenv: create database: %w", err)
		}
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("devenv: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("devenv: select 1: %w", err)
	}
	return nil
}

// postgresBinDir returns the folder of initdb and postgres: the newest
// /usr/lib/postgresql/N/bin (Debian's layout), else the folder of `postgres`
// on PATH.
func postgresBinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	for _, d := range dirs {
		if isExecutable(filepath.Join(d, "postgres")) && isExecutable(filepath.Join(d, "initdb")) {
			return d, nil
		}
	}
	p, err := exec.LookPath("postgres")
	if err != nil {
		return "", errors.New("devenv: PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and PATH)")
	}
	return filepath.Dir(p), nil
}

// pgMajor extracts N from /usr/lib/postgresql/N/bin.
func pgMajor(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// postgresCredential returns the credential of the `postgres` OS user when
// we run as root, since initdb and postgres refuse root; nil otherwise, in
// which case PostgreSQL runs as the current user.
func postgresCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("devenv: running as root needs a `postgres` OS user: %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("devenv: postgres uid: %w", err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("devenv: postgres gid: %w", err)
	}
	// An empty Groups drops root's supplementary groups.
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
}

// postgresEnv is the environment of initdb and postgres: only PATH and a
// fixed locale, so that the developer's LANG or PG* variables (PGDATA,
// PGPORT, ...) cannot change what we start.
func postgresEnv(bin string) []string {
	path := bin
	if p := os.Getenv("PATH"); p != "" {
		path += ":" + p
	}
	return []string{"PATH=" + path, "LC_ALL=C"}
}

// pgLocale is the cluster's locale: C.UTF-8 when the system has it (code
// point collation like C, which keeps ORDER BY deterministic, but Unicode
// upper/lower), else C.
func pgLocale() string {
	for _, p := range []string{"/usr/lib/locale/C.utf8", "/usr/lib/locale/C.UTF-8"} {
		if _, err := os.Stat(p); err == nil {
			return "C.UTF-8"
		}
	}
	return "C"
}

// mkdirOwned creates dir (mode 0700) owned by cred's user, as PostgreSQL
// wants for its data and socket folders.
func mkdirOwned(dir string, cred *syscall.Credential) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("devenv: %w", err)
	}
	if cred == nil {
		return nil
	}
	if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
		return fmt.Errorf("devenv: %w", err)
	}
	return nil
}

// checkReachable fails unless uid/gid may search every folder from / down to
// dir. A checkout in root's home (mode 0700) is the usual culprit.
func checkReachable(dir string, uid, gid uint32) error {
	for p := dir; ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("devenv: %w", err)
		}
		perm := fi.Mode().Perm()
		st, ok := fi.Sys().(*syscall.Stat_t)
		var canSearch bool
		switch {
		case !ok:
			canSearch = true // cannot tell; let postgres report it
		case st.Uid == uid:
			canSearch = perm&0o100 != 0
		case st.Gid == gid:
			canSearch = perm&0o010 != 0
		default:
			canSearch = perm&0o001 != 0
		}
		if !canSearch {
			return fmt.Errorf("devenv: the postgres OS user (uid %d) cannot reach %s because it cannot enter %s; use a folder under /tmp", uid, dir, p)
		}
		if p == "/" || p == "." {
			return nil
		}
	}
}

// removeStalePID deletes postmaster.pid left by a server that was killed.
// PostgreSQL removes a stale lock file itself unless its pid now belongs to
// another live process, which is common after a restart in a container.
// The pid is ours to delete unless a postmaster still runs in dataDir.
func removeStalePID(dataDir string) error {
	pidFile := filepath.Join(dataDir, "postmaster.pid")
	if _, err := os.Stat(pidFile); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if pid, ok := readPID(pidFile); ok {
		if cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid)); err == nil && cwd == dataDir {
			return fmt.Errorf("devenv: a PostgreSQL server (pid %d) already runs in %s", pid, dataDir)
		}
	}
	if err := os.Remove(pidFile); err != nil {
		return fmt.Errorf("devenv: remove stale postmaster.pid: %w", err)
	}
	return nil
}
