// Package audit is the tamper-evident audit log's domain: the entry, its
// canonical form, the hash chain that links every entry to the one before
// it, and the verifier that finds the first entry that breaks it. It knows
// no storage: each backend appends entries with Seal inside the same
// transaction as the change an entry records, and hands stored entries back
// to a Verifier.
package audit

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"mineplan/internal/actor"
)

// Entry is one line of the audit log.
type Entry struct {
	// Seq numbers entries from 1 with no gaps; the store assigns it.
	Seq int64 `json:"seq"`
	// At is when the entry was written, to the microsecond (UTC).
	At time.Time `json:"at"`
	// Actor is who acted, as actor.Actor.String() ("user:li.wei").
	Actor string `json:"actor"`
	// Role is the actor's role (empty for the command line's operator
	// and the system).
	Role string `json:"role,omitempty"`
	// Action is what was done: an authz action name ("rights.record",
	// "session.sign_in", "session.sign_in_failed", "authz.denied").
	Action string `json:"action"`
	// Object is what it was done to, as "type:id" ("right:T65…").
	Object string `json:"object,omitempty"`
	// Before and After are digests of the object's state before and after
	// the change ("" when there was none), in the chain's hash.
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	// Address and RequestID say where a web request came from.
	Address   string `json:"address,omitempty"`
	RequestID string `json:"request_id,omitempty"`
	// Detail is a short note (why a permission was denied, how many rows
	// an import wrote). It never holds personal data or secrets.
	Detail string `json:"detail,omitempty"`
	// Alg names the hash of this entry ("sha256" or "sm3"); entries of one
	// log may differ when the configuration changed.
	Alg string `json:"alg"`
	// Prev is the previous entry's Hash ("" for the first entry).
	Prev string `json:"prev"`
	// Hash is Alg over the entry's canonical form, Prev included.
	Hash string `json:"hash"`

	// BeforeState and AfterState are the object's states as the writer
	// has them, in a canonical encoding of its own; Seal digests them into
	// Before and After. They are never stored.
	BeforeState []byte `json:"-"`
	AfterState  []byte `json:"-"`
}

// Canonical is the entry's canonical form: every stored field but Hash,
// in a fixed order, each prefixed by its length, so no two entries share
// one. The time is RFC 3339 in UTC to the microsecond.
func (e Entry) Canonical() []byte {
	fields := []string{
		"mineplan-audit-1",
		strconv.FormatInt(e.Seq, 10),
		e.At.UTC().Format("2006-01-02T15:04:05.000000Z"),
		e.Actor, e.Role, e.Action, e.Object, e.Before, e.After,
		e.Address, e.RequestID, e.Detail, e.Alg, e.Prev,
	}
	var b []byte
	var n [4]byte
	for _, f := range fields {
		binary.BigEndian.PutUint32(n[:], uint32(len(f)))
		b = append(b, n[:]...)
		b = append(b, f...)
	}
	return b
}

// Seal makes e the entry after prev (nil for the first entry of a log, or
// the first after a retention cut, with prevSeq and prevHash from the
// cut): it numbers it, stamps the time, digests its states and hashes it
// with h. It refuses an entry without an actor or an action.
func Seal(prevSeq int64, prevHash string, e Entry, at time.Time, h Hasher) (Entry, error) {
	if e.Actor == "" || e.Action == "" {
		return Entry{}, fmt.Errorf("审计记录缺少执行者或操作 / an audit entry needs an actor and an action")
	}
	e.Seq = prevSeq + 1
	e.Prev = prevHash
	e.At = at.UTC().Truncate(time.Microsecond)
	e.Alg = h.Name()
	if e.BeforeState != nil {
		e.Before = hex.EncodeToString(h.Sum(e.BeforeState))
	}
	if e.AfterState != nil {
		e.After = hex.EncodeToString(h.Sum(e.AfterState))
	}
	e.BeforeState, e.AfterState = nil, nil
	e.Hash = hex.EncodeToString(h.Sum(e.Canonical()))
	return e, nil
}

// For starts the entry of an action a takes on object: the actor, role and
// request come from a, as the edge put them in the context.
func For(a actor.Actor, action, object string) Entry {
	return Entry{Actor: a.String(), Role: string(a.Role), Action: action, Object: object, Address: a.Address, RequestID: a.RequestID}
}
