// Command mineplan runs the mineral resources plan information system.
//
// The command tree is built by newRootCommand; `mineplan help` lists
// every command, and `mineplan help COMMAND` or `mineplan COMMAND -h`
// prints one command's usage with its flags.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mineplan/internal/actor"
	"os"
	"os/signal"
	"os/user"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// usageError is printed with the failing command's usage and exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// run is main without the process: tests call it with their own output.
// The command tree is built afresh for every run, so runs share no state.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCommand(stdin, stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(actor.NewContext(ctx, operator()))
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		if cmd == nil {
			cmd = root
		}
		fmt.Fprintf(stderr, "mineplan: %v\n\n%s", err, cmd.UsageString())
		return 2
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		// A signal stopped the command; every write is in a transaction
		// that the cancellation rolled back.
		fmt.Fprintf(stderr, "mineplan: 已中止，未完成的写入已回滚 / interrupted: the unfinished write was rolled back (%v)\n", err)
		return 130
	default:
		fmt.Fprintf(stderr, "mineplan: %v\n", err)
		return 1
	}
}

// newRootCommand builds the whole command tree: the one table that
// parsing, help, usage errors and shell completion all come from.
func newRootCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "mineplan",
		Short: "矿产资源规划信息系统 / the mineral resources plan information system",
		Long: "矿产资源规划信息系统：规划数据、矿业权登记簿与规划符合性审查（喀什地区 2021–2025）\n" +
			"the mineral resources plan information system: the plan as data, the register of rights and the conformity review (Kashgar 2021–2025)",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{fmt.Sprintf("unknown command %q", args[0])}
			}
			return nil
		},
		RunE: func(*cobra.Command, []string) error {
			return usageError{"no command given"}
		},
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	// Before the completion command is made: it keeps the output it finds.
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err.Error()} })
	root.SetUsageFunc(writeUsage)
	root.AddCommand(
		serveCommand(),
		group("plan", "规划数据包：复核、专栏、版本与示意分区 / the plan bundle: checks, tables, revisions and illustrative zones",
			planCheckCommand(), planTablesCommand(), planLoadCommand(), planRevisionsCommand(), planExportCommand(), planZonesCommand()),
		migrateCommand(),
		copyCommand(),
		backupCommand(),
		restoreCommand(),
		group("layers", "图层：导入与列表 / layers: import and list", layersImportCommand(), layersListCommand()),
		group("coords", "坐标转换与面积 / coordinate conversion and areas", coordsConvertCommand(), coordsAreaCommand()),
		convertCommand(),
		reviewCommand(),
		group("demo", "示例数据 / illustrative data", demoLoadCommand()),
		group("rights", "矿业权登记簿 / the register of rights",
			rightsListCommand(), rightsShowCommand(false), rightsShowCommand(true), rightsImportCommand(), rightsExportCommand(), rightsAuditCommand()),
		group("bench", "用共享合成数据测速度 / benchmarks on the shared synthetic data", benchReviewCommand(), benchAuditCommand()),
		auditCommand(),
		configCommand(),
		group("users", "账户：新建、列表、停用、重置 / accounts: add, list, disable, reset",
			usersAddCommand(), usersListCommand(), usersDisableCommand(), usersResetPasswordCommand(), usersResetTOTPCommand()),
		group("tokens", "接口令牌：新建、列表、吊销 / API tokens: create, list, revoke", tokensCreateCommand(), tokensListCommand(), tokensRevokeCommand()),
	)
	root.SetHelpCommand(helpCommand())
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Short = "生成 shell 自动补全脚本 / generate the shell completion script"
			for _, sh := range c.Commands() {
				sh.Short = fmt.Sprintf("生成 %s 的自动补全脚本 / generate the completion script for %s", sh.Name(), sh.Name())
				if f := sh.Flags().Lookup("no-descriptions"); f != nil {
					f.Usage = "补全时不显示说明 / leave the descriptions out of completions"
				}
			}
		}
	}
	walk(root, func(c *cobra.Command) {
		c.Flags().BoolP("help", "h", false, "显示本命令的用法 / show this command's usage")
	})
	return root
}

// helpCommand is `mineplan help [COMMAND]`: cobra's, but an unknown
// command is a usage error rather than the top-level help.
func helpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND]",
		Short: "显示某个命令的用法 / show a command's usage",
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return usageError{fmt.Sprintf("unknown command %q", strings.Join(args, " "))}
			}
			return target.Help()
		},
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var out []cobra.Completion
			if target, _, err := c.Root().Find(args); err == nil {
				for _, sub := range target.Commands() {
					if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
						out = append(out, cobra.CompletionWithDesc(sub.Name(), sub.Short))
					}
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
	}
}

// group is a command that only holds subcommands; run on its own, or
// with an unknown subcommand, it is a usage error.
func group(name, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use:   name + " COMMAND",
		Short: short,
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{name + " needs a subcommand"}
			}
			return usageError{fmt.Sprintf("unknown %s subcommand %q", name, args[0])}
		},
	}
	c.AddCommand(subs...)
	return c
}

// walk calls f on c and every command below it.
func walk(c *cobra.Command, f func(*cobra.Command)) {
	f(c)
	for _, sub := range c.Commands() {
		walk(sub, f)
	}
}

// writeUsage prints a command's usage: for a command with subcommands,
// every command below it; then its flags.
func writeUsage(c *cobra.Command) error {
	w := c.OutOrStderr()
	fmt.Fprintln(w, "用法 / usage:")
	if c.HasAvailableSubCommands() {
		var lines [][2]string
		if c == c.Root() {
			lines = append(lines, [2]string{c.Name() + " help [COMMAND]", "显示某个命令的用法 / show a command's usage"})
		}
		walk(c, func(sub *cobra.Command) {
			if sub != c && sub.IsAvailableCommand() && !sub.HasAvailableSubCommands() {
				lines = append(lines, [2]string{strings.TrimSuffix(sub.UseLine(), " [flags]"), sub.Short})
			}
		})
		width := 0
		for _, l := range lines {
			width = max(width, displayWidth(l[0]))
		}
		for _, l := range lines {
			fmt.Fprintf(w, "  %s%s  %s\n", l[0], strings.Repeat(" ", width-displayWidth(l[0])), l[1])
		}
	} else {
		fmt.Fprintf(w, "  %s\n", c.UseLine())
	}
	if c.HasAvailableFlags() {
		fmt.Fprintf(w, "\n选项 / flags:\n%s", c.Flags().FlagUsages())
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(w, "\n命令的用法与选项 / a command's usage and flags: %s help COMMAND, or COMMAND -h\n", c.Root().Name())
	}
	return nil
}

// displayWidth is the width of s in a terminal: CJK characters take two
// columns.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x2E80 {
			n++
		}
	}
	return n
}

// dbCommand is a command whose only flag is --db; run is given the
// database it names, which a usage error ensures is not empty.
func dbCommand(use, short string, run func(ctx context.Context, dbArg string, stdout io.Writer) error) *cobra.Command {
	var dbArg string
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if dbArg == "" {
				return usageError{strings.TrimPrefix(c.CommandPath(), c.Root().Name()+" ") + " needs --db"}
			}
			return run(c.Context(), dbArg, c.OutOrStdout())
		},
	}
	dbFlag(c.Flags(), &dbArg)
	return c
}

// Shared flags: the same name and description wherever they appear.

func dbFlag(fs *pflag.FlagSet, v *string) {
	fs.StringVar(v, "db", "", "数据库：SQLite 文件路径或 postgres:// URL / database: SQLite file path or postgres:// URL")
}

func jsonFlag(fs *pflag.FlagSet, v *bool) {
	fs.BoolVar(v, "json", false, "输出 JSON / print JSON")
}

func bundleFlag(fs *pflag.FlagSet, v *string) {
	fs.StringVar(v, "bundle", "", "规划数据包目录（默认：内置喀什规划） / plan bundle directory (default: the embedded Kashgar plan)")
}

// outFlag is -o/--out on every command that writes a file.
func outFlag(fs *pflag.FlagSet, v *string, what string) {
	fs.StringVarP(v, "out", "o", "", what)
}

func encodingFlag(fs *pflag.FlagSet, v *string) {
	fs.StringVar(v, "encoding", "", "Shapefile .dbf 文本编码，优先于 .cpg：UTF-8、GBK 或 GB18030 / Shapefile .dbf text encoding, overriding the .cpg: UTF-8, GBK or GB18030")
}

// noArgs refuses positional arguments a command does not take.
func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Sprintf("%s takes no arguments, got %q", c.CommandPath(), strings.Join(args, " "))}
	}
	return nil
}

// operator is the person at the command line, as every write the command
// makes records it: the operating system's user name, or the numeric uid
// when the system has no name for it.
func operator() actor.Actor {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return actor.Actor{Kind: actor.Operator, Name: u.Username}
	}
	return actor.Actor{Kind: actor.Operator, Name: "uid " + strconv.Itoa(os.Getuid())}
}
