package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/audit"
	"mineplan/internal/authz"
	"mineplan/internal/store"
)

// The audit log's use cases: verifying the chain, searching it, the
// settings that govern it and pruning past the retention period. Writes of
// business data append their own entries (see RecordEvents, SavePlan,
// ImportLayer, SaveReview); these are the log's own.

// VerifyAudit checks the whole audit log, and with an anchor (a head hash
// published earlier) that the log still extends it. The command line, the
// API and the tests share this one verification (store.VerifyAudit).
func VerifyAudit(ctx context.Context, st store.AuditReader, anchor string) (store.Verification, error) {
	return store.VerifyAudit(ctx, st, anchor)
}

// Limits of one page of an audit search.
const (
	DefaultAuditLimit = 100
	MaxAuditLimit     = 1000
)

// SearchAudit returns one page of matching entries in sequence order and
// the cursor of the next page (0 when this page is the last). The limit
// defaults to DefaultAuditLimit and may not exceed MaxAuditLimit. The
// search is itself an entry (audit.read, with its filter): the auditor's
// reading is audited too. It is appended after the page is read, so a
// page never holds the search that read it.
func SearchAudit(ctx context.Context, st store.AuditStore, f store.AuditFilter) ([]audit.Entry, int64, error) {
	who, err := actor.From(ctx)
	if err != nil {
		return nil, 0, err
	}
	switch {
	case f.Limit == 0:
		f.Limit = DefaultAuditLimit
	case f.Limit < 0 || f.Limit > MaxAuditLimit:
		return nil, 0, fmt.Errorf("每页条数须在 1 到 %d 之间 / the limit must be 1 to %d", MaxAuditLimit, MaxAuditLimit)
	}
	if !f.From.IsZero() && !f.Until.IsZero() && !f.From.Before(f.Until) {
		return nil, 0, fmt.Errorf("起始时间须早于截止时间 / from must be before until")
	}
	es, err := st.AuditEntries(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	var next int64
	if len(es) == f.Limit {
		next = es[len(es)-1].Seq
	}
	e := audit.For(who, string(authz.AuditRead), "audit")
	e.Detail = searchDetail(f, len(es))
	if _, err := st.AppendAudit(ctx, e); err != nil {
		return nil, 0, fmt.Errorf("记录审计查询 / recording the search in the audit log: %w", err)
	}
	return es, next, nil
}

// searchDetail says what a search asked for and how much it read.
func searchDetail(f store.AuditFilter, n int) string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("actor", f.Actor)
	add("object", f.Object)
	add("action", f.Action)
	if !f.From.IsZero() {
		add("from", f.From.UTC().Format(time.RFC3339))
	}
	if !f.Until.IsZero() {
		add("until", f.Until.UTC().Format(time.RFC3339))
	}
	if f.After > 0 {
		add("after", strconv.FormatInt(f.After, 10))
	}
	return fmt.Sprintf("search %s: %d entries", strings.Join(parts, " "), n)
}

// SetSetting changes a setting for the context's actor (refused without
// one); the change is appended to the audit log in the same transaction,
// and the store refuses what the system cannot work with (a retention
// below 180 days, an unknown hash).
func SetSetting(ctx context.Context, st store.SettingsStore, key, value string) error {
	who, err := actor.From(ctx)
	if err != nil {
		return err
	}
	e := audit.For(who, string(authz.SystemConfigure), "setting:"+key)
	e.Detail = key + "=" + value
	return st.SetSetting(ctx, key, value, e)
}

// PruneAudit deletes the entries older than both before and the retention
// period from the start of the log, and appends an entry saying so. It
// returns how many entries went.
func PruneAudit(ctx context.Context, st store.SettingsStore, before time.Time) (int, error) {
	who, err := actor.From(ctx)
	if err != nil {
		return 0, err
	}
	return st.PruneAudit(ctx, before, audit.For(who, string(authz.AuditPrune), "audit"))
}

// RecordExport appends an export of the register to the audit log: what
// was written (the format and how many rights), not where. It runs before
// the file is written, so an export the log cannot record does not
// happen.
func RecordExport(ctx context.Context, st store.AuditStore, format string, n int) error {
	who, err := actor.From(ctx)
	if err != nil {
		return err
	}
	e := audit.For(who, string(authz.RightsExport), "register")
	e.Detail = fmt.Sprintf("%s, %d rights", format, n)
	_, err = st.AppendAudit(ctx, e)
	return err
}
