package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"mineplan/internal/accounts"
	"mineplan/internal/actor"
	"mineplan/internal/app"
	"mineplan/internal/fieldcrypt"
	"mineplan/internal/plan"
	"mineplan/internal/store"
)

// keyConfig says where the data key is and which field cipher seals new
// personal data.
type keyConfig struct {
	KeyFile string
	Cipher  string
}

func keyFlags(fs *pflag.FlagSet, k *keyConfig) {
	fs.StringVar(&k.KeyFile, "key-file", "", "个人信息数据密钥文件（默认：环境变量 "+fieldcrypt.EnvKeyFile+"，或 SQLite 数据库旁的 DB.key） / the personal data key file (default: "+fieldcrypt.EnvKeyFile+", or DB.key beside an SQLite database)")
	fs.StringVar(&k.Cipher, "data-cipher", "", "个人信息加密算法：aes-256-gcm（默认）或 sm4-gcm（默认：环境变量 "+fieldcrypt.EnvAlg+"） / the personal data cipher: aes-256-gcm (default) or sm4-gcm (default: "+fieldcrypt.EnvAlg+")")
}

// defaultKeyFile is where serve keeps the key of an SQLite database
// when none is configured: beside the database file, never inside it.
func defaultKeyFile(dbArg string) string {
	if isPostgresURL(dbArg) {
		return ""
	}
	return dbArg + ".key"
}

// keyPath is the configured key file: the flag, the environment, or the
// SQLite default.
func (k keyConfig) keyPath(dbArg string) string {
	switch {
	case k.KeyFile != "":
		return k.KeyFile
	case os.Getenv(fieldcrypt.EnvKeyFile) != "":
		return os.Getenv(fieldcrypt.EnvKeyFile)
	}
	return defaultKeyFile(dbArg)
}

// cipher opens the data key. With no key file configured and none beside
// an SQLite database it returns nil: commands that must store personal
// data then say so.
func (k keyConfig) cipher(dbArg string) (fieldcrypt.Cipher, error) {
	path := k.keyPath(dbArg)
	explicit := k.KeyFile != "" || os.Getenv(fieldcrypt.EnvKeyFile) != ""
	if path == "" {
		return nil, nil
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) && !explicit {
		return nil, nil
	}
	key, err := fieldcrypt.ReadKeyFile(path)
	if err != nil {
		return nil, err
	}
	alg := k.Cipher
	if alg == "" {
		alg = os.Getenv(fieldcrypt.EnvAlg)
	}
	return fieldcrypt.New(key, fieldcrypt.Alg(alg))
}

// accountService opens the database and the accounts on it.
func accountService(ctx context.Context, dbArg string, k keyConfig) (*accounts.Service, store.Store, error) {
	ci, err := k.cipher(dbArg)
	if err != nil {
		return nil, nil, err
	}
	st, err := openStore(ctx, dbArg, false)
	if err != nil {
		return nil, nil, err
	}
	p, err := currentPlan(ctx, st) // its counties bind accounts and tokens
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	svc, err := accounts.New(accounts.Config{Store: st, Cipher: ci, Plan: p})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return svc, st, nil
}

// oneNameCommand is a users subcommand on one NAME with --db and the key
// flags.
func oneNameCommand(use, short string, run func(ctx context.Context, svc *accounts.Service, name string, stdout io.Writer) error) *cobra.Command {
	var dbArg string
	var k keyConfig
	c := &cobra.Command{
		Use:   use + " NAME",
		Short: short,
		RunE: func(c *cobra.Command, args []string) error {
			if dbArg == "" || len(args) != 1 {
				return usageError{"users " + use + " needs --db and one NAME"}
			}
			svc, st, err := accountService(c.Context(), dbArg, k)
			if err != nil {
				return err
			}
			defer st.Close()
			return run(c.Context(), svc, args[0], c.OutOrStdout())
		},
	}
	dbFlag(c.Flags(), &dbArg)
	keyFlags(c.Flags(), &k)
	return c
}

func usersAddCommand() *cobra.Command {
	var dbArg, role string
	var k keyConfig
	var nu accounts.NewUser
	c := &cobra.Command{
		Use:   "add NAME",
		Short: "新建账户，打印一次性密码（首次登录须修改） / add an account and print its one-time password (changed at the first sign-in)",
		RunE: func(c *cobra.Command, args []string) error {
			if dbArg == "" || len(args) != 1 || role == "" {
				return usageError{"users add needs --db, --role and one NAME"}
			}
			nu.Name, nu.Role = args[0], actor.Role(role)
			svc, st, err := accountService(c.Context(), dbArg, k)
			if err != nil {
				return err
			}
			defer st.Close()
			u, pw, err := svc.AddUser(c.Context(), nu)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "已新建账户 %s（%s）。一次性密码（只显示这一次，首次登录须修改） / added %s (%s). One-time password (shown once, to be changed at the first sign-in):\n%s\n",
				u.Name, u.Role.ZH(), u.Name, u.Role.EN(), pw)
			if u.Role.Administrative() {
				fmt.Fprintln(c.OutOrStdout(), "管理员首次登录后须绑定动态验证码 / an administrator enrols TOTP at the first sign-in")
			}
			return nil
		},
	}
	fs := c.Flags()
	dbFlag(fs, &dbArg)
	keyFlags(fs, &k)
	fs.StringVar(&role, "role", "", "角色：holder、county_clerk、licensing_officer、planner、enforcement_officer、auditor、security_admin、system_admin / role: holder, county_clerk, licensing_officer, planner, enforcement_officer, auditor, security_admin, system_admin")
	fs.StringVar(&nu.County, "county", "", "辖区县市（县市自然资源局必填，执法人员可选） / the county (required for a county clerk, optional for an enforcement officer)")
	fs.StringVar(&nu.CreditCode, "credit-code", "", "矿业权人的统一社会信用代码 / a holder's unified social credit code")
	fs.StringVar(&nu.DisplayName, "display-name", "", "显示名称 / display name")
	fs.StringVar(&nu.Email, "email", "", "电子邮箱（加密保存） / e-mail address (stored encrypted)")
	fs.StringVar(&nu.Phone, "phone", "", "电话（加密保存） / phone number (stored encrypted)")
	return c
}

func usersListCommand() *cobra.Command {
	var dbArg, role, county string
	var all, asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "列出账户 / list the accounts",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if dbArg == "" {
				return usageError{"users list needs --db"}
			}
			svc, st, err := accountService(c.Context(), dbArg, keyConfig{})
			if err != nil {
				return err
			}
			defer st.Close()
			us, err := svc.Users(c.Context(), store.UserFilter{Role: actor.Role(role), County: county, IncludeDisabled: all})
			if err != nil {
				return err
			}
			out := c.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(us)
			}
			tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "用户名 name\t角色 role\t辖区 jurisdiction\t动态码 TOTP\t状态 state")
			for _, u := range us {
				state := "正常 active"
				switch {
				case u.Disabled:
					state = "停用 disabled"
				case u.LockedUntil.After(time.Now()):
					state = "锁定 locked"
				case u.MustChange:
					state = "待改密码 must change password"
				}
				if u.Illustrative {
					state += "（示例 illustrative）"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%t\t%s\n", u.Name, u.Role, u.County+u.CreditCode, u.TOTPEnabled, state)
			}
			return tw.Flush()
		},
	}
	fs := c.Flags()
	dbFlag(fs, &dbArg)
	fs.StringVar(&role, "role", "", "只列出此角色 / only this role")
	fs.StringVar(&county, "county", "", "只列出此县市 / only this county")
	fs.BoolVar(&all, "all", false, "包括已停用的账户 / include disabled accounts")
	jsonFlag(fs, &asJSON)
	return c
}

func usersDisableCommand() *cobra.Command {
	return oneNameCommand("disable", "停用账户并结束其全部会话 / disable an account and end all its sessions",
		func(ctx context.Context, svc *accounts.Service, name string, stdout io.Writer) error {
			if err := svc.DisableUser(ctx, name); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "已停用 %s，其会话均已结束 / disabled %s and ended its sessions\n", name, name)
			return nil
		})
}

func usersResetPasswordCommand() *cobra.Command {
	return oneNameCommand("reset-password", "重置密码：打印新的一次性密码，结束全部会话，解除锁定 / reset the password: print a new one-time password, end all sessions, lift a lock",
		func(ctx context.Context, svc *accounts.Service, name string, stdout io.Writer) error {
			pw, err := svc.ResetPassword(ctx, name)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s 的一次性密码（只显示这一次，首次登录须修改） / %s's one-time password (shown once, to be changed at the first sign-in):\n%s\n", name, name, pw)
			return nil
		})
}

func usersResetTOTPCommand() *cobra.Command {
	return oneNameCommand("reset-totp", "重置动态验证码（如手机丢失），作废恢复码 / reset TOTP (a lost phone) and void the recovery codes",
		func(ctx context.Context, svc *accounts.Service, name string, stdout io.Writer) error {
			if err := svc.ResetTOTP(ctx, name); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "已重置 %s 的动态验证码；下次登录时重新绑定 / reset %s's TOTP; it enrols again at the next sign-in\n", name, name)
			return nil
		})
}

// bootstrapAccounts is serve's step for a database without users: the
// first security administrator, and with the illustrative data one
// illustrative account per role; each one-time password is printed once.
// A database without the illustrative data never gets demo accounts.
func bootstrapAccounts(ctx context.Context, st store.Store, svc *accounts.Service, demo bool, stdout io.Writer) error {
	opts := accounts.BootstrapOptions{}
	if demo {
		d, err := demoJurisdiction(ctx, st)
		if err != nil {
			return err
		}
		opts.Demo = d
	}
	created, err := accounts.Bootstrap(ctx, svc, opts)
	if errors.Is(err, store.ErrReadOnly) {
		// A replica: its accounts come from the primary, where the first
		// administrator is created.
		fmt.Fprintln(stdout, "注意：数据库只读且没有账户，请在主库上创建管理员 / note: the database is read-only and has no accounts: create the administrator on the primary")
		return nil
	}
	if err != nil {
		return fmt.Errorf("创建首个管理员失败 / creating the first administrator failed: %w", err)
	}
	if len(created) == 0 {
		return nil
	}
	fmt.Fprintln(stdout, "已创建账户。一次性密码只显示这一次，首次登录须修改；管理员还须绑定动态验证码 / accounts created. Each one-time password is shown only now and must be changed at the first sign-in; administrators also enrol TOTP:")
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	for _, c := range created {
		note := ""
		if c.Illustrative {
			note = "示例账户 illustrative " + c.County + c.CreditCode
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Name, c.Role, c.Password, note)
	}
	return tw.Flush()
}

// demoJurisdiction finds the illustrative data's company and county: nil
// when the database does not hold the illustrative data (its layers and
// register), so only a demo database gets demo accounts.
func demoJurisdiction(ctx context.Context, st store.Store) (*accounts.DemoJurisdiction, error) {
	layers, err := st.Layers(ctx)
	if err != nil {
		return nil, err
	}
	demo := false
	for _, l := range layers {
		demo = demo || l.Name == app.DemoProtectedLayer
	}
	if !demo {
		return nil, nil
	}
	rs, _, err := st.Rights(ctx, store.RightFilter{Limit: 1})
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	return &accounts.DemoJurisdiction{CreditCode: rs[0].Holder.CreditCode, County: rs[0].County}, nil
}

// startAccounts is serve's accounts: the data key (on a fresh SQLite
// database without one configured, a new key file beside the database,
// mode 0600), then the bootstrap of a database without users.
func startAccounts(ctx context.Context, st store.Store, p *plan.Plan, dbArg string, k keyConfig, demo bool, now func() time.Time, stdout io.Writer) (*accounts.Service, error) {
	n, err := st.CountUsers(ctx)
	if err != nil {
		return nil, err
	}
	if path := k.keyPath(dbArg); n == 0 && path == defaultKeyFile(dbArg) && path != "" {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			if err := fieldcrypt.GenerateKeyFile(path); err != nil {
				return nil, err
			}
			fmt.Fprintf(stdout, "已生成个人信息数据密钥 %s（权限 0600）：它不在数据库里，请另行妥善备份，丢失后加密的个人信息无法读取 / generated the personal data key %s (mode 0600): it is not in the database; back it up separately, without it the encrypted personal data cannot be read\n", path, path)
		}
	}
	ci, err := k.cipher(dbArg)
	if err != nil {
		return nil, err
	}
	if ci == nil {
		fmt.Fprintf(stdout, "注意：未配置数据密钥（--key-file 或 %s），不能保存个人信息和动态验证码 / note: no data key is configured (--key-file or %s): personal data and TOTP cannot be stored\n", fieldcrypt.EnvKeyFile, fieldcrypt.EnvKeyFile)
	}
	svc, err := accounts.New(accounts.Config{Store: st, Now: now, Cipher: ci, Plan: p})
	if err != nil {
		return nil, err
	}
	return svc, bootstrapAccounts(ctx, st, svc, demo, stdout)
}
