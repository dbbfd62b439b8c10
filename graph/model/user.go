package model

import (
	"time"

	"github.com/accesshive/accesshive/internal/auth"
)

// User is the GraphQL User; its client and agency are resolved from the ids it carries.
type User struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"createdAt"`
	// ClientID and AgencyID are not GraphQL fields: the client and agency resolvers load them.
	ClientID string `json:"-"`
	AgencyID string `json:"-"`
	// LoginActor is set on the user a login returns: that request carried no session (or
	// another one), so the user's agency and client are resolved as this user's.
	LoginActor *auth.Actor `json:"-"`
}

// Identity is the GraphQL Identity; its client and platform are resolved from the ids it carries.
type Identity struct {
	ID                   string            `json:"id"`
	Scope                IdentityScope     `json:"scope"`
	Type                 IdentityType      `json:"type"`
	DisplayName          string            `json:"displayName"`
	Email                *string           `json:"email,omitempty"`
	ProvisioningState    ProvisioningState `json:"provisioningState"`
	LastError            *string           `json:"lastError,omitempty"`
	LoginURL             *string           `json:"loginUrl,omitempty"`
	Notes                *string           `json:"notes,omitempty"`
	TokenExpiresAt       *time.Time        `json:"tokenExpiresAt,omitempty"`
	Origin               string            `json:"origin"`
	ProviderStatuses     []*ProviderStatus `json:"providerStatuses"`
	CredentialsRotatedAt *time.Time        `json:"credentialsRotatedAt,omitempty"`
	CreatedAt            time.Time         `json:"createdAt"`
	UpdatedAt            time.Time         `json:"updatedAt"`
	StateChangedAt       time.Time         `json:"stateChangedAt"`
	// ClientID and PlatformKey are not GraphQL fields: resolvers load the objects.
	ClientID    string `json:"-"`
	PlatformKey string `json:"-"`
}

// AccessRequest is the GraphQL AccessRequest; its client and platform are resolved from ids.
type AccessRequest struct {
	ID             string              `json:"id"`
	Status         AccessRequestStatus `json:"status"`
	IdentityType   IdentityType        `json:"identityType"`
	RoleTemplateID *string             `json:"roleTemplateId,omitempty"`
	Justification  string              `json:"justification"`
	Reason         *string             `json:"reason,omitempty"`
	Requester      *RequestUser        `json:"requester"`
	Identity       *RequestIdentity    `json:"identity,omitempty"`
	CreatedAt      time.Time           `json:"createdAt"`
	DecidedAt      *time.Time          `json:"decidedAt,omitempty"`
	ExpiresAt      time.Time           `json:"expiresAt"`
	ClientID       string              `json:"-"`
	PlatformKey    string              `json:"-"`
}

// RoleTemplate is the GraphQL RoleTemplate; its platform is resolved from the key.
type RoleTemplate struct {
	ID                   string       `json:"id"`
	Name                 string       `json:"name"`
	IdentityType         IdentityType `json:"identityType"`
	DefaultJustification string       `json:"defaultJustification"`
	CreatedAt            time.Time    `json:"createdAt"`
	PlatformKey          string       `json:"-"`
}
