package gws

import (
	"encoding/json"
	"encoding/pem"
	"regexp"
	"strings"

	"golang.org/x/oauth2/google"
	admin "google.golang.org/api/admin/directory/v1"

	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
)

// SourceInput is what configureIdentitySource takes.
type SourceInput struct {
	// Domain is the Workspace primary domain managed addresses are in.
	Domain string
	// CustomerID is the Workspace customer id ("C01abcd23") or "my_customer".
	CustomerID string
	// AdminSubject is the admin the service account impersonates.
	AdminSubject string
	// ServiceAccountKeyJSON is the service account's key file. Empty keeps the stored key;
	// it is required when none is stored, unless the source has an endpoint (dev, tests).
	ServiceAccountKeyJSON string
	// ManagedOU is the org unit of AccessHive's users; empty means "/AccessHive".
	ManagedOU string
}

// DefaultManagedOU is the managed org unit when none is given.
const DefaultManagedOU = "/AccessHive"

// maxKeyBytes bounds a service-account key file (real ones are about 2.3 kB).
const maxKeyBytes = 16 << 10

var (
	domainRe     = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)
	customerIDRe = regexp.MustCompile(`^C[0-9A-Za-z]{2,31}$`)
	ouSegmentRe  = regexp.MustCompile(`^[^/]{1,100}$`)
)

// validate normalises the input and checks every field but the key, naming the field at
// fault.
func (in *SourceInput) validate() error {
	in.Domain = strings.ToLower(strings.TrimSpace(in.Domain))
	if in.Domain == "" {
		return fault.Invalid("domain", "is required")
	}
	if len(in.Domain) > 253 || !domainRe.MatchString(in.Domain) {
		return fault.Invalid("domain", "must be a domain name such as agency.example")
	}
	in.CustomerID = strings.TrimSpace(in.CustomerID)
	if in.CustomerID == "" {
		return fault.Invalid("customerId", "is required (the Workspace customer id, e.g. C01abcd23, or my_customer)")
	}
	if in.CustomerID != myCustomer && !customerIDRe.MatchString(in.CustomerID) {
		return fault.Invalid("customerId", "must be a Workspace customer id such as C01abcd23, or my_customer")
	}
	subject, err := auth.NormalizeEmail("adminSubject", in.AdminSubject)
	if err != nil {
		return err
	}
	in.AdminSubject = subject
	ou := strings.TrimSpace(in.ManagedOU)
	if ou == "" {
		ou = DefaultManagedOU
	}
	if !strings.HasPrefix(ou, "/") {
		return fault.Invalid("managedOu", `must be an org unit path starting with "/", e.g. /AccessHive`)
	}
	ou = strings.TrimRight(ou, "/")
	if ou == "" {
		return fault.Invalid("managedOu", `must name an org unit below "/": every user of the customer would count as managed`)
	}
	if len(ou) > 500 {
		return fault.Invalid("managedOu", "must be at most 500 characters")
	}
	for _, seg := range strings.Split(ou[1:], "/") {
		if !ouSegmentRe.MatchString(seg) || strings.TrimSpace(seg) != seg {
			return fault.Invalid("managedOu", "must be a path of non-empty org unit names, e.g. /AccessHive/Clients")
		}
	}
	in.ManagedOU = ou
	return nil
}

// serviceAccountKey is what is read of a key file to check it. The key file itself is sealed
// as given.
type serviceAccountKey struct {
	Type        string `json:"type"`
	ClientEmail string `json:"client_email"`
	PrivateKey  string `json:"private_key"`
	TokenURI    string `json:"token_uri"`
}

// googleTokenURIs are the token endpoints Google's own key files name. A key naming any other
// is refused; whatever a stored key says, requests go to TokenURL only (New).
var googleTokenURIs = map[string]bool{"": true, TokenURL: true, "https://accounts.google.com/o/oauth2/token": true}

// parseServiceAccountKey checks a key file and returns its client_email. Its errors name the
// field and never quote the file.
func parseServiceAccountKey(raw string) (string, error) {
	const field = "serviceAccountKey"
	if len(raw) > maxKeyBytes {
		return "", fault.Invalid(field, "is too large for a service-account key file")
	}
	var k serviceAccountKey
	if err := json.Unmarshal([]byte(raw), &k); err != nil {
		return "", fault.Invalid(field, "must be a Google service-account key file (JSON)")
	}
	if k.Type != "service_account" {
		return "", fault.Invalid(field, `must be a service-account key file ("type": "service_account")`)
	}
	email, err := auth.NormalizeEmail(field, k.ClientEmail)
	if err != nil {
		return "", fault.Invalid(field, "must have the service account's client_email")
	}
	if !googleTokenURIs[strings.TrimSpace(k.TokenURI)] {
		return "", fault.Invalid(field, "must name Google's token endpoint ("+TokenURL+") as its token_uri")
	}
	block, _ := pem.Decode([]byte(k.PrivateKey))
	if block == nil || !strings.Contains(block.Type, "PRIVATE KEY") {
		return "", fault.Invalid(field, "must have a PEM private_key")
	}
	if _, err := google.JWTConfigFromJSON([]byte(raw), admin.AdminDirectoryUserScope); err != nil {
		return "", fault.Invalid(field, "is not a key file Google's client accepts")
	}
	return email, nil
}
