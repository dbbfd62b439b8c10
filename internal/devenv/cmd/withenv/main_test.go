package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRunPassesEnvAndExitCode(t *testing.T) {
	var stdout, stderr bytes.Buffer
	script := `test -n "$ACCESSHIVE_TEST_DATABASE_URL" && test "$DATABASE_URL" = "$ACCESSHIVE_TEST_DATABASE_URL" &&
		test -n "$ACCESSHIVE_TEST_REDIS_ADDR" && test "$REDIS_ADDR" = "$ACCESSHIVE_TEST_REDIS_ADDR" &&
		echo "$DATABASE_URL" && exit 3`
	code := run([]string{"--", "sh", "-c", script}, strings.NewReader(""), &stdout, &stderr)
	require.Equal(t, 3, code, "stderr:\n%s", stderr.String())
	require.Contains(t, stdout.String(), "postgres://postgres@127.0.0.1:")
	require.Contains(t, stderr.String(), "devenv stopped")
}

func TestRunWithoutCommandIsUsageError(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.Equal(t, exitUsage, run(nil, strings.NewReader(""), &stdout, &stderr))
	require.Contains(t, stderr.String(), "usage: withenv")
}
