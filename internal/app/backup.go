package app

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/store"
)

// The backup file (docs/operations.md): a zip archive of two members, the
// snapshot as a mineplan SQLite database and a manifest that describes it.
const (
	BackupFormat   = 1
	BackupManifest = "manifest.json"
	BackupDatabase = "mineplan.db"
)

// Manifest describes a backup: what it holds, where from and when, and
// the hashes that prove it.
type Manifest struct {
	Format int `json:"format"`
	// Version is the mineplan build that wrote it; Schema the database
	// schema version of the member.
	Version string `json:"mineplan_version"`
	Schema  int    `json:"schema_version"`
	// Backend is "sqlite" or "postgresql"; Source the database, with any
	// password in its URL redacted.
	Backend   string    `json:"source_backend"`
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at"`
	Counts    Counts    `json:"counts"`
	// ContentHash is ContentHash of the snapshot (and of the member, and
	// of any database it is restored into).
	ContentHash string `json:"content_hash"`
	// AuditHead and AuditStart are the log's head and start in the
	// snapshot; BackupEntry is the seq of the entry recording this backup.
	AuditHead   Anchor         `json:"audit_head"`
	AuditStart  Anchor         `json:"audit_start"`
	BackupEntry int64          `json:"backup_entry"`
	Members     []BackupMember `json:"members"`
}

// Anchor is a point of the audit chain: an entry's seq and hash.
type Anchor struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// BackupMember is one file of the archive besides the manifest.
type BackupMember struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// SQLiteOpener opens an SQLite database file, creating and migrating it
// when it is new or empty. app does not import the backends; the command
// line passes this in.
type SQLiteOpener func(ctx context.Context, path string) (store.Store, error)

// BackupSource says what is being backed up, for the manifest.
type BackupSource struct {
	Backend, Source, Version string
}

// ErrBackupExists refuses to overwrite a backup file.
var ErrBackupExists = errors.New("备份文件已存在 / the backup file exists already")

// Backup writes a backup of src to out while src keeps serving and
// writing. First the backup is recorded in src's audit log (action
// system.backup), so the backup holds its own entry and the restored log
// says who took it; then src is read at one point in time (Snapshot) into
// a new SQLite database whose content hash must equal the snapshot's. The
// archive is written under a temporary name in out's directory, synced
// and renamed to out only when complete: a killed backup leaves no
// truncated out (at most a temporary file, out.tmp-…, and a work
// directory, .mineplan-backup-…, beside it). The source must be writable
// (its primary, not a read-only replica), since the backup is recorded
// in its log.
func Backup(ctx context.Context, src store.Store, info BackupSource, out string, openSQLite SQLiteOpener, now func() time.Time) (Manifest, error) {
	m := Manifest{Format: BackupFormat, Version: info.Version, Backend: info.Backend, Source: info.Source}
	a, err := actor.From(ctx)
	if err != nil {
		return m, err
	}
	if _, err := os.Lstat(out); err == nil {
		return m, fmt.Errorf("%s: %w", out, ErrBackupExists)
	}
	dir := filepath.Dir(out)
	work, err := os.MkdirTemp(dir, ".mineplan-backup-")
	if err != nil {
		return m, fmt.Errorf("备份临时目录 / backup work directory: %w", err)
	}
	defer os.RemoveAll(work)
	entry, err := RecordBackup(ctx, src, a, "backup")
	if err != nil {
		return m, err
	}
	m.BackupEntry = entry.Seq
	dbPath := filepath.Join(work, BackupDatabase)
	err = src.Snapshot(ctx, func(r store.Reader) error {
		m.CreatedAt = store.StoredTime(now())
		var err error
		if m.ContentHash, m.Counts, err = ContentHash(ctx, r); err != nil {
			return err
		}
		head, start, err := r.AuditHead(ctx)
		if err != nil {
			return err
		}
		m.AuditHead, m.AuditStart = Anchor(head), Anchor(start)
		return writeMember(ctx, r, dbPath, openSQLite, &m)
	})
	if err != nil {
		return m, err
	}
	if err := writeArchive(out, dbPath, &m); err != nil {
		return m, err
	}
	return m, nil
}

// writeMember restores r into a new SQLite database at path and checks it.
func writeMember(ctx context.Context, r store.Reader, path string, openSQLite SQLiteOpener, m *Manifest) error {
	member, err := openSQLite(ctx, path)
	if err != nil {
		return err
	}
	defer member.Close()
	if err := member.Restore(ctx, func(tx store.RestoreTx) error {
		_, err := store.RestoreAll(ctx, r, tx, nil)
		return err
	}); err != nil {
		return fmt.Errorf("备份快照写入 / writing the snapshot: %w", err)
	}
	h, c, err := ContentHash(ctx, member)
	if err != nil {
		return err
	}
	if h != m.ContentHash || c != m.Counts {
		return fmt.Errorf("备份校验失败 / the backup's database differs from the snapshot: %s %+v, snapshot %s %+v", h[:12], c, m.ContentHash[:12], m.Counts)
	}
	if m.Schema, err = member.SchemaVersion(ctx); err != nil {
		return err
	}
	// Closing the last connection checkpoints the WAL into the file.
	if err := member.Close(); err != nil {
		return err
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		return fmt.Errorf("%s: the SQLite log was not checkpointed on close", path)
	}
	return nil
}

// writeArchive writes the zip to a temporary file next to out, then
// renames it to out.
func writeArchive(out, dbPath string, m *Manifest) (err error) {
	sum, size, err := fileSHA256(dbPath)
	if err != nil {
		return err
	}
	m.Members = []BackupMember{{Name: BackupDatabase, Size: size, SHA256: sum}}
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(out), filepath.Base(out)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	zw := zip.NewWriter(f)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: BackupManifest, Method: zip.Deflate, Modified: m.CreatedAt})
	if err != nil {
		return err
	}
	if _, err := w.Write(append(manifest, '\n')); err != nil {
		return err
	}
	w, err = zw.CreateHeader(&zip.FileHeader{Name: BackupDatabase, Method: zip.Deflate, Modified: m.CreatedAt})
	if err != nil {
		return err
	}
	db, err := os.Open(dbPath)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, db)
	db.Close()
	if err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		return err
	}
	return syncDir(filepath.Dir(out))
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func fileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// BackupFault is a backup file that cannot be restored: which member (or
// the archive itself) and why.
type BackupFault struct {
	Path, Member, Reason, ZH string
}

func (e *BackupFault) Error() string {
	where := e.Path
	if e.Member != "" {
		where += " 成员 / member " + e.Member
	}
	return fmt.Sprintf("备份文件 %s：%s / backup %s: %s", where, e.ZH, where, e.Reason)
}

// OpenBackup checks a backup file before anything is restored from it:
// that it is a complete archive, that its manifest is of a known format,
// that it holds exactly the members the manifest lists and that each has
// the listed size and SHA-256. The database member is extracted into dir;
// its path is returned.
func OpenBackup(path, dir string) (Manifest, string, error) {
	var m Manifest
	fault := func(member, reason, zh string) error { return &BackupFault{path, member, reason, zh} }
	zr, err := zip.OpenReader(path)
	if err != nil {
		return m, "", fault("", "not a complete backup archive (truncated or damaged): "+err.Error(), "不是完整的备份归档（被截断或已损坏）")
	}
	defer zr.Close()
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if _, dup := files[f.Name]; dup {
			return m, "", fault(f.Name, "appears twice", "重复出现")
		}
		files[f.Name] = f
	}
	mf, ok := files[BackupManifest]
	if !ok {
		return m, "", fault(BackupManifest, "missing", "缺失")
	}
	rc, err := mf.Open()
	if err != nil {
		return m, "", fault(BackupManifest, err.Error(), "无法读取")
	}
	raw, err := io.ReadAll(io.LimitReader(rc, 1<<20))
	rc.Close()
	if err != nil {
		return m, "", fault(BackupManifest, "damaged: "+err.Error(), "已损坏")
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, "", fault(BackupManifest, "not valid JSON: "+err.Error(), "不是有效的 JSON")
	}
	if m.Format != BackupFormat {
		return m, "", fault(BackupManifest, fmt.Sprintf("format %d, this program reads format %d", m.Format, BackupFormat), fmt.Sprintf("格式版本 %d，本程序只读第 %d 版", m.Format, BackupFormat))
	}
	if len(m.Members) != 1 || m.Members[0].Name != BackupDatabase {
		return m, "", fault(BackupManifest, "lists other members than "+BackupDatabase, "所列成员不是 "+BackupDatabase)
	}
	if len(files) != 2 {
		for name := range files {
			if name != BackupManifest && name != BackupDatabase {
				return m, "", fault(name, "is not listed in the manifest", "未列在清单中")
			}
		}
		return m, "", fault(BackupDatabase, "missing", "缺失")
	}
	want := m.Members[0]
	f, ok := files[want.Name]
	if !ok {
		return m, "", fault(want.Name, "missing", "缺失")
	}
	out := filepath.Join(dir, BackupDatabase)
	if err := extract(f, out, want); err != nil {
		return m, "", fault(want.Name, err.Error(), "与清单不符或已损坏")
	}
	return m, out, nil
}

// extract writes a member to path, checking its size and SHA-256 (zip's
// own CRC is checked by the reader too).
func extract(f *zip.File, path string, want BackupMember) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	w, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	h := sha256.New()
	// One byte more than listed, so a longer member is noticed without
	// reading an unbounded stream.
	n, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(rc, want.Size+1))
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("damaged: %w", err)
	}
	if n != want.Size {
		return fmt.Errorf("size %d, the manifest says %d", n, want.Size)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want.SHA256 {
		return fmt.Errorf("SHA-256 %s, the manifest says %s", got, want.SHA256)
	}
	return nil
}

// RestoreReport proves a restore: the target's content hash (equal to the
// manifest's) and how many audit entries verified.
type RestoreReport struct {
	Manifest     Manifest
	TargetHash   string
	Counts       Counts
	AuditEntries int64
}

// RestoreBackup restores a checked backup's database (member, from
// OpenBackup) into target, which must be empty, verbatim and in one
// transaction; then it requires the target's content hash to equal the
// manifest's and its audit log to verify. The restore itself is not
// appended to the restored log, which stays the source's as it was.
func RestoreBackup(ctx context.Context, m Manifest, member, target store.Store) (RestoreReport, error) {
	rep := RestoreReport{Manifest: m}
	if _, err := actor.From(ctx); err != nil {
		return rep, err
	}
	h, _, err := ContentHash(ctx, member)
	if err != nil {
		return rep, err
	}
	if h != m.ContentHash {
		return rep, fmt.Errorf("备份数据库的内容哈希 %s 与清单的 %s 不符 / the backup's database hashes to %s, its manifest says %s", h, m.ContentHash, h, m.ContentHash)
	}
	if err := target.Restore(ctx, func(tx store.RestoreTx) error {
		_, err := store.RestoreAll(ctx, member, tx, nil)
		return err
	}); err != nil {
		return rep, err
	}
	return rep, VerifyRestored(ctx, m, target, &rep)
}

// VerifyRestored checks a restored target against its manifest.
func VerifyRestored(ctx context.Context, m Manifest, target store.Reader, rep *RestoreReport) error {
	var err error
	if rep.TargetHash, rep.Counts, err = ContentHash(ctx, target); err != nil {
		return err
	}
	if rep.TargetHash != m.ContentHash || rep.Counts != m.Counts {
		return fmt.Errorf("恢复校验失败 / restore verification failed: the target hashes to %s %+v, the manifest says %s %+v", rep.TargetHash, rep.Counts, m.ContentHash, m.Counts)
	}
	v, err := VerifyAudit(ctx, target, "")
	if err != nil {
		return fmt.Errorf("恢复后审计日志校验失败 / the restored audit log does not verify: %w", err)
	}
	rep.AuditEntries = v.Checked
	return nil
}

// RestoreSQLiteFile restores a checked backup into the SQLite file at
// path. The restore is written to a new file beside it and verified
// there; only then is it renamed over path, so the target is either the
// old file or the complete restore. A path that holds data is refused
// without force; with force it is replaced. Servers using path must be
// stopped first: they would keep reading the replaced file.
func RestoreSQLiteFile(ctx context.Context, m Manifest, member store.Store, path string, force bool, openSQLite SQLiteOpener) (rep RestoreReport, err error) {
	if _, err := actor.From(ctx); err != nil {
		return rep, err
	}
	if _, serr := os.Stat(path); serr == nil {
		old, err := openSQLite(ctx, path)
		if err != nil {
			return rep, err
		}
		err = old.Empty(ctx)
		cerr := old.Close()
		switch {
		case errors.Is(err, store.ErrNotEmpty) && !force:
			return rep, fmt.Errorf("%s: %w（用 --force 替换 / --force replaces it）", path, err)
		case err != nil && !errors.Is(err, store.ErrNotEmpty):
			return rep, err
		case cerr != nil:
			return rep, cerr
		}
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".restore-*")
	if err != nil {
		return rep, err
	}
	tmp := f.Name()
	f.Close()
	defer func() {
		if err != nil {
			for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
				os.Remove(p)
			}
		}
	}()
	st, err := openSQLite(ctx, tmp)
	if err != nil {
		return rep, err
	}
	rep, err = RestoreBackup(ctx, m, member, st)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return rep, err
	}
	if _, err := os.Stat(tmp + "-wal"); err == nil {
		return rep, fmt.Errorf("%s: the SQLite log was not checkpointed on close", tmp)
	}
	// A log left beside the old file would be replayed into the new one.
	for _, p := range []string{path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return rep, err
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return rep, err
	}
	return rep, syncDir(filepath.Dir(path))
}
