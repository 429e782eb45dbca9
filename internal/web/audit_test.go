package web

import (
	"encoding/json"
	"mineplan/internal/actor"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The handlers are called directly: who may call them is the
// authorisation middleware's (and its matrix test's) business.
func callAudit(h http.HandlerFunc, rawQuery string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "/api/v1/audit", nil)
	req.URL.RawQuery = rawQuery
	// The handler is called directly, past the middleware, so it gets the
	// auditor's identity here (a search is itself an audit entry).
	req = req.WithContext(actor.NewContext(req.Context(), actor.Actor{Kind: actor.User, Name: "auditor", Role: actor.Auditor}))
	rec := httptest.NewRecorder()
	h(rec, req)
	return rec
}

// TestAuditAPI: the demo load's entries page by "next" to the same
// entries as one page, filters apply, and the chain verifies.
func TestAuditAPI(t *testing.T) {
	s := testServer(t)
	type page struct {
		Entries []struct {
			Seq    int64  `json:"seq"`
			Action string `json:"action"`
			Object string `json:"object"`
			Alg    string `json:"alg"`
			Hash   string `json:"hash"`
		} `json:"entries"`
		Limit int    `json:"limit"`
		Next  string `json:"next"`
	}
	get := func(q string) page {
		t.Helper()
		rec := callAudit(s.handleAudit, q)
		if rec.Code != http.StatusOK {
			t.Fatalf("?%s: %d %s", q, rec.Code, rec.Body)
		}
		var p page
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	whole := get("action=rights.record&limit=1000")
	if len(whole.Entries) < 150 || whole.Next != "" {
		t.Fatalf("one page: %d entries, next %q", len(whole.Entries), whole.Next)
	}
	var seqs []int64
	q := "action=rights.record&limit=40"
	for range 50 {
		p := get(q)
		for _, e := range p.Entries {
			seqs = append(seqs, e.Seq)
		}
		if p.Next == "" {
			break
		}
		q = "action=rights.record&limit=40&after=" + p.Next
	}
	if len(seqs) != len(whole.Entries) || seqs[len(seqs)-1] != whole.Entries[len(whole.Entries)-1].Seq {
		t.Errorf("paged %d entries, one page %d", len(seqs), len(whole.Entries))
	}
	if p := get(""); len(p.Entries) != 100 || p.Limit != 100 || p.Next == "" {
		t.Errorf("the default page: %d entries, limit %d, next %q", len(p.Entries), p.Limit, p.Next)
	}
	if p := get("limit=5000"); p.Limit != 1000 {
		t.Errorf("limit 5000 served as %d", p.Limit)
	}
	if p := get("object=layer:demo_red_lines"); len(p.Entries) != 1 || p.Entries[0].Action != "layers.import" {
		t.Errorf("by object: %+v", p)
	}
	if p := get("from=2000-01-01&until=2000-01-02"); len(p.Entries) != 0 {
		t.Errorf("an empty period: %+v", p)
	}
	for q, param := range map[string]string{"from=yesterday": "from", "after=-1": "after", "after=x": "after", "limit=0": "limit",
		"from=2026-02-01&until=2026-01-01": "until", "who=me": "who"} {
		rec := callAudit(s.handleAudit, q)
		var b errorBody
		json.Unmarshal(rec.Body.Bytes(), &b)
		if rec.Code != http.StatusBadRequest || b.Error.Parameter != param || !bilingualR.MatchString(b.Error.Message) {
			t.Errorf("?%s: %d %s, want a 400 naming %s", q, rec.Code, rec.Body, param)
		}
	}

	rec := callAudit(s.handleAuditVerify, "")
	var v struct {
		OK      bool  `json:"ok"`
		Checked int64 `json:"checked"`
		Head    struct {
			Seq  int64  `json:"seq"`
			Hash string `json:"hash"`
		} `json:"head"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || rec.Code != http.StatusOK || !v.OK || v.Checked != v.Head.Seq || v.Checked < 150 {
		t.Fatalf("verify: %d %s", rec.Code, rec.Body)
	}
	if rec := callAudit(s.handleAuditVerify, "anchor="+v.Head.Hash); !strings.Contains(rec.Body.String(), `"ok":true`) {
		t.Errorf("verify against the head: %s", rec.Body)
	}
	rec = callAudit(s.handleAuditVerify, "anchor="+strings.Repeat("0", 64))
	if !strings.Contains(rec.Body.String(), `"ok":false`) || !strings.Contains(rec.Body.String(), `"fault":{"seq":`) {
		t.Errorf("verify against an anchor the log never had: %d %s", rec.Code, rec.Body)
	}
	if rec := callAudit(s.handleAuditVerify, "anchor=xyz"); rec.Code != http.StatusBadRequest {
		t.Errorf("a malformed anchor: %d", rec.Code)
	}
}
