// Package identity holds the identities agencies and their clients use on ad platforms: their
// types and required fields, the provisioning state machine, provider statuses, and the
// credentials they keep in the vault.
package identity

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/page"
)

// Type is the kind of an identity.
type Type string

// Identity types (SPEC "Identities").
const (
	TypeManagedGWS    Type = "MANAGED_GWS"
	TypeExternalLogin Type = "EXTERNAL_LOGIN"
	TypeAPIToken      Type = "API_TOKEN"
)

// Valid reports whether t is a known type.
func (t Type) Valid() bool {
	return t == TypeManagedGWS || t == TypeExternalLogin || t == TypeAPIToken
}

// Scope says whether an identity belongs to the agency or to one client.
type Scope string

// Scopes.
const (
	ScopeAgency Scope = "AGENCY"
	ScopeClient Scope = "CLIENT"
)

// Providers besides the platform itself.
const ProviderGWSDirectory = "GWS_DIRECTORY"

// Identity is one row of the identities table.
type Identity struct {
	bun.BaseModel `bun:"table:identities,alias:i"`

	ID                   uuid.UUID  `bun:"id,pk,type:uuid,default:gen_random_uuid()"`
	AgencyID             uuid.UUID  `bun:"agency_id,type:uuid,notnull"`
	ClientID             *uuid.UUID `bun:"client_id,type:uuid"`
	Scope                Scope      `bun:"scope,notnull"`
	PlatformKey          *string    `bun:"platform_key"`
	Type                 Type       `bun:"type,notnull"`
	DisplayName          string     `bun:"display_name,notnull"`
	Email                *string    `bun:"email"`
	LoginURL             string     `bun:"login_url,notnull"`
	Notes                string     `bun:"notes,notnull"`
	TokenExpiresAt       *time.Time `bun:"token_expires_at"`
	State                State      `bun:"provisioning_state,notnull"`
	LastError            string     `bun:"last_error,notnull"`
	Origin               string     `bun:"origin,notnull,default:'MANUAL'"`
	OriginRequestID      *uuid.UUID `bun:"origin_request_id,type:uuid"`
	CreatedBy            *uuid.UUID `bun:"created_by,type:uuid"`
	CreatedAt            time.Time  `bun:"created_at,notnull,default:clock_timestamp()"`
	UpdatedAt            time.Time  `bun:"updated_at,notnull,default:clock_timestamp()"`
	StateChangedAt       time.Time  `bun:"state_changed_at,notnull,default:clock_timestamp()"`
	CredentialsRotatedAt *time.Time `bun:"credentials_rotated_at"`

	ProviderStatuses []ProviderStatus `bun:"rel:has-many,join:id=identity_id"`
}

// Cursor is the identity's position in lists.
func (i *Identity) Cursor() page.Cursor { return page.Cursor{At: i.CreatedAt, ID: i.ID} }

// Platform returns the identity's platform key, or "" for an agency-wide identity.
func (i *Identity) Platform() string {
	if i.PlatformKey == nil {
		return ""
	}
	return *i.PlatformKey
}

// ProviderStatus is an identity's standing with one provider (the GWS directory, the platform).
type ProviderStatus struct {
	bun.BaseModel `bun:"table:identity_provider_statuses,alias:ps"`

	IdentityID uuid.UUID `bun:"identity_id,pk,type:uuid"`
	AgencyID   uuid.UUID `bun:"agency_id,type:uuid,notnull"`
	Provider   string    `bun:"provider,pk"`
	Status     string    `bun:"status,notnull"`
	LastError  string    `bun:"last_error,notnull"`
	ExternalID string    `bun:"external_id,notnull"`
	UpdatedAt  time.Time `bun:"updated_at,notnull,default:clock_timestamp()"`
}

// Credentials are an identity's secrets, sealed together in the vault as JSON.
type Credentials struct {
	Username   string `json:"username,omitempty"`
	Password   string `json:"password,omitempty"`
	Token      string `json:"token,omitempty"`
	TOTPSecret string `json:"totpSecret,omitempty"`
}

// Marshal returns the credentials' JSON, for sealing.
func (c Credentials) Marshal() []byte {
	b, _ := json.Marshal(c)
	return b
}

// EventTopic makes an identity the payload of TopicIdentityUpdated (event.Payload): it holds no
// secrets (they live in the vault).
func (Identity) EventTopic() event.Topic { return event.TopicIdentityUpdated }
