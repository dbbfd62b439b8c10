package gws

import (
	"context"
	"strconv"

	admin "google.golang.org/api/admin/directory/v1"
)

// pageSize is the largest page users.list serves.
const pageSize = 500

// ListManaged pages through the customer's users in the managed org unit (and
// the org units below it), ordered by address, 500 a page, calling fn once per
// page. Each page request waits on the limiter and goes through the retry
// policy. Only one page is held at a time: page is reused for the next one,
// so fn must copy whatever it keeps. An error from fn stops the listing and is
// returned as is. pages counts the pages fetched.
func (c *Client) ListManaged(ctx context.Context, fn func(page []User) error) (pages int, err error) {
	query := c.ouQuery()
	var (
		token string
		page  []User
	)
	for {
		var resp *admin.Users
		err := c.do(ctx, "list users (page "+strconv.Itoa(pages+1)+")", "", func(ctx context.Context) error {
			var err error
			resp, err = c.svc.Users.List().
				Customer(c.customer).
				Query(query).
				OrderBy("email").
				MaxResults(pageSize).
				PageToken(token).
				Fields(listFields).
				Context(ctx).
				Do()
			return err
		})
		if err != nil {
			return pages, err
		}
		pages++
		page = page[:0]
		for _, au := range resp.Users {
			page = append(page, fromAPI(au))
		}
		// Drop the decoded answer before fn runs, so that only the converted
		// page stays alive.
		token, resp = resp.NextPageToken, nil
		if err := fn(page); err != nil {
			return pages, err
		}
		if token == "" {
			return pages, nil
		}
	}
}
