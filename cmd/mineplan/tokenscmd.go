package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"mineplan/internal/accounts"
	"mineplan/internal/actor"
	"mineplan/internal/store"
)

// parseExpiry reads --expires: a number of days ("90d"), a duration
// ("36h") or a day (2026-12-31, the end of that day in UTC+8).
func parseExpiry(s string, now time.Time) (time.Time, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(d); err == nil && n > 0 {
			return now.Add(time.Duration(n) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(d), nil
	}
	if day, err := time.ParseInLocation("2006-01-02", s, time.FixedZone("CST", 8*3600)); err == nil {
		return day.Add(24 * time.Hour), nil
	}
	return time.Time{}, usageError{fmt.Sprintf("--expires %q 应为天数（90d）、时长（36h）或日期（2026-12-31） / --expires %q is not days (90d), a duration (36h) or a day (2026-12-31)", s, s)}
}

func tokensCreateCommand() *cobra.Command {
	var dbArg, role, expires string
	var nt accounts.NewToken
	c := &cobra.Command{
		Use:   "create",
		Short: "新建接口令牌，打印令牌（只显示这一次） / create an API token and print it (shown once)",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if dbArg == "" || nt.User == "" || role == "" || expires == "" || nt.Name == "" {
				return usageError{"tokens create needs --db, --user, --role, --expires and --name"}
			}
			exp, err := parseExpiry(expires, time.Now())
			if err != nil {
				return err
			}
			nt.Role, nt.Expires = actor.Role(role), exp
			svc, st, err := accountService(c.Context(), dbArg, keyConfig{})
			if err != nil {
				return err
			}
			defer st.Close()
			secret, info, err := svc.CreateToken(c.Context(), nt)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "已新建令牌 %s（%s，%s，有效至 %s）。令牌只显示这一次，以 Authorization: Bearer 发送 / created token %s (%s, %s, valid until %s). It is shown once; send it as Authorization: Bearer:\n%s\n",
				info.ID, info.Name, info.Role, info.ExpiresAt.Format(time.RFC3339), info.ID, info.Name, info.Role, info.ExpiresAt.Format(time.RFC3339), secret)
			return nil
		},
	}
	fs := c.Flags()
	dbFlag(fs, &dbArg)
	fs.StringVar(&nt.User, "user", "", "令牌所属账户 / the account that owns the token")
	fs.StringVar(&role, "role", "", "令牌的角色（非管理员角色） / the token's role (not an administrative one)")
	fs.StringVar(&nt.County, "county", "", "令牌的辖区县市 / the token's county")
	fs.StringVar(&nt.CreditCode, "credit-code", "", "矿业权人令牌的统一社会信用代码 / a holder token's credit code")
	fs.StringVar(&expires, "expires", "", "有效期：90d、36h 或 2026-12-31（最长 366 天） / expiry: 90d, 36h or 2026-12-31 (at most 366 days)")
	fs.StringVar(&nt.Name, "name", "", "令牌名称，如调用它的系统 / the token's name, such as the system that uses it")
	return c
}

func tokensListCommand() *cobra.Command {
	var dbArg, user string
	var all, asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "列出接口令牌（不含密钥） / list the API tokens (never their secrets)",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if dbArg == "" {
				return usageError{"tokens list needs --db"}
			}
			svc, st, err := accountService(c.Context(), dbArg, keyConfig{})
			if err != nil {
				return err
			}
			defer st.Close()
			f := store.TokenFilter{IncludeRevoked: all}
			if user != "" {
				u, err := st.UserByName(c.Context(), user)
				if err != nil {
					return err
				}
				f.UserID = u.ID
			}
			ts, err := svc.Tokens(c.Context(), f)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(c.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(ts)
			}
			tw := tabwriter.NewWriter(c.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\t名称 name\t账户 user\t角色 role\t辖区 jurisdiction\t有效至 expires\t状态 state")
			for _, t := range ts {
				state := "有效 valid"
				switch {
				case !t.RevokedAt.IsZero():
					state = "已吊销 revoked"
				case !time.Now().Before(t.ExpiresAt):
					state = "已过期 expired"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.User, t.Role, t.County+t.CreditCode, t.ExpiresAt.Format(time.RFC3339), state)
			}
			return tw.Flush()
		},
	}
	fs := c.Flags()
	dbFlag(fs, &dbArg)
	fs.StringVar(&user, "user", "", "只列出此账户的令牌 / only this account's tokens")
	fs.BoolVar(&all, "all", false, "包括已吊销的令牌 / include revoked tokens")
	jsonFlag(fs, &asJSON)
	return c
}

func tokensRevokeCommand() *cobra.Command {
	var dbArg string
	c := &cobra.Command{
		Use:   "revoke ID",
		Short: "吊销接口令牌，立即生效 / revoke an API token, at once",
		RunE: func(c *cobra.Command, args []string) error {
			if dbArg == "" || len(args) != 1 {
				return usageError{"tokens revoke needs --db and one ID"}
			}
			svc, st, err := accountService(c.Context(), dbArg, keyConfig{})
			if err != nil {
				return err
			}
			defer st.Close()
			if err := svc.RevokeToken(c.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "已吊销令牌 %s / revoked token %s\n", args[0], args[0])
			return nil
		},
	}
	dbFlag(c.Flags(), &dbArg)
	return c
}
