package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"mineplan/internal/audit"
	"mineplan/internal/store"
)

func auditTests() []struct {
	name string
	fn   func(*testing.T, store.Store)
} {
	return []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"AuditAppendAndVerify", testAuditAppend},
	}
}

// VerifyAudit runs the one verification (store.VerifyAudit) over st's
// whole log.
func VerifyAudit(ctx context.Context, st store.AuditStore, anchor string) (store.Verification, error) {
	return store.VerifyAudit(ctx, st, anchor)
}

func testAuditAppend(t *testing.T, st store.Store) {
	ctx := context.Background()
	if _, err := st.AppendAudit(ctx); err == nil {
		t.Error("an append of no entries was accepted")
	}
	if _, err := st.AppendAudit(ctx, audit.Entry{Action: "x"}); err == nil {
		t.Error("an entry without an actor was accepted")
	}
	got, err := st.AppendAudit(ctx,
		audit.Entry{Actor: "user:a", Role: "auditor", Action: "session.sign_in", At: epoch, AfterState: []byte("s")},
		audit.Entry{Actor: "user:a", Role: "auditor", Action: "audit.search", Object: "audit:1", At: epoch})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Seq != 1 || got[1].Seq != 2 || got[1].Prev != got[0].Hash || got[0].After == "" {
		t.Fatalf("appended %+v", got)
	}
	// Writers racing each other still make one linear chain.
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := st.AppendAudit(ctx, audit.Entry{Actor: fmt.Sprintf("user:u%d", i), Action: "session.sign_in"})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	v, err := VerifyAudit(ctx, st, got[1].Hash)
	if err != nil || v.Checked != 22 {
		t.Fatalf("verify: %d entries, %v", v.Checked, err)
	}
	stored, err := st.AuditEntries(ctx, store.AuditFilter{Actor: "user:a"})
	if err != nil || len(stored) != 2 || stored[0].Hash != got[0].Hash || !stored[0].At.Equal(epoch) {
		t.Fatalf("entries of user:a: %+v, %v", stored, err)
	}
	page, err := st.AuditEntries(ctx, store.AuditFilter{After: 2, Limit: 5, Action: "session.sign_in"})
	if err != nil || len(page) != 5 || page[0].Seq != 3 {
		t.Fatalf("a page after 2: %d entries, %v", len(page), err)
	}
}

// Entry is the audit entry of a write the suite makes.
func Entry(action, object string) audit.Entry {
	return audit.Entry{Actor: "operator:storetest", Action: action, Object: object}
}
