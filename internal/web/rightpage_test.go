package web

import (
	"net/http"
	"strings"
	"testing"

	"mineplan/internal/testutil"
)

// TestRightPage: the public sees a right's public fields and public
// events (no credit code, no one who recorded an event, no document); an
// officer in reach sees them all; an unknown right is a 404 page; the
// Uyghur page is right to left.
func TestRightPage(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	h := s.Handler()
	ctx := testutil.Context()
	evs, err := s.cfg.Store.RightEvents(ctx, m.right.ID)
	if err != nil || len(evs) == 0 {
		t.Fatalf("events of %s: %v %v", m.right.ID, evs, err)
	}
	if evs[0].RecordedBy == "" || evs[0].DocRef == "" || evs[0].Actor == "" {
		t.Fatalf("the fixture's first event has no recorder, document or authority: %+v", evs[0])
	}
	get := func(token, path string) (int, string) {
		t.Helper()
		rec := request{method: "GET", path: path, token: token, addr: "10.20.0.1"}.send(h)
		return rec.Code, rec.Body.String()
	}
	code, pub := get("", "/rights/"+m.right.ID+"?lang=en")
	if code != http.StatusOK {
		t.Fatalf("public page: %d %.300s", code, pub)
	}
	for _, want := range []string{m.right.LicenceNumber, m.right.Holder.Name, m.right.MainMineral, m.right.County, "km²",
		"Licence number", "Validity", m.right.ValidTo.String(), "grant"} {
		if !strings.Contains(pub, want) {
			t.Errorf("the public page lacks %q", want)
		}
	}
	for _, hidden := range []string{m.right.Holder.CreditCode, "Unified social credit code", "Recorded by", evs[0].RecordedBy, "recorded-by"} {
		if hidden != "" && strings.Contains(pub, hidden) {
			t.Errorf("the public page shows %q", hidden)
		}
	}
	if evs[0].DocRef != "" && strings.Contains(pub, evs[0].DocRef) {
		t.Errorf("the public page shows the document %q", evs[0].DocRef)
	}
	if m.right.Illustrative && !strings.Contains(pub, "Illustrative data: this right") {
		t.Error("an illustrative right is not marked as one")
	}

	code, full := get("licensing", "/rights/"+m.right.ID+"?lang=en")
	if code != http.StatusOK {
		t.Fatalf("officer page: %d", code)
	}
	for _, want := range []string{m.right.Holder.CreditCode, "Unified social credit code", "Recorded by", "Deciding authority", evs[0].Actor, evs[0].DocRef, evs[0].RecordedBy} {
		if !strings.Contains(full, want) {
			t.Errorf("the officer's page lacks %q", want)
		}
	}
	if code, _ := get("holder-out", "/rights/"+m.right.ID); code != http.StatusNotFound {
		t.Errorf("another holder: %d, want 404", code)
	}
	code, body := get("", "/rights/no-such-right?lang=en")
	if code != http.StatusNotFound || !strings.Contains(body, "Not found") {
		t.Errorf("unknown right: %d %.200s", code, body)
	}
	code, ug := get("", "/rights/"+m.right.ID+"?lang=ug")
	if code != http.StatusOK || !strings.Contains(ug, `dir="rtl"`) || !strings.Contains(ug, "ئىجازەتنامە نومۇرى") {
		t.Errorf("ug page: %d, not right to left or not in Uyghur", code)
	}
	if code, zh := get("", "/rights/"+m.right.ID); code != http.StatusOK || !strings.Contains(zh, "许可证号") {
		t.Errorf("zh page: %d", code)
	}
}
