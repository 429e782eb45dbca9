package authz

import "mineplan/internal/actor"

// Reach is the part of a list an actor may see for an action: what the
// store's filter must narrow a list to, so that a list shows exactly the
// objects Decide would allow one by one.
type Reach struct {
	// CreditCode, when set, keeps the objects of that holder only.
	CreditCode string
	// County, when set, keeps the objects in that county only.
	County string
	// CountyGrants keeps only the minerals and kinds the county level
	// grants (a county clerk, rules/authority.yaml).
	CountyGrants bool
}

// ReachOf is an actor's reach for an action on a list, and the decision
// for the list itself: Forbid when the role may not take the action at
// all. It follows Decide's rules, scope by scope.
func ReachOf(a actor.Actor, act Action) (Reach, Decision) {
	role := a.Role
	if role == "" {
		if a.Kind == actor.Operator || a.Kind == actor.System {
			return Reach{}, Allow
		}
		role = actor.Public
	}
	switch ScopeOf(role, act) {
	case Prefecture:
		if role == actor.EnforcementOfficer && a.County != "" {
			return Reach{County: a.County}, Allow
		}
		return Reach{}, Allow
	case Company:
		if a.CreditCode == "" {
			return Reach{}, Forbid
		}
		return Reach{CreditCode: a.CreditCode}, Allow
	case County:
		if a.County == "" {
			return Reach{}, Forbid
		}
		return Reach{County: a.County, CountyGrants: role == actor.CountyClerk}, Allow
	}
	return Reach{}, Forbid
}
