package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRightsCursor: following "next" from page to page gives the same
// rights, in the same order, as one large page; a full page names its
// next cursor and the last page does not.
func TestRightsCursor(t *testing.T) {
	h := testServer(t).Handler()
	ids := func(query string) ([]string, string, int) {
		rec := do(h, "/api/v1/rights", query)
		if rec.Code != http.StatusOK {
			t.Fatalf("?%s: %d: %s", query, rec.Code, rec.Body)
		}
		var p struct {
			NumberMatched int    `json:"numberMatched"`
			Next          string `json:"next"`
			Features      []struct {
				Properties map[string]any `json:"properties"`
			} `json:"features"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range p.Features {
			out = append(out, f.Properties["id"].(string))
		}
		return out, p.Next, p.NumberMatched
	}
	for _, filter := range []string{"", "&kind=mining", "&as_of=2021-12-31&county=" + url.QueryEscape("伽师县")} {
		whole, next, matched := ids("limit=1000" + filter)
		if next != "" || len(whole) != matched || matched == 0 {
			t.Fatalf("%s: one page of %d, next %q, matched %d", filter, len(whole), next, matched)
		}
		var paged []string
		cursor := ""
		for range 200 {
			q := "limit=7" + filter
			if cursor != "" {
				q += "&after=" + url.QueryEscape(cursor)
			}
			page, next, m := ids(q)
			if m != matched {
				t.Fatalf("%s: numberMatched %d on a later page, %d on the first", filter, m, matched)
			}
			paged = append(paged, page...)
			if next == "" {
				break
			}
			if next != page[len(page)-1] {
				t.Fatalf("next %q is not the page's last id %q", next, page[len(page)-1])
			}
			cursor = next
		}
		if strings.Join(paged, " ") != strings.Join(whole, " ") {
			t.Errorf("%s: pages by cursor\n%v\nwant\n%v", filter, paged, whole)
		}
	}
	if rec := do(h, "/api/v1/rights", "after="+strings.Repeat("x", 201)); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "after") {
		t.Errorf("an overlong cursor: %d %s", rec.Code, rec.Body)
	}
}
