// Command mineplan runs the mineral resources plan information system.
//
//	mineplan serve [--addr :8080] [--db PATH] [--bundle DIR]
//	mineplan plan check [--bundle DIR] [--json]
//	mineplan plan tables [专栏N] [--bundle DIR] [--json]
//	mineplan plan load --db PATH [--bundle DIR]
//	mineplan plan revisions --db PATH [--json]
//	mineplan plan export --db PATH --revision N --out DIR
//	mineplan plan zones [--bundle DIR] [--write]
//	mineplan migrate --db PATH|URL
//	mineplan copy --from DB --to DB
//	mineplan layers import --db DB [--name NAME] [KIND] FILE
//	mineplan layers list --db DB
//	mineplan coords convert --from EPSG:A --to EPSG:B
//	mineplan coords area [--json] FILE
//	mineplan convert IN OUT
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// usageError is printed with the usage text and exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `用法 / usage:
  mineplan serve [--addr :8080] [--db PATH] [--bundle DIR]   运行服务（默认嵌入式 SQLite，载入喀什规划）
  mineplan plan check [--bundle DIR] [--json]                复核规划数据包的合计与前后数字
  mineplan plan tables [专栏N] [--bundle DIR] [--json]        列出转录的专栏表格
  mineplan plan load --db PATH [--bundle DIR]                把数据包存为新的规划版本
  mineplan plan revisions --db PATH [--json]                 列出已存的规划版本
  mineplan plan export --db PATH --revision N --out DIR      把某一版本的数据包原样导出
  mineplan plan zones [--bundle DIR] [--write]               生成示意分区与规划区块 zones.geojson、blocks.geojson
  mineplan migrate --db PATH|URL                             升级数据库结构
  mineplan copy --from DB --to DB                            在两个数据库之间完整复制（含历史），可续传
  mineplan layers import --db DB [--name NAME] [KIND] FILE    导入图层（KIND: protected_area 自然保护地、red_line 生态保护红线、other）
  mineplan layers list --db DB                               列出已导入的图层
  mineplan coords convert --from EPSG:A --to EPSG:B          坐标转换（标准输入，每行一点，经度在前 / 东坐标在前）
  mineplan coords area [--json] FILE                         椭球面积与所在 3 度带高斯投影面积
  mineplan convert IN OUT                                    按扩展名转换格式（.geojson .shp .zip .gpkg .txt）
  mineplan review FILE [--json] [--db DB] [--kind … --mineral … --scale … 用于拐点坐标 .txt]  规划符合性审查
  mineplan demo load --db DB                                 载入示例矿业权登记簿（示意数据）
  mineplan rights list --db DB [--kind] [--status] [--county] [--mineral] [--as-of 日期] [--json]
  mineplan rights show|history --db DB 许可证号                 查看矿业权及其历史
  mineplan rights import --db DB FILE [--dry-run]             导入（XLSX、Shapefile、GeoPackage、GeoJSON），全部成功或全部不导入
  mineplan rights export --db DB --format xlsx|shp|gpkg|geojson -o PATH
  mineplan rights audit-overlaps --db DB [--json]            登记簿中相互重叠的有效矿业权
  mineplan bench review|audit --data DIR                     用共享合成数据测审查与重叠核查的速度
`

// run is main without the process: tests call it with their own output.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, stdin, stdout, stderr)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "mineplan: %v\n\n%s", err, usage)
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

func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"no command given"}
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, args[1:], stdout)
	case "copy":
		return cmdCopy(ctx, args[1:], stdout)
	case "coords":
		if len(args) < 2 {
			return usageError{"coords needs a subcommand"}
		}
		switch args[1] {
		case "convert":
			return cmdCoordsConvert(ctx, args[2:], stdin, stdout, stderr)
		case "area":
			return cmdCoordsArea(ctx, args[2:], stdout)
		}
		return usageError{fmt.Sprintf("unknown coords subcommand %q", args[1])}
	case "convert":
		return cmdConvert(ctx, args[1:], stdout)
	case "review":
		return cmdReview(ctx, args[1:], stdout)
	case "bench":
		return cmdBench(args[1:], stdout)
	case "demo":
		if len(args) < 2 || args[1] != "load" {
			return usageError{"demo needs the subcommand load"}
		}
		return cmdDemoLoad(ctx, args[2:], stdout)
	case "rights":
		if len(args) < 2 {
			return usageError{"rights needs a subcommand"}
		}
		switch args[1] {
		case "list":
			return cmdRightsList(ctx, args[2:], stdout)
		case "show":
			return cmdRightsShow(ctx, args[2:], stdout, false)
		case "history":
			return cmdRightsShow(ctx, args[2:], stdout, true)
		case "import":
			return cmdRightsImport(ctx, args[2:], stdout, stderr)
		case "export":
			return cmdRightsExport(ctx, args[2:], stdout)
		case "audit-overlaps":
			return cmdRightsAudit(ctx, args[2:], stdout)
		}
		return usageError{fmt.Sprintf("unknown rights subcommand %q", args[1])}
	case "layers":
		if len(args) < 2 {
			return usageError{"layers needs a subcommand"}
		}
		switch args[1] {
		case "import":
			return cmdLayersImport(ctx, args[2:], stdout)
		case "list":
			return cmdLayersList(ctx, args[2:], stdout)
		}
		return usageError{fmt.Sprintf("unknown layers subcommand %q", args[1])}
	case "plan":
		if len(args) < 2 {
			return usageError{"plan needs a subcommand"}
		}
		switch args[1] {
		case "check":
			return cmdPlanCheck(args[2:], stdout)
		case "tables":
			return cmdPlanTables(args[2:], stdout)
		case "load":
			return cmdPlanLoad(ctx, args[2:], stdout)
		case "revisions":
			return cmdPlanRevisions(ctx, args[2:], stdout)
		case "export":
			return cmdPlanExport(ctx, args[2:], stdout)
		case "zones":
			return cmdPlanZones(args[2:], stdout)
		}
		return usageError{fmt.Sprintf("unknown plan subcommand %q", args[1])}
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}
