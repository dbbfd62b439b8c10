package config

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// documentedVariables returns the variables of README "Configuration" (the rows of its table).
func documentedVariables(t *testing.T) []string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	var out []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z][A-Z0-9_]+)` \\|").FindAllStringSubmatch(string(readme), -1) {
		out = append(out, m[1])
	}
	require.Greater(t, len(out), 20, "README's configuration table")
	return out
}

// secretVariables may also come from NAME_FILE.
var secretVariables = []string{"DATABASE_URL", "REDIS_PASSWORD", "ACCESSHIVE_MASTER_KEYS", "ACCESSHIVE_SMTP_USER", "ACCESSHIVE_SMTP_PASSWORD"}

// TestComposePassesEveryDocumentedVariable: docker-compose.yml passed none of 13 documented
// variables to the api and the worker (issue 8 item 12). Every one, and the *_FILE form of every
// secret, must reach both, from the environment docker-compose runs in.
func TestComposePassesEveryDocumentedVariable(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "docker-compose.yml"))
	require.NoError(t, err)
	var compose struct {
		Services map[string]struct {
			Environment map[string]string `yaml:"environment"`
			Image       string            `yaml:"image"`
		} `yaml:"services"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &compose))
	vars := documentedVariables(t)
	for _, s := range secretVariables {
		vars = append(vars, s+"_FILE")
	}
	for _, svc := range []string{"api", "worker"} {
		env := compose.Services[svc].Environment
		for _, v := range vars {
			require.Contains(t, env, v, "%s: %s is not passed", svc, v)
			require.True(t, strings.HasPrefix(env[v], "${"+v+":-") || env[v] == "${"+v+"}", "%s: %s = %q does not come from the environment", svc, v, env[v])
		}
	}
	// Base images are pinned to an exact version (or a digest), never a moving tag.
	exact := regexp.MustCompile(`(@sha256:[0-9a-f]{64}$)|(:[0-9]+\.[0-9]+(\.[0-9]+)?(-[a-z0-9.]+)?$)`)
	for name, svc := range compose.Services {
		if svc.Image != "" && !strings.HasPrefix(svc.Image, "accesshive:") {
			require.Regexp(t, exact, svc.Image, name)
		}
	}
	dockerfile, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	require.NoError(t, err)
	for _, m := range regexp.MustCompile(`(?m)^FROM (\S+)`).FindAllStringSubmatch(string(dockerfile), -1) {
		require.Regexp(t, exact, m[1])
	}

	// Rendered by docker-compose itself when it is installed (apt-get install docker-compose):
	// each variable set in its environment reaches both services.
	bin, err := exec.LookPath("docker-compose")
	if err != nil {
		t.Log("docker-compose not installed: the file was checked as YAML only")
		return
	}
	cmd := exec.Command(bin, "-f", filepath.Join("..", "..", "docker-compose.yml"), "config")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for _, v := range vars {
		cmd.Env = append(cmd.Env, v+"=set-"+strings.ToLower(v))
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	var rendered struct {
		Services map[string]struct {
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	require.NoError(t, yaml.Unmarshal(out, &rendered))
	for _, svc := range []string{"api", "worker"} {
		for _, v := range vars {
			require.Equal(t, "set-"+strings.ToLower(v), rendered.Services[svc].Environment[v], "%s: %s", svc, v)
		}
	}
}

// TestSecretsFromFiles: every secret can come from NAME_FILE (Docker secrets), without its
// trailing line break; NAME and NAME_FILE together are refused.
func TestSecretsFromFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range secretVariables {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte("from-file-"+name+"\n"), 0o600))
		t.Setenv(name, "")
		t.Setenv(name+"_FILE", p)
	}
	c, err := Load()
	require.NoError(t, err)
	require.Equal(t, "from-file-DATABASE_URL", c.DatabaseURL)
	require.Equal(t, "from-file-REDIS_PASSWORD", c.RedisPassword)
	require.Equal(t, "from-file-ACCESSHIVE_MASTER_KEYS", c.MasterKeys)
	require.Equal(t, "from-file-ACCESSHIVE_SMTP_USER", c.SMTPUser)
	require.Equal(t, "from-file-ACCESSHIVE_SMTP_PASSWORD", c.SMTPPassword)

	t.Setenv("REDIS_PASSWORD", "also-set")
	_, err = Load()
	require.ErrorContains(t, err, "REDIS_PASSWORD or REDIS_PASSWORD_FILE")
	t.Setenv("REDIS_PASSWORD", "")
	t.Setenv("ACCESSHIVE_MASTER_KEYS_FILE", filepath.Join(dir, "missing"))
	_, err = Load()
	require.ErrorContains(t, err, "ACCESSHIVE_MASTER_KEYS_FILE")
}

// TestSMTPTLSAndPublicURL: the mail encryption mode and the public URL are checked at start.
func TestSMTPTLSAndPublicURL(t *testing.T) {
	t.Setenv("ACCESSHIVE_SMTP_TLS", "")
	t.Setenv("ACCESSHIVE_PUBLIC_URL", "")
	c, err := Load()
	require.NoError(t, err)
	require.Equal(t, "starttls", c.SMTPTLS, "STARTTLS is required by default")
	require.False(t, c.OpsQueuesWritable)
	t.Setenv("ACCESSHIVE_SMTP_TLS", "sometimes")
	_, err = Load()
	require.ErrorContains(t, err, "ACCESSHIVE_SMTP_TLS")
	t.Setenv("ACCESSHIVE_SMTP_TLS", "none")
	for _, bad := range []string{"javascript:alert(1)", "access.example.com", "https://user:pw@access.example.com", "https://a.example/?next=evil"} {
		t.Setenv("ACCESSHIVE_PUBLIC_URL", bad)
		_, err = Load()
		require.ErrorContains(t, err, "ACCESSHIVE_PUBLIC_URL", bad)
	}
	t.Setenv("ACCESSHIVE_PUBLIC_URL", "https://access.example.com/")
	c, err = Load()
	require.NoError(t, err)
	require.Equal(t, "https://access.example.com", c.PublicURL)
}
