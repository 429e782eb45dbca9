package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"mineplan/internal/app"
	"mineplan/internal/store"
)

// auditCommand is `mineplan audit`: verify the chain, print its head for
// anchoring, search it and prune it past the retention period.
func auditCommand() *cobra.Command {
	return group("audit", "审计日志：校验、日志头、检索与清理 / the audit log: verify, head, search and prune",
		auditVerifyCommand(), auditHeadCommand(), auditSearchCommand(), auditPruneCommand())
}

func auditVerifyCommand() *cobra.Command {
	var dbArg, anchor string
	var asJSON bool
	c := &cobra.Command{
		Use:   "verify",
		Short: "校验整个审计日志的哈希链，指出第一条有问题的记录 / check the audit log's whole hash chain and name the first bad entry",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if dbArg == "" {
				return usageError{"audit verify needs --db"}
			}
			return runAuditVerify(c.Context(), dbArg, anchor, asJSON, c.OutOrStdout())
		},
	}
	dbFlag(c.Flags(), &dbArg)
	c.Flags().StringVar(&anchor, "anchor", "", "先前公布的日志头哈希：要求日志仍延续它 / a head hash published earlier: require the log to still extend it")
	jsonFlag(c.Flags(), &asJSON)
	return c
}

func runAuditVerify(ctx context.Context, dbArg, anchor string, asJSON bool, stdout io.Writer) error {
	st, err := openStore(ctx, dbArg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	v, err := app.VerifyAudit(ctx, st, strings.TrimSpace(anchor))
	if asJSON && (err == nil || v.Fault != nil) {
		if jerr := writeJSON(stdout, v); jerr != nil {
			return jerr
		}
	}
	if err != nil {
		return err
	}
	if !asJSON {
		fmt.Fprintf(stdout, "审计日志完好：已校验 %d 条记录 / the audit log is intact: %d entries checked\n", v.Checked, v.Checked)
		if v.Start.Seq > 0 {
			fmt.Fprintf(stdout, "起点 / start: 第 %d 条之后（已按保存期清理）/ after entry %d (pruned past the retention)\n", v.Start.Seq, v.Start.Seq)
		}
		fmt.Fprintf(stdout, "日志头 / head: %d %s\n", v.Head.Seq, v.Head.Hash)
		if anchor != "" {
			fmt.Fprintln(stdout, "日志延续锚定的日志头 / the log extends the anchored head")
		}
	}
	return nil
}

func auditHeadCommand() *cobra.Command {
	var dbArg string
	var asJSON bool
	c := &cobra.Command{
		Use:   "head",
		Short: "打印日志头（最后一条记录的序号与哈希），供公布或另行保存 / print the log's head (the last entry's number and hash), to publish or keep elsewhere",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if dbArg == "" {
				return usageError{"audit head needs --db"}
			}
			st, err := openStore(c.Context(), dbArg, false)
			if err != nil {
				return err
			}
			defer st.Close()
			head, start, err := st.AuditHead(c.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), map[string]any{"head": head, "start": start})
			}
			fmt.Fprintf(c.OutOrStdout(), "%s %d\n", head.Hash, head.Seq)
			return nil
		},
	}
	dbFlag(c.Flags(), &dbArg)
	jsonFlag(c.Flags(), &asJSON)
	return c
}

func auditSearchCommand() *cobra.Command {
	var dbArg, from, until string
	var f store.AuditFilter
	var asJSON bool
	c := &cobra.Command{
		Use:   "search",
		Short: "按执行者、对象、操作和时段检索审计日志 / search the audit log by actor, object, action and period",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if dbArg == "" {
				return usageError{"audit search needs --db"}
			}
			var err error
			if f.From, err = parseWhen(from, "--from"); err != nil {
				return err
			}
			if f.Until, err = parseWhen(until, "--until"); err != nil {
				return err
			}
			return runAuditSearch(c.Context(), dbArg, f, asJSON, c.OutOrStdout())
		},
	}
	fs := c.Flags()
	dbFlag(fs, &dbArg)
	fs.StringVar(&f.Actor, "actor", "", "执行者，如 user:li.wei 或 operator:zhang / the actor, e.g. user:li.wei or operator:zhang")
	fs.StringVar(&f.Object, "object", "", "对象，如 right:T65… 或 layer:红线 / the object, e.g. right:T65… or layer:NAME")
	fs.StringVar(&f.Action, "action", "", "操作，如 rights.record / the action, e.g. rights.record")
	whenFlags(fs, &from, &until)
	fs.Int64Var(&f.After, "after", 0, "从此序号之后开始（上一页的 next）/ start after this entry number (the previous page's next)")
	fs.IntVar(&f.Limit, "limit", app.DefaultAuditLimit, fmt.Sprintf("每页条数（最多 %d）/ entries per page (at most %d)", app.MaxAuditLimit, app.MaxAuditLimit))
	jsonFlag(fs, &asJSON)
	return c
}

func whenFlags(fs *pflag.FlagSet, from, until *string) {
	fs.StringVar(from, "from", "", "起始时间（含），YYYY-MM-DD 或 RFC 3339 / from this time on (inclusive), YYYY-MM-DD or RFC 3339")
	fs.StringVar(until, "until", "", "截止时间（不含），YYYY-MM-DD 或 RFC 3339 / until this time (exclusive), YYYY-MM-DD or RFC 3339")
}

// parseWhen reads a day (midnight UTC) or an RFC 3339 time; "" is none.
func parseWhen(s, flag string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Time{}, usageError{fmt.Sprintf("%s %q：应为 YYYY-MM-DD 或 RFC 3339 时间 / %s %q is not YYYY-MM-DD or an RFC 3339 time", flag, s, flag, s)}
}

func runAuditSearch(ctx context.Context, dbArg string, f store.AuditFilter, asJSON bool, stdout io.Writer) error {
	if f.Limit <= 0 || f.Limit > app.MaxAuditLimit {
		return usageError{fmt.Sprintf("--limit 须在 1 到 %d 之间 / --limit must be 1 to %d", app.MaxAuditLimit, app.MaxAuditLimit)}
	}
	st, err := openStore(ctx, dbArg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	es, next, err := app.SearchAudit(ctx, st, f)
	if err != nil {
		return err
	}
	if asJSON {
		out := map[string]any{"entries": es}
		if next > 0 {
			out["next"] = next
		}
		return writeJSON(stdout, out)
	}
	for _, e := range es {
		line := []string{fmt.Sprint(e.Seq), e.At.Format(time.RFC3339Nano), e.Actor}
		if e.Role != "" {
			line = append(line, "("+e.Role+")")
		}
		line = append(line, e.Action)
		for _, s := range []string{e.Object, e.Detail} {
			if s != "" {
				line = append(line, s)
			}
		}
		fmt.Fprintln(stdout, strings.Join(line, " "))
	}
	if next > 0 {
		fmt.Fprintf(stdout, "下一页 / next page: --after %d\n", next)
	}
	return nil
}

func auditPruneCommand() *cobra.Command {
	var dbArg, before string
	c := &cobra.Command{
		Use:   "prune",
		Short: "删除早于指定日期且超过保存期的审计记录（只从日志起点删） / delete the entries older than a date and past the retention period (from the start of the log only)",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if dbArg == "" || before == "" {
				return usageError{"audit prune needs --db and --before DATE"}
			}
			t, err := parseWhen(before, "--before")
			if err != nil {
				return err
			}
			st, err := openStore(c.Context(), dbArg, false)
			if err != nil {
				return err
			}
			defer st.Close()
			n, err := app.PruneAudit(c.Context(), st, t)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "已删除 %d 条审计记录 / deleted %d audit entries\n", n, n)
			return nil
		},
	}
	dbFlag(c.Flags(), &dbArg)
	c.Flags().StringVar(&before, "before", "", "删除此时间之前的记录（仍受保存期限制），YYYY-MM-DD 或 RFC 3339 / delete entries before this time (the retention period still applies), YYYY-MM-DD or RFC 3339")
	return c
}
