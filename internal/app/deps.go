package app

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/config"
)

// RedisOptions are go-redis's options for the configured Redis, with the configured deadlines:
// every command fails after the dial, write or read timeout instead of waiting for a frozen
// server forever, and a caller waiting for a pooled connection gives up after the read timeout
// plus a second.
func RedisOptions(cfg config.Config) *redis.Options {
	d := cfg.Deadlines.WithDefaults()
	return &redis.Options{
		Addr:         cfg.RedisAddr,
		Password:     cfg.RedisPassword,
		DB:           cfg.RedisDB,
		DialTimeout:  d.RedisDial,
		ReadTimeout:  d.RedisRead,
		WriteTimeout: d.RedisWrite,
		PoolTimeout:  d.RedisRead + time.Second,
		// A timeout is not retried by go-redis itself for most commands, and a retry after a
		// dial failure would only double the wait: one attempt each, the caller decides.
		MaxRetries: 1,
	}
}

// OpenRedis returns a client of the configured Redis with the configured deadlines. It does not
// connect until the first command.
func OpenRedis(cfg config.Config) *redis.Client { return redis.NewClient(RedisOptions(cfg)) }

// DBOptions are the connection pool options of the configured deadlines, on top of base (which
// may pin a schema or size the pool; a zero MaxOpenConns takes the configured pool size).
func DBOptions(cfg config.Config, base db.Options) db.Options {
	d := cfg.Deadlines.WithDefaults()
	if base.MaxOpenConns == 0 {
		base.MaxOpenConns = d.DBPoolSize
	}
	if base.ConnectTimeout == 0 {
		base.ConnectTimeout = d.DBConnect
	}
	if base.StatementTimeout == 0 {
		base.StatementTimeout = d.DBStatement
	}
	return base
}

// OpenDB connects to the configured PostgreSQL with the configured deadlines.
func OpenDB(ctx context.Context, cfg config.Config, base db.Options) (*bun.DB, error) {
	return db.Open(ctx, cfg.DatabaseURL, DBOptions(cfg, base))
}
