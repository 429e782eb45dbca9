package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"mineplan/internal/audit"
	"mineplan/internal/rights"
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

// SettingsStore keeps the settings the system administrator changes.
// Every change is audited, in its own transaction.
type SettingsStore interface {
	// Setting returns a setting's value: a known key not set yet gives
	// its default; an unknown key not set is ErrNotFound.
	Setting(ctx context.Context, key string) (string, error)
	// SetSetting checks the value (CheckSetting) and stores it with e,
	// whose Before and After are the old and new values.
	SetSetting(ctx context.Context, key, value string, e audit.Entry) error
	// PruneAudit deletes the entries older than both before and the
	// retention period, from the start of the log only (it stops at the
	// first entry that is kept), moves the log's start to the last entry
	// deleted and appends e, saying how many went. It returns how many
	// entries were deleted.
	PruneAudit(ctx context.Context, before time.Time, e audit.Entry) (int, error)
}

// SettingDefault is a known setting's value when it was never set.
func SettingDefault(key string) (string, bool) {
	switch key {
	case SettingAuditHash:
		return audit.SHA256, true
	case SettingAuditRetentionDays:
		return strconv.Itoa(MinAuditRetentionDays), true
	}
	return "", false
}

// MaxAuditRetentionDays bounds the retention period (a century), so the
// period stays a valid interval in both databases.
const MaxAuditRetentionDays = 36500

// CheckSetting refuses a value the system cannot work with, before the
// database's own checks: a retention below MLPS 2.0's six months, a hash
// other than SHA-256 or SM3, a key that is not a plain dotted name.
func CheckSetting(key, value string) error {
	if !settingKey.MatchString(key) {
		return fmt.Errorf("设置项名称 %q 无效（小写字母、数字、下划线和点）/ setting key %q is not a dotted lower-case name", key, key)
	}
	switch key {
	case SettingAuditHash:
		if value != audit.SHA256 && value != audit.SM3 {
			return fmt.Errorf("审计哈希 %q 无效，可用 sha256 或 sm3 / audit.hash %q is not sha256 or sm3", value, value)
		}
	case SettingAuditRetentionDays:
		n, err := strconv.Atoi(value)
		if err != nil {
			return fmt.Errorf("审计保存期 %q 不是整数天数 / audit.retention_days %q is not a whole number of days", value, value)
		}
		if n < MinAuditRetentionDays {
			return fmt.Errorf("审计记录至少保存 %d 天（等保2.0要求不少于六个月），不能设为 %d / audit entries are kept at least %d days (MLPS 2.0: six months or more), not %d",
				MinAuditRetentionDays, n, MinAuditRetentionDays, n)
		}
		if n > MaxAuditRetentionDays {
			return fmt.Errorf("审计保存期最多 %d 天，不能设为 %d / audit.retention_days is at most %d, not %d", MaxAuditRetentionDays, n, MaxAuditRetentionDays, n)
		}
	}
	if len(value) > 1000 {
		return fmt.Errorf("设置项 %s 的值过长 / the value of setting %s is too long", key, key)
	}
	return nil
}

var settingKey = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)

// CheckAudit refuses a write whose entries are missing or have no
// action: the write and its entries are stored together or not at all.
func CheckAudit(entries ...audit.Entry) error {
	if len(entries) == 0 {
		return ErrNoAudit
	}
	for _, e := range entries {
		if e.Action == "" {
			return ErrNoAudit
		}
	}
	return nil
}

// StateDigestInput joins parts into one unambiguous byte string (each
// part prefixed by its length), the input of a Before or After digest.
func StateDigestInput(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += 8 + len(p)
	}
	b := make([]byte, 0, n)
	for _, p := range parts {
		b = binary.BigEndian.AppendUint64(b, uint64(len(p)))
		b = append(b, p...)
	}
	return b
}

// RightAuditState is a right's state for the audit log: its canonical
// JSON (as stored) and its boundary's WKB.
func RightAuditState(r rights.Right) ([]byte, error) {
	state, wkb, err := EncodeRight(r)
	if err != nil {
		return nil, err
	}
	return StateDigestInput(state, wkb), nil
}

// LayerAuditState is a layer's state for the audit log: its description
// and every feature's ID, properties and WKB, in order.
func LayerAuditState(l Layer, features []LayerFeature) []byte {
	parts := [][]byte{[]byte(l.Name), []byte(l.Kind), []byte(l.Title), []byte(l.Source)}
	for _, f := range features {
		parts = append(parts, []byte(strconv.FormatInt(f.ID, 10)), f.Properties, f.Geometry.WKB())
	}
	return StateDigestInput(parts...)
}

// PruneCutoff is the time before which a prune deletes entries (from the
// start of the log, while they are older than it): the earlier of before
// and now less the retention.
func PruneCutoff(before, now time.Time, retentionDays int) time.Time {
	keep := now.AddDate(0, 0, -retentionDays)
	if before.Before(keep) {
		return StoredTime(before)
	}
	return StoredTime(keep)
}

// RetentionDays reads a stored retention value (empty: the default).
func RetentionDays(v string) (int, error) {
	if v == "" {
		return MinAuditRetentionDays, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < MinAuditRetentionDays {
		return 0, fmt.Errorf("存储的审计保存期 %q 无效 / the stored audit.retention_days %q is not valid", v, v)
	}
	return n, nil
}

// PruneDetail is the Detail of a prune's own entry.
func PruneDetail(n int, lastSeq int64, cutoff time.Time) string {
	return fmt.Sprintf("deleted %d entries up to %d, older than %s", n, lastSeq, cutoff.UTC().Format(time.RFC3339))
}

// Verification is what a check of the whole audit log found.
type Verification struct {
	// Checked is the number of entries checked.
	Checked int64 `json:"checked"`
	// Head is the log's last entry, Start the last entry a retention cut
	// removed (zero when none was).
	Head  audit.Start `json:"head"`
	Start audit.Start `json:"start"`
	// Fault is the first entry that breaks the chain (nil: none).
	Fault *audit.Fault `json:"fault,omitempty"`
}

// AuditReader is what a verification reads: a store, or a snapshot of one.
type AuditReader interface {
	EachAuditEntry(ctx context.Context, fn func(audit.Entry) error) error
	AuditHead(ctx context.Context) (head, start audit.Start, err error)
}

// errPastHead stops a verification at the head it began with.
var errPastHead = errors.New("past the head")

// VerifyAudit checks st's whole log with the chain verifier, from its
// start to its head, and, with an anchor, that the log extends it. It is
// the one verification: the command line, the API and the tests call it.
// A broken chain is a Verification with its Fault, and the Fault as the
// error; any other error is a read that failed.
//
// The head is read first and entries appended after it are not checked
// (they were written while the log was read); an entry past a head that
// has not moved is reported.
func VerifyAudit(ctx context.Context, st AuditReader, anchor string) (Verification, error) {
	head, start, err := st.AuditHead(ctx)
	if err != nil {
		return Verification{}, err
	}
	res := Verification{Head: head, Start: start}
	v := audit.NewVerifier(start, anchor)
	var past int64
	err = st.EachAuditEntry(ctx, func(e audit.Entry) error {
		if e.Seq > head.Seq {
			past = e.Seq
			return errPastHead
		}
		return v.Next(e)
	})
	if err != nil && !errors.Is(err, errPastHead) {
		return res.fault(err)
	}
	res.Checked, err = v.End(head)
	if err != nil {
		return res.fault(err)
	}
	if past > 0 {
		now, _, err := st.AuditHead(ctx)
		if err != nil {
			return res, err
		}
		if now.Seq < past {
			return res.fault(&audit.Fault{Seq: past, Reason: fmt.Sprintf("stored beyond the log's head (entry %d): it was added around the store", head.Seq),
				ZH: fmt.Sprintf("存于日志头（第 %d 条）之后：未经系统写入", head.Seq)})
		}
	}
	return res, nil
}

func (v Verification) fault(err error) (Verification, error) {
	var f *audit.Fault
	if errors.As(err, &f) {
		v.Fault = f
	}
	return v, err
}
