// Package shapefile reads and writes ESRI Shapefiles of polygons in pure Go
// (no GDAL, no cgo), converting to and from formats.Layer.
//
// The sections below are written to be pasted into docs/formats.md (strip
// the leading "// "; the headings become Markdown headings — demote them
// one level under an "ESRI Shapefile" heading).
//
// # Shapefile API
//
// Package internal/formats/shapefile: Read(Files), ReadDir(path to
// .shp or a folder with one .shp), ReadZip(upload, size, ZipLimits);
// ReadWith, ReadDirWith and ReadZipWith take ReadOptions{Encoding} as
// well (CheckEncoding validates a name early, EncodingNames lists them);
// Write(dir, name, layer, WriteOptions), WriteWithReport (same, returning
// the final field names and truncation warnings), Encode (in memory).
//
// # Shapefile: what is read
//
//   - Geometry: shape types Polygon (5), PolygonZ (15) and PolygonM (25);
//     Z and M values are ignored. Every record must have a geometry: a Null
//     shape is an error. Rings must be closed, have at least 4 points,
//     finite coordinates and non-zero area. Clockwise rings are shells;
//     counter-clockwise rings are holes, each assigned to the smallest
//     shell containing it (point in polygon); a hole inside no shell is an
//     error. A record with no clockwise ring at all (a writer that ignored
//     the orientation rule) is assembled by nesting instead — even depth
//     shell, odd depth hole — with a warning. Coordinates and ring
//     orientation are returned exactly as stored. Telling shells from holes
//     is bounded to 10⁹ bounding-box and edge tests per file (a second or
//     two): beyond it — thousands of holes in a shell of a million points,
//     or a crafted record of a million rings — the file is refused.
//   - The .shp is walked record by record; the .shx is only checked (a
//     missing or inconsistent index is a warning). The .shp and .dbf must
//     have the same number of records. Records marked deleted in the .dbf
//     are skipped with a warning.
//   - Attributes (.dbf, dBASE III/IV or FoxPro): C → String; N with no
//     decimals whose every value fits int64 → Integer, other N and F →
//     Real; L → Bool (T/t/Y/y, F/f/N/n; blank or ? is nil); D → String
//     "YYYY-MM-DD"; other types are read as String with a warning. Blank
//     cells are nil (so an empty string reads back as nil), and so are
//     numbers written as "****" (GDAL's null); trailing spaces of text are
//     dropped. A cell that cannot be parsed (a bad number or date) is nil
//     with a warning.
//   - Text encoding (field names and text values): ReadOptions.Encoding
//     (the --encoding option: UTF-8, GBK or GB18030) takes precedence;
//     else the .cpg decides (case-insensitive: UTF-8, UTF8, 65001; GBK,
//     GB2312, 936, CP936; GB18030); else the dBASE language driver byte
//     0x4D or 0x7A means GBK (code page 936); else the text is UTF-8 if
//     every byte sequence is valid UTF-8, otherwise GBK, with a warning.
//     Text that does not decode cleanly is refused, never replaced with
//     U+FFFD, naming the record and field and suggesting the encoding the
//     bytes decode in; so is a file declared GBK or GB18030 (by the .cpg
//     or the driver byte) whose every non-ASCII text is valid UTF-8. With
//     the option, invalid sequences are still refused.
//   - CRS: from the .prj with geo.CRSFromWKT (OGC or ESRI WKT of CGCS2000
//     geographic 4490, WGS 84 4326, or a CGCS2000 3° Gauss–Krüger zone
//     4513–4554). No .prj: SRID 0 and a warning. A .prj naming any other
//     CRS is an error.
//   - Zip uploads: the archive must hold exactly one .shp (or the caller
//     names one in ZipLimits.Shp); the error lists them otherwise. The
//     sibling files are found in the same folder with the same base name.
//     Limits: at most 1000 entries and 512 MiB uncompressed in total (both
//     configurable; the defaults are ziplimit's, shared with the XLSX
//     register), checked on the declared sizes and again while
//     inflating. An entry with an absolute path, a drive letter, a ".."
//     component (with / or \ as separator) or a NUL byte makes the whole
//     archive refused. macOS metadata (__MACOSX/, ._*) is ignored. Nothing
//     is extracted to disk.
//
// # Shapefile: what is written
//
//   - name.shp and name.shx with shape type Polygon (5): each feature is
//     one record holding every ring of its MultiPolygon; outer rings are
//     written clockwise and holes counter-clockwise as the specification
//     requires, by reversing a ring's point order where needed —
//     coordinates are never otherwise changed. Rings must be closed, have
//     at least 4 points, finite coordinates and non-zero area; the writer
//     does not repair.
//   - name.dbf, dBASE III: String → C, Integer → N (no decimals), Real → N,
//     Bool → L (T/F); nil → blank. Text is at most 254 bytes: a longer
//     value is cut at a character boundary (never inside a multi-byte
//     character) and reported as a warning in WriteReport. Reals are
//     written as their shortest round-trip decimal, padded with zeros to
//     the column's decimals (at least 1, so the column reads back Real);
//     width ≤ 24 and decimals ≤ 15. A value that cannot be stored exactly
//     within those limits (e.g. 0.1+0.2 = 0.30000000000000004 needs 17
//     decimals, 1e30 needs 31 digits), NaN or ±Inf is an error naming the
//     field and the feature. Field names are at most 10 bytes in the chosen
//     encoding: a longer name is cut at a character boundary; a name that
//     then collides (case-insensitively) with an earlier one is cut further
//     and suffixed _1, _2, … WriteReport.FieldNames gives the final names.
//     Width and Decimals of formats.Field are used as minimums when they
//     fit the limits. A layer without fields gets an FID column (N, the
//     feature's index from 0), as GDAL does, because ArcGIS rejects a .dbf
//     without fields; it reads back as an Integer field "FID".
//   - name.cpg: "UTF-8" (default) or "GBK" (WriteOptions.Encoding); for GBK
//     the .dbf language driver byte is also set to 0x4D. Text GBK cannot
//     encode is an error.
//   - name.prj: geo.LookupCRS(layer.SRID).WKT(). SRID 0 writes no .prj
//     (removing a stale one); an unsupported SRID is an error.
//   - Size limits: 2 GiB per .shp and per .dbf, 65535-byte dBASE records.
//
// # Shapefile: errors
//
// Malformed input gives an error, never a panic, and no allocation is made
// from a length or count before it is checked against the bytes actually
// present (a header claiming 100 MB in a 1 KB file, a part count of 2³¹).
// Messages are Chinese and English in one string and name the record (and
// part, both 1-based) at fault, e.g.
//
//	第 3 条记录第 1 部分：环未闭合（…）/ record 3 part 1: ring not closed (…)
//	第 2 条记录：空几何（Null shape），每个要素都必须有几何 / record 2: null shape: every feature must have a geometry
//	.shp 文件头声明长度为 104857600 字节，但文件只有 1024 字节（…）/ .shp header declares 104857600 bytes but the file has 1024 (…)
//	压缩包条目 "../evil.shp" 的路径不安全（".." component），拒绝读取 / zip entry "../evil.shp" has an unsafe path (".." component); refused
//
// Warnings (type Warning: record, field, message) report what was accepted
// but should be known; at most MaxWarnings are returned, then a count of
// the rest.
package shapefile
