package agency_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
)

var notSlug = regexp.MustCompile(`[^a-z0-9]+`)

// FuzzValidateNamingTemplate feeds arbitrary templates to the naming-template validator: it
// never panics, refuses with BAD_USER_INPUT on namingTemplate, and a template it accepts gives
// a plain address in the source's domain once filled with any non-empty client, platform and
// name slug.
func FuzzValidateNamingTemplate(f *testing.F) {
	for _, s := range []string{"{client}-{platform}@{domain}", "{name}.{client}@{domain}", "x@{domain}", "{client}@{domain}@{domain}",
		"{client}{{platform}}@{domain}", "{Client}@{domain}", "", "{client}..{name}@{domain}", ".{client}@{domain}", "{client}.@{domain}"} {
		f.Add(s, "Acme Corp")
	}
	f.Fuzz(func(t *testing.T, tmpl, client string) {
		err := agency.ValidateNamingTemplate(tmpl)
		if err != nil {
			var fe *fault.Error
			require.True(t, errors.As(err, &fe), "a domain error: %v", err)
			require.Equal(t, fault.CodeBadUserInput, fe.Code)
			require.Equal(t, "namingTemplate", fe.Field)
			return
		}
		slug := strings.Trim(notSlug.ReplaceAllString(strings.ToLower(client), "-"), "-")
		if slug == "" {
			slug = "agency"
		}
		email := strings.NewReplacer("{client}", slug, "{platform}", "meta-ads", "{name}", "jane", "{domain}", "agency.example").Replace(tmpl)
		got, err := auth.NormalizeEmail("email", email)
		require.NoError(t, err, "template %q gives %q", tmpl, email)
		require.True(t, strings.HasSuffix(got, "@agency.example"), "template %q gives %q", tmpl, got)
	})
}
