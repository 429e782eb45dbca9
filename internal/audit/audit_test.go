package audit

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
)

// GB/T 32905-2016 appendix A: the two examples.
func TestSM3Vectors(t *testing.T) {
	h, err := HasherNamed(SM3)
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"abc":                      "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
		strings.Repeat("abcd", 16): "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
	} {
		if got := hex.EncodeToString(h.Sum([]byte(in))); got != want {
			t.Errorf("SM3(%q) = %s, want %s", in, got, want)
		}
	}
}

func chain(t *testing.T, alg string, n int) []Entry {
	t.Helper()
	h, err := HasherNamed(alg)
	if err != nil {
		t.Fatal(err)
	}
	var out []Entry
	var seq int64
	prev := ""
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	for i := range n {
		e, err := Seal(seq, prev, Entry{Actor: "user:li", Role: "licensing_officer", Action: "rights.record", Object: "right:X" + string(rune('A'+i)),
			AfterState: []byte{byte(i)}, Address: "10.0.0.1", RequestID: "r1"}, at.Add(time.Duration(i)*time.Second), h)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
		seq, prev = e.Seq, e.Hash
	}
	return out
}

func verify(entries []Entry, head Start, anchor string) error {
	v := NewVerifier(Start{}, anchor)
	for _, e := range entries {
		if err := v.Next(e); err != nil {
			return err
		}
	}
	_, err := v.End(head)
	return err
}

func TestVerifyFindsTampering(t *testing.T) {
	for _, alg := range []string{SHA256, SM3} {
		good := chain(t, alg, 6)
		head := Start{Seq: good[5].Seq, Hash: good[5].Hash}
		if err := verify(good, head, good[2].Hash); err != nil {
			t.Fatalf("%s: a good chain: %v", alg, err)
		}
		cp := func() []Entry { return append([]Entry(nil), good...) }
		cases := map[string]struct {
			entries []Entry
			seq     int64
		}{}
		changed := cp()
		changed[3].Detail = "x"
		cases["changed field"] = struct {
			entries []Entry
			seq     int64
		}{changed, 4}
		deleted := append(cp()[:2], good[3:]...)
		cases["deleted"] = struct {
			entries []Entry
			seq     int64
		}{deleted, 3}
		swapped := cp()
		swapped[1], swapped[2] = swapped[2], swapped[1]
		swapped[1].Seq, swapped[2].Seq = 2, 3
		cases["swapped"] = struct {
			entries []Entry
			seq     int64
		}{swapped, 2}
		cases["truncated"] = struct {
			entries []Entry
			seq     int64
		}{cp()[:4], 5}
		for name, c := range cases {
			err := verify(c.entries, head, "")
			var f *Fault
			if !errors.As(err, &f) {
				t.Errorf("%s %s: got %v, want a fault", alg, name, err)
				continue
			}
			if f.Seq != c.seq {
				t.Errorf("%s %s: fault names entry %d, want %d (%v)", alg, name, f.Seq, c.seq, err)
			}
		}
		if err := verify(good, head, strings.Repeat("0", 64)); err == nil {
			t.Errorf("%s: an anchor not in the log was accepted", alg)
		}
	}
}

func TestOneByteOfEveryField(t *testing.T) {
	good := chain(t, SHA256, 3)
	head := Start{Seq: 3, Hash: good[2].Hash}
	fields := []func(*Entry){
		func(e *Entry) { e.Seq++ }, func(e *Entry) { e.At = e.At.Add(time.Microsecond) },
		func(e *Entry) { e.Actor += "x" }, func(e *Entry) { e.Role += "x" }, func(e *Entry) { e.Action += "x" },
		func(e *Entry) { e.Object += "x" }, func(e *Entry) { e.Before += "x" }, func(e *Entry) { e.After = "0" + e.After[1:] },
		func(e *Entry) { e.Address += "x" }, func(e *Entry) { e.RequestID += "x" }, func(e *Entry) { e.Detail += "x" },
		func(e *Entry) { e.Alg = SM3 }, func(e *Entry) { e.Prev = "0" + e.Prev[1:] }, func(e *Entry) { e.Hash = "0" + e.Hash[1:] },
	}
	for i, f := range fields {
		es := append([]Entry(nil), good...)
		f(&es[1])
		if string(es[1].Canonical()) == string(good[1].Canonical()) && es[1].Hash == good[1].Hash {
			continue // the change was a no-op (the byte was already 0)
		}
		if err := verify(es, head, ""); err == nil {
			t.Errorf("field %d: a change was not detected", i)
		}
	}
}
