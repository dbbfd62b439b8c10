package fake

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query   string
		want    []term
		wantErr bool
	}{
		{"", []term{}, false},
		{"isSuspended=false", []term{{field: "isSuspended", op: '=', value: "false"}}, false},
		{"orgUnitPath='/Sales Team/' email:ah-*", []term{
			{field: "orgUnitPath", op: '=', value: "/Sales Team"},
			{field: "email", op: ':', value: "ah-", prefix: true},
		}, false},
		{`externalId:"a b:c"`, []term{{field: "externalId", op: ':', value: "a b:c"}}, false},
		{"AccessHive.identityId=idt-1", []term{{field: "AccessHive.identityId", op: '=', value: "idt-1"}}, false},
		{"jane", []term{{value: "jane"}}, false},
		{"isSuspended:true", nil, true},
		{"isAdmin=maybe", nil, true},
		{"shoeSize=42", nil, true},
		{"orgUnitPath='/open", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			got, err := parseQuery(tt.query)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestTermMatch(t *testing.T) {
	t.Parallel()
	u := User{
		PrimaryEmail:  "Ada.Lovelace@demo.test",
		Name:          UserName{GivenName: "Ada", FamilyName: "Lovelace"},
		OrgUnitPath:   "/AccessHive/Clients",
		Aliases:       []string{"ada@demo.test"},
		ExternalIDs:   []ExternalID{{Type: "organization", Value: "IDT-1"}},
		CustomSchemas: map[string]json.RawMessage{"S": json.RawMessage(`{"n":7,"tags":[{"value":"x"},{"value":"y"}]}`)},
	}
	tests := []struct {
		query string
		want  bool
	}{
		{"orgUnitPath=/AccessHive", true},
		{"orgUnitPath=/accesshive/clients", true},
		{"orgUnitPath=/Access", false},
		{"orgUnitPath=/AccessHive/Clients/Acme", false},
		{"externalId=idt-1", true},
		{"email=ada@demo.test", true},
		{"email:ada*", true},
		{"email:lovelace*", false},
		{"givenName:ad*", true},
		{"familyName=Love", false},
		{"name:'Ada Love'", true},
		{"love", true},
		{"isSuspended=false isAdmin=false", true},
		{"isSuspended=true", false},
		{"S.n=7", true},
		{"S.tags=y", true},
		{"S.tags=z", false},
		{"T.n=7", false},
	}
	for _, tt := range tests {
		terms, err := parseQuery(tt.query)
		require.NoError(t, err, tt.query)
		got := true
		for _, term := range terms {
			got = got && term.match(&u)
		}
		require.Equal(t, tt.want, got, tt.query)
	}
}

func TestPageToken(t *testing.T) {
	t.Parallel()
	req := listRequest{orderBy: "email"}
	tok := encodeToken(req, cursor{key: "a@demo.test", email: "a@demo.test"})
	c, ok := decodeToken(tok, req)
	require.True(t, ok)
	require.Equal(t, "a@demo.test", c.email)

	_, ok = decodeToken(tok, listRequest{orderBy: "familyName"})
	require.False(t, ok, "a token only resumes the ordering that issued it")
	_, ok = decodeToken("not base64!", req)
	require.False(t, ok)
}
