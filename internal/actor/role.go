package actor

// Role is what an account may do: one of the roles below. The one table
// that says which role may take which action lives in internal/authz.
type Role string

// The roles. The three administrative roles split the duties as MLPS 2.0
// level 3 requires (三权分立): none of them writes business data, and each
// needs a second factor (TOTP) to sign in.
const (
	Public             Role = "public"              // anonymous
	Holder             Role = "holder"              // 矿业权人: a company, bound to its credit code
	CountyClerk        Role = "county_clerk"        // 县市自然资源局
	LicensingOfficer   Role = "licensing_officer"   // 地区登记发证
	Planner            Role = "planner"             // 地区规划
	EnforcementOfficer Role = "enforcement_officer" // 执法: prefecture-wide or one county
	Auditor            Role = "auditor"             // 审计管理员: reads the audit log only
	SecurityAdmin      Role = "security_admin"      // 安全管理员: users, roles and tokens
	SystemAdmin        Role = "system_admin"        // 系统管理员: backups, migrations, configuration
)

// Roles lists every role in a stable order.
var Roles = []Role{Public, Holder, CountyClerk, LicensingOfficer, Planner, EnforcementOfficer, Auditor, SecurityAdmin, SystemAdmin}

var roleNames = map[Role][2]string{
	Public:             {"公众", "public"},
	Holder:             {"矿业权人", "right holder"},
	CountyClerk:        {"县市自然资源局", "county clerk"},
	LicensingOfficer:   {"地区登记发证人员", "prefecture licensing officer"},
	Planner:            {"地区规划人员", "prefecture planner"},
	EnforcementOfficer: {"执法人员", "enforcement officer"},
	Auditor:            {"审计管理员", "auditor"},
	SecurityAdmin:      {"安全管理员", "security administrator"},
	SystemAdmin:        {"系统管理员", "system administrator"},
}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { _, ok := roleNames[r]; return ok }

// ZH is the role's Chinese name; EN its English name.
func (r Role) ZH() string { return roleNames[r][0] }

// EN is the role's English name.
func (r Role) EN() string { return roleNames[r][1] }

// Administrative reports whether r is one of the three separated
// administrative duties, which must sign in with a second factor.
func (r Role) Administrative() bool {
	return r == Auditor || r == SecurityAdmin || r == SystemAdmin
}

// NeedsCounty reports whether an account of role r must name its county;
// an enforcement officer may (one county) or may not (prefecture-wide).
func (r Role) NeedsCounty() bool { return r == CountyClerk }

// MayHaveCounty reports whether an account of role r may be bound to a
// county.
func (r Role) MayHaveCounty() bool { return r == CountyClerk || r == EnforcementOfficer }
