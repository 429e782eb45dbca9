// Package fileio reads and writes layers by file extension: .geojson and
// .json, GeoJSON lines (.geojsonl, .geojsons, .jsonl, .ndjson; read only),
// .shp (with its side files) and .zip (a zipped Shapefile), .gpkg, and
// .txt (corner-point text, one parcel).
package fileio

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"mineplan/internal/formats"
	"mineplan/internal/formats/cornerpoints"
	"mineplan/internal/formats/geojson"
	"mineplan/internal/formats/gpkg"
	"mineplan/internal/formats/shapefile"
	"mineplan/internal/geo"
)

// ReadOptions are the reader's choices that a file cannot always make
// for itself.
type ReadOptions struct {
	// Encoding of a Shapefile's .dbf text (UTF-8, GBK, GB18030; see
	// shapefile.EncodingNames), overriding its .cpg and language driver
	// byte. Other formats have a fixed or detected encoding and ignore it
	// with a warning. Empty: no override.
	Encoding string
}

// Read reads a file into a layer; warnings are messages to show the user.
// A GeoPackage with several layers gives its first.
func Read(path string) (*formats.Layer, []string, error) {
	return ReadWith(path, ReadOptions{})
}

// ReadWith is Read with read options. An encoding name that is not
// accepted is refused, listing the accepted names, whatever the format.
func ReadWith(path string, opt ReadOptions) (*formats.Layer, []string, error) {
	if err := shapefile.CheckEncoding(opt.Encoding); err != nil {
		return nil, nil, err
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	ext := strings.ToLower(filepath.Ext(path))
	var ws []string
	if strings.TrimSpace(opt.Encoding) != "" && ext != ".shp" && ext != ".zip" {
		ws = append(ws, fmt.Sprintf("编码选项 %s 只用于 Shapefile 的 .dbf，此文件类型（%s）不用它 / the encoding option %s applies to a Shapefile's .dbf only; not used for %s", opt.Encoding, ext, opt.Encoding, ext))
	}
	l, more, err := read(path, name, ext, opt)
	if err == nil {
		// Every reader's geometry meets the one validator here, so every
		// command that reads a file judges it alike.
		err = l.ValidateGeometry()
	}
	if err != nil {
		return nil, append(ws, more...), err
	}
	return l, append(ws, more...), nil
}

func read(path, name, ext string, opt ReadOptions) (*formats.Layer, []string, error) {
	switch ext {
	case ".geojson", ".json":
		f, err := open(path)
		if err != nil {
			return nil, nil, err
		}
		defer f.Close()
		l, err := geojson.ReadLayer(f, name)
		return l, nil, err
	case ".geojsonl", ".geojsons", ".jsonl", ".ndjson":
		f, err := open(path)
		if err != nil {
			return nil, nil, err
		}
		defer f.Close()
		l, err := geojson.ReadLayerLines(f, name)
		return l, nil, err
	case ".shp":
		l, ws, err := shapefile.ReadDirWith(path, shapefile.ReadOptions{Encoding: opt.Encoding})
		return l, shapeWarnings(ws), err
	case ".zip":
		f, err := open(path)
		if err != nil {
			return nil, nil, err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return nil, nil, fileError(path, err)
		}
		l, ws, err := shapefile.ReadZipWith(f, st.Size(), shapefile.ZipLimits{}, shapefile.ReadOptions{Encoding: opt.Encoding})
		return l, shapeWarnings(ws), err
	case ".gpkg":
		ls, err := gpkg.Read(path)
		if err != nil {
			return nil, nil, err
		}
		if len(ls) == 0 {
			return nil, nil, fmt.Errorf("%s 中没有要素图层 / %s has no feature layer", path, path)
		}
		var ws []string
		if len(ls) > 1 {
			ws = append(ws, fmt.Sprintf("文件有 %d 个图层，只读取第一个 %s / the file has %d layers; read the first, %s", len(ls), ls[0].Name, len(ls), ls[0].Name))
		}
		return ls[0], ws, nil
	case ".txt":
		if err := checkSize(path); err != nil {
			return nil, nil, err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, fileError(path, err)
		}
		p, err := cornerpoints.Parse(b)
		if err != nil {
			return nil, nil, err
		}
		var ws []string
		for _, w := range p.Warnings {
			ws = append(ws, w.Error())
		}
		l := &formats.Layer{Name: name, SRID: geo.EPSG4490,
			Fields:   []formats.Field{{Name: "名称", Type: formats.String}, {Name: "面积", Type: formats.String}},
			Features: []formats.Feature{{Geometry: p.Geometry, Values: []any{nilIfEmpty(p.Name), nilIfEmpty(p.DeclaredArea)}}}}
		return l, ws, nil
	default:
		return nil, nil, fmt.Errorf("不支持的文件类型 %q（支持 %s）/ unsupported file type %q (supported: %s)", ext, readable, ext, readable)
	}
}

// readable lists the extensions Read accepts.
const readable = ".geojson .json .geojsonl .geojsons .jsonl .ndjson .shp .zip .gpkg .txt"

func open(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	return f, nil
}

// checkSize refuses a file larger than formats.MaxInputBytes before it is
// read whole.
func checkSize(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fileError(path, err)
	}
	if st.Size() > formats.MaxInputBytes {
		return fmt.Errorf("%s 有 %d 字节，超过 %d 字节的上限 / %s has %d bytes, over the limit of %d", path, st.Size(), int64(formats.MaxInputBytes), path, st.Size(), int64(formats.MaxInputBytes))
	}
	return nil
}

func fileError(path string, err error) error {
	switch {
	case os.IsNotExist(err):
		return fmt.Errorf("%s 不存在 / %s does not exist", path, path)
	case os.IsPermission(err):
		return fmt.Errorf("没有权限读取 %s / no permission to read %s", path, path)
	}
	return fmt.Errorf("无法读取 %s / cannot read %s: %v", path, path, err)
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func shapeWarnings(ws []shapefile.Warning) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.String()
	}
	return out
}

// Write writes a layer to a new file chosen by extension. A .shp is
// written with UTF-8 attributes unless encoding says "GBK"; a .txt needs a
// single feature and is written in the 3° zone of its centroid.
func Write(path string, l *formats.Layer, encoding string) ([]string, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("%s 已存在，不覆盖 / %s exists: not overwritten", path, path)
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".geojson", ".json":
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		if err := geojson.WriteLayer(f, l); err != nil {
			f.Close()
			os.Remove(path)
			return nil, err
		}
		return nil, f.Close()
	case ".shp":
		rep, err := shapefile.WriteWithReport(filepath.Dir(path), name, l, shapefile.WriteOptions{Encoding: encoding})
		if err != nil {
			return nil, err
		}
		var ws []string
		for i, f := range l.Fields {
			if rep.FieldNames[i] != f.Name {
				ws = append(ws, fmt.Sprintf("字段 %s 写作 %s（dBASE 字段名最长 10 字节）/ field %s written as %s (dBASE names are at most 10 bytes)", f.Name, rep.FieldNames[i], f.Name, rep.FieldNames[i]))
			}
		}
		return append(ws, shapeWarnings(rep.Warnings)...), nil
	case ".gpkg":
		named := *l
		if named.Name == "" {
			named.Name = name
		}
		return nil, gpkg.Write(path, []*formats.Layer{&named})
	case ".txt":
		if len(l.Features) != 1 {
			return nil, fmt.Errorf("拐点坐标文件只能写一个地块，图层有 %d 个要素 / corner-point text holds one parcel; the layer has %d features", len(l.Features), len(l.Features))
		}
		g, err := geographic(l)
		if err != nil {
			return nil, err
		}
		zone := geo.ZoneForLon(Centroid(g[0]).Lon)
		crs, err := geo.ZoneCRS(zone, true)
		if err != nil {
			return nil, err
		}
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		title := ""
		if i := l.FieldIndex("名称"); i >= 0 {
			title, _ = l.Features[0].Values[i].(string)
		}
		if err := cornerpoints.Write(f, title, g[0], crs); err != nil {
			f.Close()
			os.Remove(path)
			return nil, err
		}
		return nil, f.Close()
	default:
		return nil, fmt.Errorf("不支持的文件类型 %q / unsupported file type %q", ext, ext)
	}
}

// geographic returns the features' geometry in EPSG:4490.
func geographic(l *formats.Layer) ([]geo.MultiPolygon, error) {
	c := *l
	c.Features = append([]formats.Feature(nil), l.Features...)
	if err := c.Reproject(geo.EPSG4490); err != nil {
		return nil, err
	}
	out := make([]geo.MultiPolygon, len(c.Features))
	for i, f := range c.Features {
		out[i] = f.Geometry
	}
	return out, nil
}

// Centroid is the mean of the outer rings' vertices: enough to pick a zone.
func Centroid(m geo.MultiPolygon) geo.LonLat {
	var c geo.LonLat
	n := 0
	for _, p := range m {
		for _, pt := range p[0][:len(p[0])-1] {
			c.Lon += pt.Lon
			c.Lat += pt.Lat
			n++
		}
	}
	if n == 0 {
		return c
	}
	return geo.LonLat{Lon: c.Lon / float64(n), Lat: c.Lat / float64(n)}
}

// Area is a feature's ellipsoidal area and its Gauss–Krüger area in the
// 3° zone of its centroid.
type Area struct {
	Feature       int     `json:"feature"`
	Name          string  `json:"name,omitempty"`
	EllipsoidalM2 float64 `json:"ellipsoidal_m2"`
	GKM2          float64 `json:"gk_m2"`
	GKZone        int     `json:"gk_zone"`
}

// Areas measures every feature of a layer.
func Areas(l *formats.Layer) ([]Area, error) {
	gs, err := geographic(l)
	if err != nil {
		return nil, err
	}
	nameField := -1
	for _, n := range []string{"名称", "name", "NAME", "mc", "MC"} {
		if nameField = l.FieldIndex(n); nameField >= 0 {
			break
		}
	}
	out := make([]Area, len(gs))
	for i, g := range gs {
		a := Area{Feature: i + 1, EllipsoidalM2: geo.CGCS2000.MultiPolygonArea(g), GKZone: geo.ZoneForLon(Centroid(g).Lon)}
		if nameField >= 0 {
			a.Name, _ = l.Features[i].Values[nameField].(string)
		}
		crs, err := geo.ZoneCRS(a.GKZone, true)
		if err != nil {
			return nil, fmt.Errorf("feature %d: %w", i+1, err)
		}
		for _, p := range g {
			proj := make(geo.Polygon, len(p))
			for ri, r := range p {
				proj[ri] = make(geo.Ring, len(r))
				for vi, pt := range r {
					if proj[ri][vi], err = crs.Project(pt); err != nil {
						return nil, err
					}
				}
			}
			a.GKM2 += geo.PlanarArea(proj)
		}
		out[i] = a
	}
	return out, nil
}
