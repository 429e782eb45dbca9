package store

import (
	"context"
	"errors"
	"time"

	"mineplan/internal/audit"
)

// ErrNoAudit is returned by a write that was given no audit entry: every
// write is recorded in the audit log, in its own transaction.
var ErrNoAudit = errors.New("写入缺少审计记录 / a write needs its audit entry")

// Settings keys the store itself reads.
const (
	// SettingAuditHash names the hash new audit entries are sealed with
	// (audit.SHA256, the default, or audit.SM3).
	SettingAuditHash = "audit.hash"
	// SettingAuditRetentionDays is how long entries are kept at least;
	// both backends refuse a value below MinAuditRetentionDays.
	SettingAuditRetentionDays = "audit.retention_days"
)

// MinAuditRetentionDays is MLPS 2.0's floor for keeping the audit trail
// (at least six months), and the default.
const MinAuditRetentionDays = 180

// AuditFilter selects entries of the log, in sequence order. Empty fields
// match everything; Object and Actor match exactly.
type AuditFilter struct {
	Actor, Object, Action string
	From, Until           time.Time // At in [From, Until)
	After                 int64     // keyset cursor: entries with Seq above it
	Limit                 int       // ≤ 0: no limit
}

// AuditStore keeps the audit log. Writes of business data append their
// entries themselves, in their own transaction; AppendAudit is for what
// changes nothing else (a sign-in, a denied request, an export).
type AuditStore interface {
	// AppendAudit seals and appends entries in one transaction and returns
	// them as stored.
	AppendAudit(ctx context.Context, entries ...audit.Entry) ([]audit.Entry, error)
	// AuditEntries returns one page of matching entries, in Seq order.
	AuditEntries(ctx context.Context, f AuditFilter) ([]audit.Entry, error)
	// EachAuditEntry calls fn with every entry in Seq order, streaming.
	EachAuditEntry(ctx context.Context, fn func(audit.Entry) error) error
	// AuditHead returns the log's last entry (head) and where it starts
	// (start: zero, or the last entry a retention cut removed).
	AuditHead(ctx context.Context) (head, start audit.Start, err error)
}
