package authz

import (
	"mineplan/internal/actor"
)

// Object is what an action is taken on, as far as jurisdiction goes: the
// counties it lies in, the holder's credit code, the mineral and the
// right's kind. The zero Object is "no particular object" (a list, a new
// record whose place is checked by the use case).
type Object struct {
	Counties   []string
	CreditCode string
	Mineral    string
	RightKind  string
}

// Decision is the outcome of Decide.
type Decision int

const (
	// Allow: go on.
	Allow Decision = iota
	// Forbid: the role may never take this action (HTTP 403).
	Forbid
	// Hide: the role may, but not on this object, which is outside the
	// caller's view (HTTP 404, so its existence is not revealed).
	Hide
)

// CountyGrants says whether the county level grants a mineral for a kind
// of right (rules/authority.yaml); the web server builds it from the
// served plan.
type CountyGrants func(mineral, rightKind string) bool

// Decide is the one authorisation decision. An anonymous actor has the
// public role.
func Decide(a actor.Actor, act Action, obj Object, grants CountyGrants) Decision {
	role := a.Role
	if role == "" {
		if a.Kind == actor.Operator || a.Kind == actor.System {
			return Allow // the command line and start-up own the database
		}
		role = actor.Public
	}
	switch ScopeOf(role, act) {
	case None:
		return Forbid
	case Prefecture:
		if role == actor.EnforcementOfficer && a.County != "" && !inCounty(obj, a.County) {
			return Hide
		}
		return Allow
	case Company:
		if a.CreditCode == "" {
			return Forbid
		}
		if obj.CreditCode != "" && obj.CreditCode != a.CreditCode {
			return Hide
		}
		if obj.CreditCode == "" && hasObject(obj) {
			return Hide
		}
		return Allow
	case County:
		if a.County == "" {
			return Forbid
		}
		if !inCounty(obj, a.County) {
			return Hide
		}
		if role == actor.CountyClerk && obj.Mineral != "" && (grants == nil || !grants(obj.Mineral, obj.RightKind)) {
			return Hide
		}
		return Allow
	}
	return Forbid
}

func hasObject(o Object) bool {
	return len(o.Counties) > 0 || o.CreditCode != "" || o.Mineral != ""
}

// inCounty: an object with no county (a list) is in every jurisdiction;
// the list itself is then filtered by the store.
func inCounty(o Object, county string) bool {
	if len(o.Counties) == 0 {
		return true
	}
	for _, c := range o.Counties {
		if c == county {
			return true
		}
	}
	return false
}
