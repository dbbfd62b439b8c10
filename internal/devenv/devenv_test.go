package devenv

import (
	"bufio"
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
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

func TestStartStop(t *testing.T) {
	t.Parallel()
	ctx := t.Context()

	begin := time.Now()
	env, err := Start(ctx, Options{Logger: testLogger(t)})
	require.NoError(t, err)
	t.Logf("start took %s", time.Since(begin))
	t.Cleanup(func() { _ = env.Stop() })

	require.True(t, strings.HasPrefix(env.DatabaseURL, "postgres://postgres@127.0.0.1:"), env.DatabaseURL)
	require.True(t, strings.HasPrefix(env.RedisAddr, "127.0.0.1:"), env.RedisAddr)

	conn, err := pgx.Connect(ctx, env.DatabaseURL)
	require.NoError(t, err)
	var one int
	require.NoError(t, conn.QueryRow(ctx, "SELECT 1").Scan(&one))
	require.Equal(t, 1, one)
	var db string
	require.NoError(t, conn.QueryRow(ctx, "SELECT current_database()").Scan(&db))
	require.Equal(t, DatabaseName, db)
	var maxConns int
	require.NoError(t, conn.QueryRow(ctx, "SELECT current_setting('max_connections')::int").Scan(&maxConns))
	require.Equal(t, 300, maxConns)
	require.NoError(t, conn.Close(ctx))

	rdb := redis.NewClient(&redis.Options{Addr: env.RedisAddr})
	require.NoError(t, rdb.Ping(ctx).Err())
	cfg, err := rdb.ConfigGet(ctx, "databases").Result()
	require.NoError(t, err)
	n, err := strconv.Atoi(cfg["databases"])
	require.NoError(t, err)
	require.GreaterOrEqual(t, n, DefaultRedisDatabases)
	require.NoError(t, rdb.Close())
	// The last database is usable, as tests that take one each will need.
	last := redis.NewClient(&redis.Options{Addr: env.RedisAddr, DB: n - 1})
	require.NoError(t, last.Set(ctx, "k", "v", 0).Err())
	require.NoError(t, last.Close())

	pids := []int{env.pg.cmd.Process.Pid, env.redis.cmd.Process.Pid}
	ports := []string{hostPort(t, env.DatabaseURL), env.RedisAddr}

	begin = time.Now()
	require.NoError(t, env.Stop())
	t.Logf("stop took %s", time.Since(begin))
	require.NoError(t, env.Stop(), "Stop is idempotent")

	for _, addr := range ports {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
		}
		require.Error(t, err, "%s still accepts connections", addr)
	}
	for _, pid := range pids {
		require.ErrorIs(t, syscall.Kill(pid, 0), syscall.ESRCH, "process %d still exists", pid)
	}
	require.Empty(t, processesIn(t, env.Dir))
	_, err = os.Stat(env.Dir)
	require.ErrorIs(t, err, os.ErrNotExist, "temp dir not removed")
}

func TestKeptDirIsReused(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := reachableDir(t)

	env, err := Start(ctx, Options{Dir: dir, Logger: testLogger(t)})
	require.NoError(t, err)
	conn, err := pgx.Connect(ctx, env.DatabaseURL)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('hello')")
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))
	rdb := redis.NewClient(&redis.Options{Addr: env.RedisAddr, DB: 7})
	require.NoError(t, rdb.Set(ctx, "kept", "world", 0).Err())
	require.NoError(t, rdb.Close())
	require.NoError(t, env.Stop())
	require.DirExists(t, filepath.Join(dir, pgDataDirName), "a given Dir is kept")
	require.FileExists(t, filepath.Join(dir, pgLogName))

	begin := time.Now()
	env, err = Start(ctx, Options{Dir: dir, Logger: testLogger(t)})
	require.NoError(t, err)
	t.Logf("restart on a kept dir took %s", time.Since(begin))
	t.Cleanup(func() { _ = env.Stop() })
	conn, err = pgx.Connect(ctx, env.DatabaseURL)
	require.NoError(t, err)
	var v string
	require.NoError(t, conn.QueryRow(ctx, "SELECT v FROM kept").Scan(&v))
	require.Equal(t, "hello", v)
	require.NoError(t, conn.Close(ctx))
	rdb = redis.NewClient(&redis.Options{Addr: env.RedisAddr, DB: 7})
	v, err = rdb.Get(ctx, "kept").Result()
	require.NoError(t, err)
	require.Equal(t, "world", v)
	require.NoError(t, rdb.Close())
	require.NoError(t, env.Stop())
	require.Empty(t, processesIn(t, dir))
}

func TestFailedStartStopsEverything(t *testing.T) {
	t.Parallel()
	dir := reachableDir(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { busy.Close() })

	_, err = Start(t.Context(), Options{
		Dir:          dir,
		PostgresPort: busy.Addr().(*net.TCPAddr).Port,
		Logger:       testLogger(t),
	})
	require.ErrorContains(t, err, "not free")
	// Redis had started by then (initdb takes longer) and must be gone.
	require.FileExists(t, filepath.Join(dir, redisLogName))
	require.Empty(t, processesIn(t, dir))
}

// helperDirEnv tells the test binary, re-run by TestServersDieWithParent,
// to act as a parent process that starts an env and is then killed.
const helperDirEnv = "DEVENV_TEST_HELPER_DIR"

func TestServersDieWithParent(t *testing.T) {
	t.Parallel()
	dir := reachableDir(t)

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperStartAndHang$")
	cmd.Env = append(os.Environ(), helperDirEnv+"="+dir)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	var addrs []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
			addrs = strings.Fields(rest)
			break
		}
	}
	require.Len(t, addrs, 2, "helper did not start an env")
	require.NotEmpty(t, processesIn(t, dir))

	// SIGKILL: no deferred Stop, no signal handler runs in the parent.
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()

	require.Eventually(t, func() bool {
		if len(processesIn(t, dir)) > 0 {
			return false
		}
		for _, addr := range addrs {
			if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
				c.Close()
				return false
			}
		}
		return true
	}, 20*time.Second, 50*time.Millisecond, "servers outlived their parent")
}

// TestHelperStartAndHang is the parent process of TestServersDieWithParent.
func TestHelperStartAndHang(t *testing.T) {
	dir := os.Getenv(helperDirEnv)
	if dir == "" {
		t.Skip("helper process of TestServersDieWithParent")
	}
	env, err := Start(context.Background(), Options{Dir: dir})
	require.NoError(t, err)
	fmt.Printf("READY %s %s\n", hostPort(t, env.DatabaseURL), env.RedisAddr)
	time.Sleep(time.Minute) // killed long before
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}

// reachableDir returns a fresh folder under /tmp that the postgres OS user
// can enter (t.TempDir's parent is 0700), removed after the test.
func reachableDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("/tmp", "devenv-test-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755))
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// hostPort extracts host:port from a postgres:// URL.
func hostPort(t *testing.T, url string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	require.NoError(t, err)
	return net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
}

// processesIn lists live processes whose working directory is dir or below
// it: postgres and redis-server run in their data folders. Zombies have no
// working directory and do not count.
func processesIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	var found []string
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
		if err != nil {
			if !errors.Is(err, os.ErrNotExist) && !errors.Is(err, os.ErrPermission) {
				t.Logf("readlink cwd of %d: %v", pid, err)
			}
			continue
		}
		if cwd == dir || strings.HasPrefix(cwd, dir+"/") {
			comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
			found = append(found, fmt.Sprintf("%d %s", pid, strings.TrimSpace(string(comm))))
		}
	}
	return found
}
