package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"mineplan/internal/app"
	"mineplan/internal/store"
	"mineplan/internal/store/sqlite"
)

func backupCommand() *cobra.Command {
	var db, out string
	c := &cobra.Command{
		Use:   "backup",
		Short: "在线备份：数据库某一时刻的一致快照，附带清单与哈希 / online backup: a consistent snapshot of the database, with a manifest and hashes",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if db == "" || out == "" {
				return usageError{"backup needs --db and --out"}
			}
			return runBackup(c.Context(), db, out, c.OutOrStdout())
		},
	}
	dbFlag(c.Flags(), &db)
	c.Flags().StringVarP(&out, "out", "o", "", "备份文件（不得已存在；写完后才以此名出现） / the backup file (must not exist; it appears under this name only when complete)")
	return c
}

func restoreCommand() *cobra.Command {
	var db string
	var force bool
	c := &cobra.Command{
		Use:   "restore FILE",
		Short: "从备份恢复到空数据库，并校验内容哈希与审计链 / restore a backup into an empty database, then verify its content hash and audit chain",
		RunE: func(c *cobra.Command, args []string) error {
			if db == "" || len(args) != 1 {
				return usageError{"restore needs --db and one FILE"}
			}
			return runRestore(c.Context(), args[0], db, force, c.OutOrStdout())
		},
	}
	dbFlag(c.Flags(), &db)
	c.Flags().BoolVar(&force, "force", false, "替换已有数据的 SQLite 文件（先停止服务）；PostgreSQL 不支持 / replace an SQLite file that holds data (stop the server first); refused on PostgreSQL")
	return c
}

// openSQLiteFile opens an SQLite file, creating and migrating it when new.
func openSQLiteFile(ctx context.Context, path string) (store.Store, error) {
	return openStore(ctx, path, true)
}

// openMember opens a backup's extracted database; one written by an
// older mineplan is migrated (it is a scratch copy), a newer one refused.
func openMember(ctx context.Context, path string) (store.Store, error) {
	st, err := sqlite.Open(path)
	if err != nil {
		return nil, err
	}
	err = st.CheckSchema(ctx)
	if errors.Is(err, store.ErrSchemaOutdated) {
		_, err = st.Migrate(ctx)
	}
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("备份中的数据库 / the backup's database: %w", err)
	}
	return st, nil
}

// version is this build's module version and VCS revision.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			v += " " + s.Value
		}
	}
	return v
}

func backendName(db string) string {
	if isPostgresURL(db) {
		return "postgresql"
	}
	return "sqlite"
}

func runBackup(ctx context.Context, db, out string, stdout io.Writer) error {
	st, err := openStore(ctx, db, false)
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := app.Backup(ctx, st, app.BackupSource{Backend: backendName(db), Source: redact(db), Version: version()}, out, openSQLiteFile, time.Now)
	if err != nil {
		return err
	}
	c := m.Counts
	fmt.Fprintf(stdout, "备份完成 / backup written: %s\n%d 个版本、%d 个图层、%d 个矿业权（%d 条事件）、%d 份审查报告、%d 项设置、%d 条审计记录（本次备份为第 %d 条）\n内容哈希 / content hash %s\n审计链头 / audit head %d %s\n",
		out, c.Revisions, c.Layers, c.Rights, c.RightEvents, c.Reviews, c.Settings, c.AuditEntries, m.BackupEntry, m.ContentHash, m.AuditHead.Seq, m.AuditHead.Hash)
	return nil
}

func runRestore(ctx context.Context, file, db string, force bool, stdout io.Writer) error {
	work, err := os.MkdirTemp("", "mineplan-restore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	m, memberPath, err := app.OpenBackup(file, work)
	if err != nil {
		return err
	}
	member, err := openMember(ctx, memberPath)
	if err != nil {
		return err
	}
	defer member.Close()
	var rep app.RestoreReport
	if isPostgresURL(db) {
		// Emptying a PostgreSQL database would mean deleting audit entries
		// inside their retention, which its triggers refuse by design:
		// restore into a new database or schema instead.
		if force {
			return fmt.Errorf("PostgreSQL 上不支持 --force：清空数据库需要删除保留期内的审计记录，触发器会拒绝；请恢复到新的数据库或 schema / --force is refused on PostgreSQL: emptying the database would delete audit entries inside their retention, which its triggers refuse; restore into a new database or schema")
		}
		target, err := openStore(ctx, db, false)
		if err != nil {
			return err
		}
		defer target.Close()
		if rep, err = app.RestoreBackup(ctx, m, member, target); err != nil {
			return fmt.Errorf("%s: %w", redact(db), err)
		}
	} else if rep, err = app.RestoreSQLiteFile(ctx, m, member, db, force, openSQLiteFile); err != nil {
		return err
	}
	c := rep.Counts
	fmt.Fprintf(stdout, "恢复完成 / restored into %s (备份于 / taken %s from %s %s)\n%d 个版本、%d 个图层、%d 个矿业权（%d 条事件）、%d 份审查报告、%d 项设置、%d 条审计记录\n内容哈希 / content hash: 清单 / manifest %s = 恢复后 / restored %s\n审计链校验通过 / audit verify: %d 条记录 / entries ok, head %d %s\n",
		redact(db), m.CreatedAt.Format(time.RFC3339), m.Backend, m.Source, c.Revisions, c.Layers, c.Rights, c.RightEvents, c.Reviews, c.Settings, c.AuditEntries,
		m.ContentHash, rep.TargetHash, rep.AuditEntries, m.AuditHead.Seq, m.AuditHead.Hash)
	return nil
}
