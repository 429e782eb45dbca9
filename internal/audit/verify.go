package audit

import (
	"encoding/hex"
	"fmt"
)

// Fault is the first entry that breaks the chain, and how.
type Fault struct {
	Seq    int64  `json:"seq"`    // the entry's number (as expected at that place in the log)
	Reason string `json:"reason"` // English
	ZH     string `json:"zh"`     // Chinese
}

func (f *Fault) Error() string {
	return fmt.Sprintf("审计记录第 %d 条：%s / audit entry %d: %s", f.Seq, f.ZH, f.Seq, f.Reason)
}

// Start is where a verification begins: the log's first entry (zero), or
// the last entry a retention cut removed.
type Start struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Verifier checks entries in order, one at a time, so a log of any length
// is verified in constant memory.
type Verifier struct {
	prevSeq  int64
	prevHash string
	n        int64
	anchor   string
	anchored bool
}

// NewVerifier starts at start. With an anchor (a head hash published
// earlier), End also requires an entry with that hash.
func NewVerifier(start Start, anchor string) *Verifier {
	return &Verifier{prevSeq: start.Seq, prevHash: start.Hash, anchor: anchor, anchored: anchor == "" || anchor == start.Hash}
}

// Next checks e, the entry after the last one checked.
func (v *Verifier) Next(e Entry) error {
	want := v.prevSeq + 1
	switch {
	case e.Seq > want:
		return &Fault{Seq: want, Reason: fmt.Sprintf("missing: the next entry stored is %d", e.Seq), ZH: fmt.Sprintf("缺失：其后存有的是第 %d 条", e.Seq)}
	case e.Seq < want:
		return &Fault{Seq: want, Reason: fmt.Sprintf("out of order: entry %d is stored here", e.Seq), ZH: fmt.Sprintf("顺序错乱：此处存有第 %d 条", e.Seq)}
	}
	h, err := HasherNamed(e.Alg)
	if err != nil || e.Alg == "" {
		return &Fault{Seq: e.Seq, Reason: fmt.Sprintf("unknown hash %q", e.Alg), ZH: fmt.Sprintf("未知哈希 %q", e.Alg)}
	}
	if e.Prev != v.prevHash {
		return &Fault{Seq: e.Seq, Reason: "its previous-entry hash does not match the entry before it (an entry was removed, replaced or moved)", ZH: "所记前一条哈希与前一条不符（有记录被删除、替换或移动）"}
	}
	if hex.EncodeToString(h.Sum(e.Canonical())) != e.Hash {
		return &Fault{Seq: e.Seq, Reason: "its content does not match its hash (the entry was changed)", ZH: "内容与其哈希不符（记录被修改）"}
	}
	v.prevSeq, v.prevHash = e.Seq, e.Hash
	v.n++
	if e.Hash == v.anchor {
		v.anchored = true
	}
	return nil
}

// End checks the end of the log against the head the store keeps (the
// last entry's number and hash, written with every append), which finds a
// truncated tail, and against the anchor. It returns how many entries were
// checked.
func (v *Verifier) End(head Start) (int64, error) {
	if head.Seq != v.prevSeq || head.Hash != v.prevHash {
		if head.Seq > v.prevSeq {
			return v.n, &Fault{Seq: v.prevSeq + 1, Reason: fmt.Sprintf("missing: the log ends at entry %d but its head is entry %d (the tail was truncated)", v.prevSeq, head.Seq),
				ZH: fmt.Sprintf("缺失：日志止于第 %d 条，而日志头为第 %d 条（尾部被截断）", v.prevSeq, head.Seq)}
		}
		return v.n, &Fault{Seq: v.prevSeq, Reason: fmt.Sprintf("the log's head records entry %d with another hash", head.Seq), ZH: fmt.Sprintf("日志头记录的第 %d 条哈希与此不符", head.Seq)}
	}
	if !v.anchored {
		return v.n, &Fault{Seq: v.prevSeq, Reason: "no entry has the anchor's hash: the log does not extend the anchored head", ZH: "没有记录的哈希等于锚定值：日志并未延续锚定的日志头"}
	}
	return v.n, nil
}
