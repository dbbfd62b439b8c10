package agency

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/page"
	"github.com/accesshive/accesshive/internal/tenant"
)

// Client is one of the agency's customers.
type Client struct {
	bun.BaseModel `bun:"table:clients,alias:c"`

	ID        uuid.UUID `bun:"id,pk,type:uuid,default:gen_random_uuid()"`
	AgencyID  uuid.UUID `bun:"agency_id,type:uuid,notnull"`
	Name      string    `bun:"name,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull,default:now()"`
	// ArchivedAt is set when the client was offboarded; its history stays.
	ArchivedAt    *time.Time `bun:"archived_at"`
	ArchiveReason *string    `bun:"archive_reason"`
}

// Audit kinds of client changes.
const (
	KindClientRenamed    = "client.renamed"
	KindClientOffboarded = "client.offboarded"
)

// Cursor is the client's position in lists.
func (c *Client) Cursor() page.Cursor { return page.Cursor{At: c.CreatedAt, ID: c.ID} }

// CreateClient adds a client to the actor's agency.
func CreateClient(ctx context.Context, idb bun.IDB, actor *auth.Actor, name string) (*Client, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, err
	}
	name, err := auth.ValidateName("name", name, 200)
	if err != nil {
		return nil, err
	}
	c := &Client{AgencyID: actor.AgencyID, Name: name}
	err = db.InTx(ctx, idb, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(c).Returning("*").Exec(ctx); err != nil {
			if db.IsCode(err, db.CodeUniqueViolation) {
				return errDuplicateClient
			}
			return fmt.Errorf("agency: insert client: %w", err)
		}
		return audit.Record(ctx, tx, actor, audit.KindClientCreated, "client", c.ID, map[string]any{"name": name})
	})
	if errors.Is(err, errDuplicateClient) {
		// The failed insert aborted the transaction, so the existing client is looked up
		// after it rolled back.
		var existing Client
		if err := tenant.Agency(actor.AgencyID).Select(idb, &existing).Where("lower(c.name) = lower(?)", name).Scan(ctx); err != nil {
			return nil, fmt.Errorf("agency: find duplicate client: %w", err)
		}
		return nil, fault.Conflict("a client with this name exists", existing.ID.String())
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// errDuplicateClient leaves CreateClient's transaction when the name is taken.
var errDuplicateClient = errors.New("agency: duplicate client name")

// GetClient returns a client the actor may see, or NOT_FOUND.
func GetClient(ctx context.Context, idb bun.IDB, actor *auth.Actor, id uuid.UUID) (*Client, error) {
	if err := actor.Require(auth.ActionReadAgency); err != nil {
		return nil, err
	}
	c := new(Client)
	// The actor's scope narrows a client user to its own client.
	err := actor.Tenant().Select(idb, c).Where("c.id = ?", id).Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fault.NotFound("client")
	}
	if err != nil {
		return nil, fmt.Errorf("agency: get client: %w", err)
	}
	return c, nil
}

// ClientsByIDs loads the clients of the actor's agency with the given ids (for dataloaders).
func ClientsByIDs(ctx context.Context, idb bun.IDB, agencyID uuid.UUID, ids []uuid.UUID) ([]Client, error) {
	var cs []Client
	if err := tenant.Agency(agencyID).Select(idb, &cs).Where("c.id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("agency: clients by ids: %w", err)
	}
	return cs, nil
}

// ListClients pages through the clients the actor may see, oldest first; archived
// (offboarded) clients only when includeArchived.
func ListClients(ctx context.Context, idb bun.IDB, actor *auth.Actor, includeArchived bool, args page.Args) (page.Result[Client], error) {
	if err := actor.Require(auth.ActionReadAgency); err != nil {
		return page.Result[Client]{}, err
	}
	scope := func(q *bun.SelectQuery) *bun.SelectQuery {
		if !includeArchived {
			q = q.Where("c.archived_at IS NULL")
		}
		return q
	}
	var cs []Client
	q, first, err := page.Apply(scope(actor.Tenant().Select(idb, &cs)), "c", args)
	if err != nil {
		return page.Result[Client]{}, err
	}
	if err := q.Scan(ctx); err != nil {
		return page.Result[Client]{}, fmt.Errorf("agency: list clients: %w", err)
	}
	total, err := scope(actor.Tenant().Select(idb, (*Client)(nil))).Count(ctx)
	if err != nil {
		return page.Result[Client]{}, fmt.Errorf("agency: count clients: %w", err)
	}
	return page.Build(cs, first, int(total), func(c Client) page.Cursor { return c.Cursor() }), nil
}

// RenameClient gives a client of the actor's agency a new name (owners and admins); the name is
// unique within the agency, whatever its case (CONFLICT naming the holder). Audited with both
// names.
func RenameClient(ctx context.Context, idb bun.IDB, actor *auth.Actor, id uuid.UUID, name string) (*Client, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, err
	}
	name, err := auth.ValidateName("name", name, 200)
	if err != nil {
		return nil, err
	}
	c := new(Client)
	err = db.InTx(ctx, idb, func(ctx context.Context, tx bun.Tx) error {
		if err := lockClient(ctx, tx, actor, id, c); err != nil {
			return err
		}
		if c.Name == name {
			return nil
		}
		var holder uuid.UUID
		err := tenant.Agency(actor.AgencyID).Select(tx, (*Client)(nil)).Column("id").
			Where("lower(name) = lower(?) AND id <> ?", name, id).Limit(1).Scan(ctx, &holder)
		if err == nil {
			return fault.Conflict("a client with this name exists", holder.String())
		}
		if !db.IsNoRows(err) {
			return fmt.Errorf("agency: check client name: %w", err)
		}
		before := c.Name
		if _, err := tenant.Agency(actor.AgencyID).Update(tx, c).WherePK().Set("name = ?", name).Returning("*").Exec(ctx); err != nil {
			if db.IsCode(err, db.CodeUniqueViolation) {
				return fault.Conflict("a client with this name exists", "")
			}
			return fmt.Errorf("agency: rename client: %w", err)
		}
		return audit.Record(ctx, tx, actor, KindClientRenamed, "client", c.ID, map[string]any{"from": before, "to": name})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// lockClient loads a client of the actor's agency into c under a row lock, or NOT_FOUND.
func lockClient(ctx context.Context, tx bun.IDB, actor *auth.Actor, id uuid.UUID, c *Client) error {
	err := tenant.Agency(actor.AgencyID).Select(tx, c).Where("c.id = ?", id).For("UPDATE").Scan(ctx)
	if db.IsNoRows(err) {
		return fault.NotFound("client")
	}
	if err != nil {
		return fmt.Errorf("agency: lock client: %w", err)
	}
	return nil
}

// ArchiveClientInTx marks a client of the actor's agency archived within the caller's
// transaction (owners and admins): the first step of offboarding (request.Service.OffboardClient
// runs the others in the same transaction). An archived client is a CONFLICT.
func ArchiveClientInTx(ctx context.Context, tx bun.IDB, actor *auth.Actor, id uuid.UUID, reason *string) (*Client, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, err
	}
	c := new(Client)
	if err := lockClient(ctx, tx, actor, id, c); err != nil {
		return nil, err
	}
	if c.ArchivedAt != nil {
		return nil, fault.Conflict("this client is already offboarded", c.ID.String())
	}
	if _, err := tenant.Agency(actor.AgencyID).Update(tx, c).WherePK().Set("archived_at = clock_timestamp()").Set("archive_reason = ?", reason).Returning("*").Exec(ctx); err != nil {
		return nil, fmt.Errorf("agency: archive client: %w", err)
	}
	return c, audit.Record(ctx, tx, actor, KindClientOffboarded, "client", c.ID, map[string]any{"name": c.Name, "reason": reason})
}
