package review

import (
	"testing"

	"mineplan/internal/plan"
)

// TestEveryRuleKindHasAFunction: plan.ReviewKinds (what a bundle may name)
// and the engine's functions name the same kinds.
func TestEveryRuleKindHasAFunction(t *testing.T) {
	for _, k := range plan.ReviewKinds {
		if kinds[k] == nil {
			t.Errorf("rule kind %s has no function", k)
		}
	}
	if len(kinds) != len(plan.ReviewKinds) {
		t.Errorf("%d functions for %d rule kinds", len(kinds), len(plan.ReviewKinds))
	}
}

// TestLabels: every severity and verdict has its labels, and JSON writes
// their names as before.
func TestLabels(t *testing.T) {
	for _, s := range plan.Severities {
		if s.ZH() == "" || s.EN() == "" || !s.Valid() {
			t.Errorf("severity %s has no label", s)
		}
	}
	for _, v := range []Verdict{NonConforming, Conditional, Conforming} {
		if v.ZH() == "" || v.EN() == "" {
			t.Errorf("verdict %s has no label", v)
		}
	}
	if Prohibited.ZH() != "禁止" || Conditional.ZH() != "有条件符合（需论证）" || Severity("x").Valid() {
		t.Errorf("labels: %s %s", Prohibited.ZH(), Conditional.ZH())
	}
	if Prohibited.Rank() >= NeedsJustification.Rank() || NeedsJustification.Rank() >= Info.Rank() {
		t.Errorf("ranks out of order")
	}
}
