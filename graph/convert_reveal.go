package graph

import (
	"time"

	"github.com/accesshive/accesshive/graph/model"
	"github.com/accesshive/accesshive/internal/reveal"
)

func toReveal(sh *reveal.Shown, now time.Time) *model.CredentialReveal {
	m := &model.CredentialReveal{
		ID: sh.ID.String(), IdentityID: sh.IdentityID.String(), ExpiresAt: sh.ExpiresAt,
		SecondsRemaining: sh.SecondsRemaining(now), Fields: []*model.CredentialField{}, TotpCode: strPtr(sh.TOTPCode),
	}
	for _, f := range sh.Fields {
		m.Fields = append(m.Fields, &model.CredentialField{Name: f.Name, Value: f.Value})
	}
	return m
}

func toLedgerEntry(e *reveal.LedgerEntry) *model.RevealLedgerEntry {
	return &model.RevealLedgerEntry{UserID: e.UserID.String(), Name: e.Name, Email: e.Email, Role: model.Role(e.Role),
		DeactivatedAt: e.DeactivatedAt, Count: e.Count, FirstRevealAt: e.FirstRevealAt, LastRevealAt: e.LastRevealAt}
}

func toRevealed(e *reveal.SeenEntry) *model.RevealedIdentity {
	return &model.RevealedIdentity{IdentityID: e.IdentityID.String(), DisplayName: e.DisplayName, Type: model.IdentityType(e.Type),
		ProvisioningState: model.ProvisioningState(e.State), Count: e.Count, LastRevealAt: e.LastRevealAt,
		RotatedAt: e.RotatedAt, RotatedSince: e.RotatedSince}
}

func toOffer(items []reveal.OfferItem) []*model.RotationOfferItem {
	out := []*model.RotationOfferItem{}
	for i := range items {
		it := &items[i]
		out = append(out, &model.RotationOfferItem{IdentityID: it.IdentityID.String(), DisplayName: it.DisplayName,
			Type: model.IdentityType(it.Type), LastRevealAt: it.LastRevealAt, Automatic: it.Automatic, PendingJobID: idPtr(it.PendingJobID)})
	}
	return out
}
