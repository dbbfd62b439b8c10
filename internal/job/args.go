package job

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
)

// Args is the typed input of a job, as river's JobArgs: every job type has one argument type,
// which names its job type with JobType (a method on the value, so implement it on a struct, not
// a pointer). Enqueue takes the job type from it, and the worker decodes a record's input into
// it once, before the handler runs (Typed), so that no two handlers share a hand-written decode.
// Arguments are shown in the job history: ids and options, never secrets.
type Args interface {
	JobType() Type
}

// DecodeArgs decodes rec's input into an A. A record of another job type, or an input that does
// not decode, is a permanent error: no retry can fix it.
func DecodeArgs[A Args](rec *Record) (A, error) {
	var args A
	if want := args.JobType(); rec.Type != "" && rec.Type != want {
		return args, Permanent(fmt.Errorf("job: %s record given to a %s handler", rec.Type, want))
	}
	if len(rec.Input) == 0 {
		return args, nil
	}
	if err := json.Unmarshal(rec.Input, &args); err != nil {
		return args, Permanent(fmt.Errorf("job: decode %s input: %w", args.JobType(), err))
	}
	return args, nil
}

// Typed adapts a handler of typed arguments to one of the record alone: the record's input is
// decoded into an A first (DecodeArgs), and a decode error ends the run without calling fn.
func Typed[A Args](fn func(ctx context.Context, rec *Record, args A) (any, error)) func(ctx context.Context, rec *Record) (any, error) {
	return func(ctx context.Context, rec *Record) (any, error) {
		args, err := DecodeArgs[A](rec)
		if err != nil {
			return nil, err
		}
		return fn(ctx, rec, args)
	}
}

// ProvisionArgs are the arguments of PROVISION_IDENTITY, enqueued by the identity package (a new
// managed identity) and by gws (a retry, a repair), and run by gws. Repair marks a
// directory-sync repair of a PROVISIONED identity whose user is missing: the user is created
// again with the password already in the vault, and the identity stays PROVISIONED.
type ProvisionArgs struct {
	IdentityID uuid.UUID `json:"identityId"`
	Repair     bool      `json:"repair,omitempty"`
}

// JobType is PROVISION_IDENTITY.
func (ProvisionArgs) JobType() Type { return TypeProvisionIdentity }

// DeprovisionArgs are the arguments of DEPROVISION_IDENTITY: the identity to take down.
type DeprovisionArgs struct {
	IdentityID uuid.UUID `json:"identityId"`
}

// JobType is DEPROVISION_IDENTITY.
func (DeprovisionArgs) JobType() Type { return TypeDeprovisionIdentity }

// RotateArgs are the arguments of ROTATE_CREDENTIALS: the identity whose password changes.
type RotateArgs struct {
	IdentityID uuid.UUID `json:"identityId"`
}

// JobType is ROTATE_CREDENTIALS.
func (RotateArgs) JobType() Type { return TypeRotateCredentials }

// ExpireAccessArgs are the arguments of EXPIRE_ACCESS_REQUESTS, enqueued by the request
// package's expiry scheduler: the agency whose due requests expire, which is also the job's own.
type ExpireAccessArgs struct {
	AgencyID uuid.UUID `json:"agencyId"`
}

// JobType is EXPIRE_ACCESS_REQUESTS.
func (ExpireAccessArgs) JobType() Type { return TypeExpireAccessRequests }

// RewrapArgs are the arguments of REWRAP_VAULT, a system-wide job: the master key the vault's
// data keys are rewrapped under (shown in the job history; the job rewraps under the keyring's
// newest key whatever it says).
type RewrapArgs struct {
	ToKey string `json:"toKey"`
}

// JobType is REWRAP_VAULT.
func (RewrapArgs) JobType() Type { return TypeRewrapVault }
