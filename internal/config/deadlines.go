package config

import "time"

// Deadlines bound every call AccessHive makes to a dependency, so that a frozen PostgreSQL or
// Redis (a hung server or a network partition looks the same) or a slow directory turns into a
// prompt, clear error instead of a request or a job that hangs. A zero field means its default.
type Deadlines struct {
	// Request bounds one GraphQL request over HTTP, every database and Redis call it makes
	// included (ACCESSHIVE_REQUEST_TIMEOUT, default 5s). A websocket's subscriptions are not
	// bounded by it, but the session check of its upgrade is.
	Request time.Duration
	// DBConnect bounds opening one PostgreSQL connection (ACCESSHIVE_DB_CONNECT_TIMEOUT,
	// default 3s).
	DBConnect time.Duration
	// DBStatement is PostgreSQL's statement_timeout for every connection
	// (ACCESSHIVE_DB_STATEMENT_TIMEOUT, default 30s): the server's own bound on one statement,
	// lock waits included, for callers without a tighter context deadline (jobs, migrations).
	DBStatement time.Duration
	// DBPoolSize bounds the connections one process opens (ACCESSHIVE_DB_POOL_SIZE, default 20).
	DBPoolSize int
	// RedisDial, RedisRead and RedisWrite bound connecting to Redis and each command's reply
	// and write (ACCESSHIVE_REDIS_DIAL_TIMEOUT default 2s, ACCESSHIVE_REDIS_READ_TIMEOUT and
	// ACCESSHIVE_REDIS_WRITE_TIMEOUT default 2s). Waiting for a free pooled connection is
	// bounded by RedisRead plus one second (go-redis's PoolTimeout).
	RedisDial  time.Duration
	RedisRead  time.Duration
	RedisWrite time.Duration
	// Publish bounds one event publish (ACCESSHIVE_PUBLISH_TIMEOUT, default 1s). A publish that
	// fails makes the next ones fail at once for a second, so a request that announces several
	// changes while Redis is away waits for one timeout, not one each.
	Publish time.Duration
	// Directory bounds one HTTP attempt to the Directory API, retried with backoff when it
	// times out (ACCESSHIVE_DIRECTORY_TIMEOUT, default 30s).
	Directory time.Duration
}

// DefaultDeadlines are the deadlines of a process that sets none.
func DefaultDeadlines() Deadlines {
	return Deadlines{
		Request:     5 * time.Second,
		DBConnect:   3 * time.Second,
		DBStatement: 30 * time.Second,
		DBPoolSize:  20,
		RedisDial:   2 * time.Second,
		RedisRead:   2 * time.Second,
		RedisWrite:  2 * time.Second,
		Publish:     time.Second,
		Directory:   30 * time.Second,
	}
}

// WithDefaults returns d with every zero field set to its default.
func (d Deadlines) WithDefaults() Deadlines {
	def := DefaultDeadlines()
	pick := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	pick(&d.Request, def.Request)
	pick(&d.DBConnect, def.DBConnect)
	pick(&d.DBStatement, def.DBStatement)
	pick(&d.RedisDial, def.RedisDial)
	pick(&d.RedisRead, def.RedisRead)
	pick(&d.RedisWrite, def.RedisWrite)
	pick(&d.Publish, def.Publish)
	pick(&d.Directory, def.Directory)
	if d.DBPoolSize <= 0 {
		d.DBPoolSize = def.DBPoolSize
	}
	return d
}

// loadDeadlines reads the deadline variables; unset ones take their defaults.
func loadDeadlines() (Deadlines, error) {
	def := DefaultDeadlines()
	var d Deadlines
	var err error
	for _, v := range []struct {
		dst  *time.Duration
		name string
		def  time.Duration
	}{
		{&d.Request, "ACCESSHIVE_REQUEST_TIMEOUT", def.Request},
		{&d.DBConnect, "ACCESSHIVE_DB_CONNECT_TIMEOUT", def.DBConnect},
		{&d.DBStatement, "ACCESSHIVE_DB_STATEMENT_TIMEOUT", def.DBStatement},
		{&d.RedisDial, "ACCESSHIVE_REDIS_DIAL_TIMEOUT", def.RedisDial},
		{&d.RedisRead, "ACCESSHIVE_REDIS_READ_TIMEOUT", def.RedisRead},
		{&d.RedisWrite, "ACCESSHIVE_REDIS_WRITE_TIMEOUT", def.RedisWrite},
		{&d.Publish, "ACCESSHIVE_PUBLISH_TIMEOUT", def.Publish},
		{&d.Directory, "ACCESSHIVE_DIRECTORY_TIMEOUT", def.Directory},
	} {
		if *v.dst, err = durEnv(v.name, v.def); err != nil {
			return d, err
		}
	}
	if d.DBPoolSize, err = intEnv("ACCESSHIVE_DB_POOL_SIZE", def.DBPoolSize); err != nil {
		return d, err
	}
	return d, nil
}
