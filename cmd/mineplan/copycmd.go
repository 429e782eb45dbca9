package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"mineplan/internal/app"
)

func copyCommand() *cobra.Command {
	var from, to string
	c := &cobra.Command{
		Use:   "copy",
		Short: "把一个数据库原样完整复制到空数据库（含历史与审计日志） / copy everything verbatim, history and audit log included, into an empty database",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runCopy(c.Context(), from, to, c.OutOrStdout())
		},
	}
	c.Flags().StringVar(&from, "from", "", "源数据库（SQLite 路径或 postgres:// URL） / source database (SQLite path or postgres:// URL)")
	c.Flags().StringVar(&to, "to", "", "目标数据库，必须为空（SQLite 文件会新建并升级结构；PostgreSQL 先运行 migrate） / target database, which must be empty (SQLite files are created and migrated; run migrate on PostgreSQL first)")
	return c
}

func runCopy(ctx context.Context, from, to string, stdout io.Writer) error {
	if from == "" || to == "" {
		return usageError{"copy needs --from and --to"}
	}
	src, err := openStore(ctx, from, false)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := openStore(ctx, to, true)
	if err != nil {
		return err
	}
	defer dst.Close()
	rep, err := app.Copy(ctx, src, dst, stdout)
	if err != nil {
		return err
	}
	c := rep.Counts
	fmt.Fprintf(stdout, "复制完成：共 %d 个规划、%d 个版本、%d 个文件、%d 个分区、%d 个图层、%d 个图层要素、%d 个矿业权、%d 条事件、%d 份审查报告、%d 项设置、%d 条审计记录（含本次复制的第 %d 条）。\n内容哈希 源 %s = 目标 %s\n",
		c.Plans, c.Revisions, c.Files, c.Zones, c.Layers, c.LayerFeatures, c.Rights, c.RightEvents, c.Reviews, c.Settings, c.AuditEntries, rep.Entry.Seq, rep.SourceHash, rep.TargetHash)
	return nil
}
