package authz

import (
	"testing"

	"mineplan/internal/actor"
)

// TestReachAgreesWithDecide: an object inside an actor's reach is allowed
// by Decide and one outside it hidden, for every role, so a filtered list
// and the object's own page never disagree.
func TestReachAgreesWithDecide(t *testing.T) {
	grants := func(mineral, kind string) bool { return mineral == "建筑用砂" }
	in := Object{Counties: []string{"伽师县"}, CreditCode: "C1", Mineral: "建筑用砂", RightKind: "mining"}
	outs := []Object{
		{Counties: []string{"疏附县"}, CreditCode: "C1", Mineral: "建筑用砂", RightKind: "mining"},
		{Counties: []string{"伽师县"}, CreditCode: "C2", Mineral: "建筑用砂", RightKind: "mining"},
		{Counties: []string{"伽师县"}, CreditCode: "C1", Mineral: "铜矿", RightKind: "mining"},
	}
	for _, role := range actor.Roles {
		a := actor.Actor{Kind: actor.User, Name: "u", Role: role, County: "伽师县", CreditCode: "C1"}
		for _, act := range Actions() {
			reach, d := ReachOf(a, act)
			if d == Forbid {
				if got := Decide(a, act, in, grants); got != Forbid {
					t.Errorf("%s %s: ReachOf forbids, Decide gives %v", role, act, got)
				}
				continue
			}
			if got := Decide(a, act, in, grants); got != Allow {
				t.Errorf("%s %s on an object in reach: %v", role, act, got)
			}
			for _, o := range outs {
				inReach := (reach.CreditCode == "" || reach.CreditCode == o.CreditCode) &&
					(reach.County == "" || reach.County == o.Counties[0]) &&
					(!reach.CountyGrants || grants(o.Mineral, o.RightKind))
				want := Hide
				if inReach {
					want = Allow
				}
				if got := Decide(a, act, o, grants); got != want {
					t.Errorf("%s %s on %+v: Decide %v, reach says %v", role, act, o, got, want)
				}
			}
		}
	}
}

func TestUnknownActionsForbidden(t *testing.T) {
	if Known("") || Known("rights.nonsense") {
		t.Fatal("an action outside the table is known")
	}
	a := actor.Actor{Kind: actor.User, Name: "u", Role: actor.LicensingOfficer}
	if Decide(a, "", Object{}, nil) != Forbid {
		t.Fatal("the empty action is allowed")
	}
}
