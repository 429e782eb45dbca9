// Package authz is mineplan's one authorisation table: which role may take
// which action, and within what jurisdiction. Every HTTP route is
// registered with one of these actions (internal/web), and every use case
// that acts for a signed-in user asks Decide. Nothing else grants access.
package authz

import (
	"slices"

	"mineplan/internal/actor"
)

// Action is what a request or a command does.
type Action string

// The actions. Names are "resource.verb"; they are also the audit log's
// action names.
const (
	// Public reading: the plan, its tables and check, minerals, zones, the
	// public fields of the register, the pages and static files.
	PublicRead Action = "public.read"
	// ReviewCheck runs the review on an application without storing it.
	ReviewCheck Action = "review.check"
	// SignIn and SignOut are the session's own actions, open to all.
	SignIn  Action = "session.sign_in"
	SignOut Action = "session.sign_out"
	// AccountSelf is a signed-in user's own account: password, TOTP.
	AccountSelf Action = "account.self"
	// WorkspaceRead is the signed-in home page (/workspace): every role
	// but the public.
	WorkspaceRead Action = "workspace.read"

	RightsRead   Action = "rights.read"   // full fields of rights and their events
	RightsRecord Action = "rights.record" // record events (grant, extension, …)
	RightsImport Action = "rights.import"
	RightsExport Action = "rights.export" // write the register to a file (an audited read)
	ReviewCreate Action = "review.create" // store a review
	ReviewRead   Action = "review.read"
	ReviewRerun  Action = "review.rerun"
	LayersImport Action = "layers.import"
	PlanLoad     Action = "plan.load"

	AuditRead    Action = "audit.read"  // search and verify the audit log
	AuditPrune   Action = "audit.prune" // delete entries past the retention period
	UsersManage  Action = "users.manage"
	TokensManage Action = "tokens.manage"

	SystemBackup    Action = "system.backup"
	SystemMigrate   Action = "system.migrate"
	SystemConfigure Action = "system.configure"
)

// Scope is how far a role's permission for an action reaches.
type Scope int

const (
	// None: the role may not take the action at all (403).
	None Scope = iota
	// Company: objects of the holder's own credit code only.
	Company
	// County: objects in the actor's county; for a county clerk also only
	// the minerals and actions rules/authority.yaml gives the county.
	County
	// Prefecture: every object (an enforcement officer bound to a county
	// is narrowed to it, see Decide).
	Prefecture
)

// table is the whole authorisation policy: action → role → scope. A role
// absent from an action's row has None.
var table = map[Action]map[actor.Role]Scope{
	PublicRead:  everyone(Prefecture),
	ReviewCheck: everyone(Prefecture),
	SignIn:      everyone(Prefecture),
	SignOut:     everyone(Prefecture),
	// The account pages authenticate by themselves (internal/web's
	// account.go): a session limited to changing its one-time password or
	// enrolling TOTP must reach them while it is anonymous to every other
	// route, so the table lets everyone through and the handler sends a
	// request without a session to /signin.
	AccountSelf: everyone(Prefecture),
	// The workspace's home page: every signed-in role, not the public.
	WorkspaceRead: signedIn(Prefecture),

	RightsRead: {actor.Holder: Company, actor.CountyClerk: County, actor.LicensingOfficer: Prefecture,
		actor.Planner: Prefecture, actor.EnforcementOfficer: Prefecture},
	RightsRecord: {actor.CountyClerk: County, actor.LicensingOfficer: Prefecture},
	RightsImport: {actor.LicensingOfficer: Prefecture},
	RightsExport: {actor.CountyClerk: County, actor.LicensingOfficer: Prefecture, actor.Planner: Prefecture, actor.EnforcementOfficer: Prefecture},
	ReviewCreate: {actor.Holder: Company, actor.CountyClerk: County, actor.LicensingOfficer: Prefecture, actor.Planner: Prefecture},
	ReviewRead: {actor.Holder: Company, actor.CountyClerk: County, actor.LicensingOfficer: Prefecture,
		actor.Planner: Prefecture, actor.EnforcementOfficer: Prefecture},
	ReviewRerun:  {actor.LicensingOfficer: Prefecture, actor.Planner: Prefecture},
	LayersImport: {actor.Planner: Prefecture},
	PlanLoad:     {actor.Planner: Prefecture},

	AuditRead:    {actor.Auditor: Prefecture},
	AuditPrune:   {actor.SystemAdmin: Prefecture},
	UsersManage:  {actor.SecurityAdmin: Prefecture},
	TokensManage: {actor.SecurityAdmin: Prefecture},

	SystemBackup:    {actor.SystemAdmin: Prefecture},
	SystemMigrate:   {actor.SystemAdmin: Prefecture},
	SystemConfigure: {actor.SystemAdmin: Prefecture},
}

func everyone(s Scope) map[actor.Role]Scope {
	m := map[actor.Role]Scope{}
	for _, r := range actor.Roles {
		m[r] = s
	}
	return m
}

// signedIn is every role but the public at scope s.
func signedIn(s Scope) map[actor.Role]Scope {
	m := everyone(s)
	delete(m, actor.Public)
	return m
}

// Actions lists every action in the table, sorted.
func Actions() []Action {
	out := make([]Action, 0, len(table))
	for a := range table {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// Known reports whether a is in the table.
func Known(a Action) bool { _, ok := table[a]; return ok }

// ScopeOf is role's scope for action (None when the role may not).
func ScopeOf(role actor.Role, a Action) Scope { return table[a][role] }

// IsPublic reports whether the public role may take a.
func IsPublic(a Action) bool { return ScopeOf(actor.Public, a) != None }

// Writes reports whether a changes stored data (what `serve --public`
// never registers).
func Writes(a Action) bool {
	switch a {
	case PublicRead, ReviewCheck, RightsRead, ReviewRead, AuditRead, WorkspaceRead:
		return false
	}
	return true
}
