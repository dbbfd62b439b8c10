package model

import "time"

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
}
