package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"mineplan/internal/app"
)

func cmdCopy(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("copy", flag.ContinueOnError)
	from := fs.String("from", "", "source database (SQLite path or postgres:// URL)")
	to := fs.String("to", "", "target database (migrated; SQLite files are created)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return usageError{"copy needs --from and --to"}
	}
	src, err := openStore(ctx, *from, false)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := openStore(ctx, *to, true)
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
