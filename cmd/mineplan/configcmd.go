package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"mineplan/internal/app"
)

// configCommand is `mineplan config`: the settings stored in the
// database (audit.hash sha256|sm3, audit.retention_days), each change
// audited.
func configCommand() *cobra.Command {
	return group("config", "数据库中的设置（审计哈希、保存期）/ the settings kept in the database (audit hash, retention)",
		configGetCommand(), configSetCommand())
}

func configGetCommand() *cobra.Command {
	var dbArg string
	c := &cobra.Command{
		Use:   "get KEY",
		Short: "打印一项设置（audit.hash、audit.retention_days）/ print a setting (audit.hash, audit.retention_days)",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{"config get needs one KEY"}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if dbArg == "" {
				return usageError{"config get needs --db"}
			}
			st, err := openStore(c.Context(), dbArg, false)
			if err != nil {
				return err
			}
			defer st.Close()
			v, err := st.Setting(c.Context(), args[0])
			if err != nil {
				return err
			}
			fmt.Fprintln(c.OutOrStdout(), v)
			return nil
		},
	}
	dbFlag(c.Flags(), &dbArg)
	return c
}

func configSetCommand() *cobra.Command {
	var dbArg string
	c := &cobra.Command{
		Use: "set KEY VALUE",
		Short: "修改一项设置并记入审计日志：audit.hash sha256|sm3，audit.retention_days（至少 180）/ " +
			"change a setting, recorded in the audit log: audit.hash sha256|sm3, audit.retention_days (at least 180)",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageError{"config set needs KEY and VALUE"}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if dbArg == "" {
				return usageError{"config set needs --db"}
			}
			st, err := openStore(c.Context(), dbArg, false)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := app.SetSetting(c.Context(), st, args[0], args[1]); err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "%s = %s\n", args[0], args[1])
			return nil
		},
	}
	dbFlag(c.Flags(), &dbArg)
	return c
}
