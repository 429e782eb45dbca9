package mapconf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// Load reads a configuration file (YAML) and checks it; layers the file
// does not name keep their default rule.
func Load(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("地图配置 / map configuration: %w", err)
	}
	c, err := Parse(b, path)
	if err != nil {
		return Config{}, err
	}
	return c.Effective(), nil
}

// Parse reads and checks a configuration; name is for messages.
func Parse(b []byte, name string) (Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("%s：不是有效的地图配置 / %s: not a valid map configuration: %w", name, name, err)
	}
	if err := c.Check(); err != nil {
		return Config{}, fmt.Errorf("%s：%w", name, err)
	}
	return c, nil
}

// webMercator are the names accepted for a basemap's CRS.
var webMercator = []string{"", "EPSG:3857", "EPSG:900913", "EPSG:102100", "WEBMERCATORQUAD", "GOOGLEMAPSCOMPATIBLE"}

// offsetHosts are the tile hosts of AMap (高德), Baidu (百度) and Tencent
// (腾讯) maps, whose tiles are in GCJ-02 or BD-09: their offset coordinates
// would shift every mineplan feature by hundreds of metres.
var offsetHosts = []string{"amap.com", "autonavi.com", "baidu.com", "bdimg.com", "bdstatic.com", "map.qq.com", "qq.com", "gtimg.com", "gtimg.cn", "myqcloud.com"}

var errOffset = "basemap：不接受 GCJ-02（火星坐标）或 BD-09（百度坐标）底图，其偏移会使图层错位数百米；请使用 CGCS2000/WGS 84 的 Web 墨卡托底图，如天地图 / " +
	"basemap: GCJ-02 and BD-09 basemaps are refused, their offset would misplace every layer by hundreds of metres; use a Web Mercator basemap on CGCS2000/WGS 84 such as Tianditu"

func (b *Basemap) check() error {
	switch b.Kind {
	case "xyz", "wmts":
	default:
		return fmt.Errorf("basemap.kind：应为 xyz 或 wmts，而非 %q / basemap.kind: must be xyz or wmts, not %q", b.Kind, b.Kind)
	}
	crs := strings.ToUpper(strings.TrimSpace(b.CRS))
	if c := strings.NewReplacer("-", "", "_", "", " ", "").Replace(crs); strings.Contains(c, "GCJ") || strings.Contains(c, "BD09") || strings.Contains(c, "MARS") || strings.Contains(c, "BAIDU") {
		return fmt.Errorf("%s (crs %q)", errOffset, b.CRS)
	}
	known := false
	for _, n := range webMercator {
		known = known || crs == n
	}
	if !known {
		return fmt.Errorf("basemap.crs：只支持 Web 墨卡托（EPSG:3857），而非 %q / basemap.crs: only Web Mercator (EPSG:3857) is supported, not %q", b.CRS, b.CRS)
	}
	if b.URL == "" {
		return fmt.Errorf("basemap.url：缺少瓦片地址模板 / basemap.url: the tile URL template is missing")
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(b.URL, p) {
			return fmt.Errorf("basemap.url：瓦片地址模板缺少 %s / basemap.url: the tile URL template lacks %s", p, p)
		}
	}
	u, err := url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0").Replace(b.URL))
	if err != nil {
		return fmt.Errorf("basemap.url：不是有效的地址 / basemap.url: not a valid URL: %v", err)
	}
	switch {
	case u.Scheme == "https" || u.Scheme == "http":
		if u.Host == "" {
			return fmt.Errorf("basemap.url：缺少主机名 / basemap.url: the host is missing")
		}
	case u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/"):
		// a path on this server (a tile cache behind the same proxy)
	default:
		return fmt.Errorf("basemap.url：应为 http(s):// 地址或以 / 开头的本站路径 / basemap.url: must be an http(s):// URL or a path on this server starting with /")
	}
	host := strings.ToLower(u.Hostname())
	for _, h := range offsetHosts {
		if host == h || strings.HasSuffix(host, "."+h) {
			return fmt.Errorf("%s (host %s)", errOffset, host)
		}
	}
	if strings.TrimSpace(b.Attribution) == "" {
		return fmt.Errorf("basemap.attribution：须注明底图来源（如“天地图”） / basemap.attribution: the basemap's source must be credited (e.g. 天地图 Tianditu)")
	}
	if b.MaxZoom == 0 {
		b.MaxZoom = 18
	}
	if b.MaxZoom < 1 || b.MaxZoom > 22 {
		return fmt.Errorf("basemap.max_zoom：应在 1–22 之间，而非 %d / basemap.max_zoom: must be 1–22, not %d", b.MaxZoom, b.MaxZoom)
	}
	if b.CRS == "" {
		b.CRS = "EPSG:3857"
	}
	return nil
}
