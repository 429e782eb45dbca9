package accounts

import (
	"context"

	"mineplan/internal/actor"
)

// BootstrapOptions say what a database without users gets.
type BootstrapOptions struct {
	// Demo, when set, adds one illustrative account per role, bound to
	// the illustrative data's company and county. Only a database that
	// holds the illustrative data gets them.
	Demo *DemoJurisdiction
}

// DemoJurisdiction is where the demo accounts work: a company of the
// illustrative register and a county.
type DemoJurisdiction struct {
	CreditCode string
	County     string
}

// Created is an account Bootstrap made, with its one-time password, to
// be printed once.
type Created struct {
	Name         string
	Role         actor.Role
	County       string
	CreditCode   string
	Password     string
	Illustrative bool
}

// FirstAdmin is the name of the first security administrator.
const FirstAdmin = "admin"

// Bootstrap gives a database without users its first security
// administrator (and, with demo data, one illustrative account per
// other role), each with a one-time password that must be changed at
// the first sign-in. A database with users is left as it is (nil).
func Bootstrap(ctx context.Context, svc *Service, opts BootstrapOptions) ([]Created, error) {
	n, err := svc.st.CountUsers(ctx)
	if err != nil || n > 0 {
		return nil, err
	}
	list := []NewUser{{Name: FirstAdmin, DisplayName: "安全管理员 / security administrator", Role: actor.SecurityAdmin}}
	if d := opts.Demo; d != nil {
		for _, r := range actor.Roles {
			if r == actor.Public {
				continue
			}
			nu := NewUser{Name: "demo-" + demoName(r), DisplayName: "示例" + r.ZH() + " / illustrative " + r.EN(), Role: r, Illustrative: true}
			switch r {
			case actor.Holder:
				nu.CreditCode = d.CreditCode
			case actor.CountyClerk, actor.EnforcementOfficer:
				nu.County = d.County
			}
			list = append(list, nu)
		}
	}
	var out []Created
	for _, nu := range list {
		_, pw, err := svc.AddUser(ctx, nu)
		if err != nil {
			return out, err
		}
		out = append(out, Created{Name: nu.Name, Role: nu.Role, County: nu.County, CreditCode: nu.CreditCode, Password: pw, Illustrative: nu.Illustrative})
	}
	return out, nil
}

// demoName is a role's name in an account name: county_clerk → county-clerk.
func demoName(r actor.Role) string {
	b := []byte(r)
	for i, c := range b {
		if c == '_' {
			b[i] = '-'
		}
	}
	return string(b)
}
