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
		Short: "在两个数据库之间完整复制（含历史），可续传 / copy everything, history included, between two databases; resumable",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runCopy(c.Context(), from, to, c.OutOrStdout())
		},
	}
	c.Flags().StringVar(&from, "from", "", "源数据库（SQLite 路径或 postgres:// URL） / source database (SQLite path or postgres:// URL)")
	c.Flags().StringVar(&to, "to", "", "目标数据库（会升级结构；SQLite 文件会新建） / target database (migrated; SQLite files are created)")
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
	fmt.Fprintf(stdout, "复制完成：新复制 %d 个版本、%d 个图层、%d 条矿业权事件，已有 %d 项跳过。\n共 %d 个规划、%d 个版本、%d 个文件、%d 个分区、%d 个图层、%d 个图层要素、%d 个矿业权、%d 条事件、%d 份审查报告。\n内容哈希 源 %s = 目标 %s\n",
		rep.Revisions, rep.Layers, rep.RightEvents, rep.Skipped, c.Plans, c.Revisions, c.Files, c.Zones, c.Layers, c.LayerFeatures, c.Rights, c.RightEvents, c.Reviews, rep.SourceHash, rep.TargetHash)
	return nil
}
