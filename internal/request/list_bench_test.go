package request_test

import (
	"context"
	"testing"

	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/notify"
	"github.com/accesshive/accesshive/internal/page"
	"github.com/accesshive/accesshive/internal/request"
	"github.com/accesshive/accesshive/internal/testenv"
	"github.com/accesshive/accesshive/internal/vault"
)

// BenchmarkList pages through the access requests of the demo agency as its admin: a page of
// 10 requests (two clients' users, one per platform each), the 4 managed ones approved so that
// they point at an identity. It measures the list view with its requester, client, platform and identity.
func BenchmarkList(b *testing.B) {
	ctx := context.Background()
	bdb := testenv.DB(b)
	seed, err := demo.Seed(ctx, bdb)
	if err != nil {
		b.Fatal(err)
	}
	if err := seed.ConnectSource(ctx, bdb); err != nil {
		b.Fatal(err)
	}
	mk, err := vault.GenerateMasterKey("bench")
	if err != nil {
		b.Fatal(err)
	}
	keys, err := vault.NewKeyring([]vault.MasterKey{mk})
	if err != nil {
		b.Fatal(err)
	}
	rec := &testenv.Events{}
	idents := identity.NewService(bdb, vault.NewStore(keys), rec, nil)
	idents.ProvisionManaged = true
	svc := request.NewService(bdb, idents, notify.New(bdb, rec, notify.NewCaptureSender(nil), nil), rec, nil)
	idents.Follow(svc)
	as := func(email string) *auth.Actor {
		u := seed.UsersByEmail[email]
		a := &auth.Actor{UserID: u.ID, AgencyID: u.AgencyID, Role: u.Role, Email: u.Email, Name: u.Name}
		if u.ClientID != nil {
			a.ClientID = *u.ClientID
		}
		return a
	}
	admin := as("admin@demo.test")
	types := map[string]identity.Type{
		"META_ADS": identity.TypeExternalLogin, "GOOGLE_ADS": identity.TypeManagedGWS, "GA4": identity.TypeManagedGWS,
		"TIKTOK_ADS": identity.TypeAPIToken, "LINKEDIN_ADS": identity.TypeExternalLogin,
	}
	for p := range types {
		if _, _, err := agency.ConnectPlatform(ctx, bdb, admin, p, agency.ConnectionState("OPERATIONAL")); err != nil {
			b.Fatal(err)
		}
	}
	for _, who := range []string{"alice@acme.test", "bob@globex.test"} {
		for p, typ := range types {
			r, err := svc.Submit(ctx, as(who), request.SubmitInput{Platform: p, IdentityType: typ, Justification: "benchmark"})
			if err != nil {
				b.Fatal(err)
			}
			if typ == identity.TypeManagedGWS {
				if _, err := svc.Approve(ctx, admin, r.ID, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := svc.List(ctx, admin, nil, nil, page.Args{First: 20})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Items) != 10 {
			b.Fatalf("listed %d requests, want 10", len(res.Items))
		}
	}
}
