package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"mineplan/internal/app"
)

// benchCommand is a benchmark on the shared synthetic layers
// (../shared/bench/gen.py SCALE DIR); run measures and prints.
func benchCommand(name, short string, run func(w io.Writer, dataDir string, rounds int) error) *cobra.Command {
	var dataDir string
	var rounds int
	c := &cobra.Command{
		Use:   name,
		Short: short,
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if dataDir == "" {
				return usageError{"bench needs --data DIR"}
			}
			return run(c.OutOrStdout(), dataDir, rounds)
		},
	}
	c.Flags().StringVar(&dataDir, "data", "", "gen.py SCALE DIR 写出的目录 / directory written by gen.py SCALE DIR")
	c.Flags().IntVar(&rounds, "rounds", 3, "计时的轮数 / timed passes")
	return c
}

// benchReviewCommand reviews every application against every layer.
func benchReviewCommand() *cobra.Command {
	return benchCommand("review", "用共享合成数据测审查的速度 / time the review on the shared synthetic data", func(w io.Writer, dataDir string, rounds int) error {
		b, err := app.BenchReview(dataDir, rounds)
		if err != nil {
			return err
		}
		for _, l := range b.Layers {
			fmt.Fprintf(w, "%s: %d features\n", l.Layer, l.N)
		}
		fmt.Fprintf(w, "read in %s\n", b.Read.Round(time.Millisecond))
		apps := float64(b.Applications)
		var perLayer []string
		for _, l := range b.PerLayer {
			perLayer = append(perLayer, fmt.Sprintf("%s %.2f", l.Layer, float64(l.N)/apps))
		}
		fmt.Fprintf(w, "applications: %d × %d rounds; overlaps found per application: %.2f (%s); total overlap %.3f km² (overlaps under 1 m² not counted)\nreview per application: median %s, p95 %s, p99 %s\n%s\n",
			b.Applications, b.Rounds, float64(b.Hits)/apps, strings.Join(perLayer, ", "), b.TotalM2/1e6, b.Median, b.P95, b.P99, app.Memory())
		return nil
	})
}

// benchAuditCommand finds every overlapping pair of the rights layer.
func benchAuditCommand() *cobra.Command {
	return benchCommand("audit", "用共享合成数据测重叠核查的速度 / time the overlap audit on the shared synthetic data", func(w io.Writer, dataDir string, rounds int) error {
		b, err := app.BenchAudit(dataDir, rounds)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "rights: %d (read in %s)\noverlapping pairs: %d, total overlap %.3f km²; pairs that only touch: %d (not counted above)\naudit: best of %d runs %s\n%s\n",
			b.Rights, b.Read.Round(time.Millisecond), len(b.Result.Overlapping), b.Result.TotalM2/1e6, b.Result.Touching, rounds, b.Best.Round(time.Microsecond), app.Memory())
		return nil
	})
}

func rightsAuditCommand() *cobra.Command {
	var dbArg string
	var asJSON bool
	c := &cobra.Command{
		Use:   "audit-overlaps",
		Short: "登记簿中相互重叠的有效矿业权 / the live rights of the register that overlap each other",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runRightsAudit(c.Context(), dbArg, asJSON, c.OutOrStdout())
		},
	}
	dbFlag(c.Flags(), &dbArg)
	jsonFlag(c.Flags(), &asJSON)
	return c
}

func runRightsAudit(ctx context.Context, dbArg string, asJSON bool, stdout io.Writer) error {
	if dbArg == "" {
		return usageError{"rights audit-overlaps needs --db"}
	}
	st, err := openStore(ctx, dbArg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	audit, err := app.AuditRegister(ctx, st)
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(stdout).Encode(audit)
	}
	for _, p := range audit.Overlapping {
		fmt.Fprintf(stdout, "%s 与 %s 重叠 %.2f 平方米\n", p.A, p.B, p.AreaM2)
	}
	fmt.Fprintf(stdout, "有效矿业权 %d 个；重叠 %d 对；仅边界相接 %d 对（不计入重叠）\n", audit.LiveRights, len(audit.Overlapping), audit.TouchingPairs)
	return nil
}
