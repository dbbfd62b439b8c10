// Package demo seeds the demo data of SPEC "Running": Demo Agency with its owner, admin,
// member, clients Acme and Globex with a client user each, platform connection states, and
// Rival Agency with its owner. Every password is Password.
package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/tenant"
)

// Password is every demo user's password.
const Password = "accesshive-demo"

// Login is one seeded login, printed by dev mode.
type Login struct {
	Email  string
	Role   auth.Role
	Agency string
	Client string
}

// Logins are the seeded logins.
var Logins = []Login{
	{"owner@demo.test", auth.RoleOwner, "Demo Agency", ""},
	{"admin@demo.test", auth.RoleAdmin, "Demo Agency", ""},
	{"member@demo.test", auth.RoleMember, "Demo Agency", ""},
	{"alice@acme.test", auth.RoleClientUser, "Demo Agency", "Acme"},
	{"bob@globex.test", auth.RoleClientUser, "Demo Agency", "Globex"},
	{"owner@rival.test", auth.RoleOwner, "Rival Agency", ""},
}

// Seeded is what Seed created, for tests.
type Seeded struct {
	Demo, Rival  *agency.Agency
	Acme, Globex *agency.Client
	UsersByEmail map[string]*auth.User
	// SourceID is Demo Agency's Google Workspace identity source.
	SourceID     uuid.UUID
	AlreadyThere bool
}

// DefaultDirectoryEndpoint is where dev mode serves the fake Google Directory API.
const DefaultDirectoryEndpoint = "http://127.0.0.1:8091"

// Seed creates the demo data unless Demo Agency already exists (then it changes nothing).
func Seed(ctx context.Context, bdb bun.IDB) (*Seeded, error) {
	return SeedWith(ctx, bdb, DefaultDirectoryEndpoint)
}

// SeedWith is Seed with the demo agency's directory source at directoryEndpoint (dev mode on
// other ports, e.g. the browser tests beside a running `make run`).
func SeedWith(ctx context.Context, bdb bun.IDB, directoryEndpoint string) (*Seeded, error) {
	if _, err := agency.FindByName(ctx, bdb, "Demo Agency"); err == nil {
		return &Seeded{AlreadyThere: true}, nil
	} else if !errors.Is(err, fault.ErrNotFound) {
		return nil, err
	}
	s := &Seeded{UsersByEmail: map[string]*auth.User{}}
	err := db.InTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if s.Demo, err = agency.Create(ctx, tx, "Demo Agency"); err != nil {
			return err
		}
		if s.Rival, err = agency.Create(ctx, tx, "Rival Agency"); err != nil {
			return err
		}
		if err := s.seedClients(ctx, tx); err != nil {
			return err
		}
		if err := s.seedUsers(ctx, tx); err != nil {
			return err
		}
		if err := s.seedConnections(ctx, tx); err != nil {
			return err
		}
		return s.seedSource(ctx, tx, directoryEndpoint)
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// seedClients adds Acme and Globex to Demo Agency.
func (s *Seeded) seedClients(ctx context.Context, tx bun.IDB) error {
	for _, c := range []struct {
		name string
		dst  **agency.Client
	}{{"Acme", &s.Acme}, {"Globex", &s.Globex}} {
		cl := &agency.Client{AgencyID: s.Demo.ID, Name: c.name}
		// clock_timestamp, not the transaction's now(): the clients list in a stable order.
		if _, err := tx.NewInsert().Model(cl).Value("created_at", "clock_timestamp()").Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("demo: client %s: %w", c.name, err)
		}
		*c.dst = cl
	}
	return nil
}

// seedUsers adds every login of Logins to its agency (and client).
func (s *Seeded) seedUsers(ctx context.Context, tx bun.IDB) error {
	for _, l := range Logins {
		in := auth.NewUser{Email: l.Email, Name: nameOf(l.Email), Password: Password, Role: l.Role}
		ag := s.Demo
		if l.Agency == "Rival Agency" {
			ag = s.Rival
		}
		switch l.Client {
		case "Acme":
			in.ClientID = s.Acme.ID
		case "Globex":
			in.ClientID = s.Globex.ID
		}
		u, err := auth.CreateSeedUser(ctx, tx, ag.ID, in)
		if err != nil {
			return fmt.Errorf("demo: user %s: %w", l.Email, err)
		}
		s.UsersByEmail[l.Email] = u
	}
	return nil
}

// seedConnections sets the platform connection states of both agencies.
func (s *Seeded) seedConnections(ctx context.Context, tx bun.IDB) error {
	for key, state := range map[string]agency.ConnectionState{
		"META_ADS": agency.StateOperational, "GOOGLE_ADS": agency.StateOperational,
		"GA4": agency.StateOperational, "TIKTOK_ADS": agency.StatePending,
	} {
		if err := agency.SeedConnection(ctx, tx, s.Demo.ID, key, state); err != nil {
			return err
		}
	}
	return agency.SeedConnection(ctx, tx, s.Rival.ID, "META_ADS", agency.StateOperational)
}

// seedSource adds Demo Agency's Google Workspace source: the fake directory at endpoint (dev
// mode runs one). It is CHECKING until a check against that directory proves it (dev enqueues
// one; tests check it or call ConnectSource).
func (s *Seeded) seedSource(ctx context.Context, tx bun.IDB, endpoint string) error {
	err := tx.NewInsert().Table("identity_sources").Model(&map[string]any{
		"agency_id": s.Demo.ID, "domain": "demo.test", "customer_id": "C0demo",
		"admin_subject": "admin@demo.test", "endpoint": endpoint, "state": "CHECKING",
	}).Returning("id").Scan(ctx, &s.SourceID)
	if err != nil {
		return fmt.Errorf("demo: identity source: %w", err)
	}
	return nil
}

// ConnectSource records what a successful check of Demo Agency's identity source records: the
// source CONNECTED and Demo Agency holding demo.test. It is for tests that have no directory
// to check against; with one, check the source instead.
func (s *Seeded) ConnectSource(ctx context.Context, idb bun.IDB) error {
	return db.InTx(ctx, idb, func(ctx context.Context, tx bun.Tx) error {
		var srcID uuid.UUID
		err := tenant.Agency(s.Demo.ID).Raw(tx, `UPDATE identity_sources SET state = 'CONNECTED', last_error = '', last_check_at = clock_timestamp()
			WHERE agency_id = ? AND kind = 'GWS' RETURNING id`).Scan(ctx, &srcID)
		if err != nil {
			return fmt.Errorf("demo: connect source: %w", err)
		}
		_, err = tx.NewRaw(`INSERT INTO directory_domains (domain, agency_id, source_id, customer_id)
			VALUES ('demo.test', ?, ?, 'C0demo') ON CONFLICT (domain) DO NOTHING`, s.Demo.ID, srcID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("demo: claim domain: %w", err)
		}
		return nil
	})
}

func nameOf(email string) string {
	names := map[string]string{
		"owner@demo.test": "Olivia Owner", "admin@demo.test": "Adam Admin", "member@demo.test": "Mia Member",
		"alice@acme.test": "Alice Acme", "bob@globex.test": "Bob Globex", "owner@rival.test": "Rita Rival",
	}
	return names[email]
}
