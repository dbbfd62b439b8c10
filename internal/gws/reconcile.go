package gws

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// Mismatch kinds reported by Reconcile.
const (
	// MismatchMissing is an expected user the managed org unit lacks.
	MismatchMissing = "MISSING_IN_DIRECTORY"
	// MismatchUnknown is a user of the managed org unit AccessHive does not
	// expect.
	MismatchUnknown = "UNKNOWN_IN_DIRECTORY"
	// MismatchSuspended is an expected user that is suspended.
	MismatchSuspended = "SUSPENDED_IN_DIRECTORY"
	// MismatchDrift is an expected user whose name, org unit or AccessHive
	// external id differ from AccessHive's records.
	MismatchDrift = "ATTRIBUTE_DRIFT"
)

// Expected is a directory user AccessHive's records say should exist.
type Expected struct {
	// IdentityID is the MANAGED_GWS identity the user belongs to.
	IdentityID uuid.UUID
	// Email is the user's address.
	Email string
	// GivenName and FamilyName are the name AccessHive gave the user.
	GivenName, FamilyName string
}

// Mismatch is one difference between AccessHive's records and the directory.
type Mismatch struct {
	// Kind is one of the Mismatch* constants.
	Kind string
	// Email is the user's address, in lower case.
	Email string
	// IdentityID is the expected identity; uuid.Nil for an unknown user.
	IdentityID uuid.UUID
	// Detail says what differs, for people.
	Detail string
}

// Reconcile compares the managed org unit with expected (keyed by lowercased
// address) and reports every mismatch; it changes nothing. deleted (may be
// nil) holds the ids of the agency's DELETED managed identities: a suspended
// user carrying one of them in its external id is what deprovisioning leaves
// behind and is not a mismatch, while such a user that is still active is
// reported as unknown, saying so. It pages through ListManaged, so memory
// stays bounded by one page plus expected, deleted and the set of expected
// addresses seen. progress, if not nil, is called after each page
// with the pages and users read so far. Mismatches come in directory order
// (by address), then the missing users, by address. A user both suspended and
// drifted is reported twice, once per kind.
func Reconcile(ctx context.Context, c *Client, expected map[string]Expected, deleted map[uuid.UUID]struct{}, progress func(pages, users int)) ([]Mismatch, error) {
	var (
		out   []Mismatch
		seen  = make(map[string]struct{}, len(expected))
		pages int
		users int
	)
	_, err := c.ListManaged(ctx, func(page []User) error {
		for i := range page {
			u := &page[i]
			email := strings.ToLower(u.PrimaryEmail)
			exp, ok := expected[email]
			if !ok {
				if _, gone := deleted[u.IdentityID]; gone && u.IdentityID != uuid.Nil {
					if u.Suspended {
						// Deprovisioned: suspended, as deleting the identity left it.
						continue
					}
					out = append(out, Mismatch{Kind: MismatchUnknown, Email: email,
						Detail: "carries AccessHive identity " + u.IdentityID.String() + ", which was deleted, yet the user is active (not suspended)"})
					continue
				}
				detail := "not an AccessHive identity's user"
				if u.IdentityID != uuid.Nil {
					detail = "carries AccessHive identity " + u.IdentityID.String() + ", which is not expected at this address"
				}
				out = append(out, Mismatch{Kind: MismatchUnknown, Email: email, Detail: detail})
				continue
			}
			seen[email] = struct{}{}
			if u.Suspended {
				out = append(out, Mismatch{Kind: MismatchSuspended, Email: email, IdentityID: exp.IdentityID,
					Detail: "suspended in the directory"})
			}
			if d := drift(c.ou, exp, u); d != "" {
				out = append(out, Mismatch{Kind: MismatchDrift, Email: email, IdentityID: exp.IdentityID, Detail: d})
			}
		}
		pages++
		users += len(page)
		if progress != nil {
			progress(pages, users)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	var missing []Mismatch
	for email, exp := range expected {
		if _, ok := seen[email]; !ok {
			missing = append(missing, Mismatch{Kind: MismatchMissing, Email: email, IdentityID: exp.IdentityID,
				Detail: "no user with this address in " + c.ou})
		}
	}
	slices.SortFunc(missing, func(a, b Mismatch) int { return strings.Compare(a.Email, b.Email) })
	return append(out, missing...), nil
}

// drift describes how u differs from exp, or returns "".
func drift(ou string, exp Expected, u *User) string {
	var diffs []string
	if u.GivenName != exp.GivenName {
		diffs = append(diffs, fmt.Sprintf("givenName %q, expected %q", u.GivenName, exp.GivenName))
	}
	if u.FamilyName != exp.FamilyName {
		diffs = append(diffs, fmt.Sprintf("familyName %q, expected %q", u.FamilyName, exp.FamilyName))
	}
	if !strings.EqualFold(normalizeOU(u.OrgUnitPath), ou) {
		diffs = append(diffs, fmt.Sprintf("orgUnitPath %q, expected %q", u.OrgUnitPath, ou))
	}
	switch u.IdentityID {
	case exp.IdentityID:
	case uuid.Nil:
		diffs = append(diffs, "no AccessHive external id, expected identity "+exp.IdentityID.String())
	default:
		diffs = append(diffs, "external id points to identity "+u.IdentityID.String()+", expected "+exp.IdentityID.String())
	}
	return strings.Join(diffs, "; ")
}
