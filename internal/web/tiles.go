package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/singleflight"

	"mineplan/internal/actor"
	"mineplan/internal/authz"
	"mineplan/internal/geo"
	"mineplan/internal/mapconf"
	"mineplan/internal/plan"
	"mineplan/internal/rights"
	"mineplan/internal/store"
	"mineplan/internal/tiles"
	"mineplan/internal/tilesrc"
)

// The vector tiles (docs/tiles.md): /tiles/index.json lists the layers the
// caller may see, /tiles/{layer}.json is each one's TileJSON 3.0.0 and
// /tiles/{layer}/{z}/{x}/{y}.mvt its tiles. Which layers and attributes
// the public sees is the publication configuration (Config.Map,
// internal/mapconf). A layer the configuration does not publish is served
// to officers only — callers allowed rights.read at county or prefecture
// scope — and answers 404 to everyone else; stored applications have their
// own routes, which need review.read, and show only the reviews in the
// caller's reach. Callers with rights.read at prefecture scope get every
// attribute; everyone else the public ones.

// tileFormat is part of every ETag: a change of how tiles are made
// (simplification, attributes) must not be answered with 304.
const tileFormat = "mvt-1"

// publicTileCache is the Cache-Control of a public tile: any cache may
// keep it, but must ask again each time, and an unchanged layer answers
// 304 (one small query for its change stamp).
const publicTileCache = "public, max-age=0, must-revalidate"

// tileState is what the tile routes keep between requests.
type tileState struct {
	plan atomic.Pointer[planTiles]
	apps *tilesrc.Applications[authz.Object]
	// cache holds encoded tiles by ETag, at most tileCacheBytes.
	mu         sync.Mutex
	cache      map[string][]byte
	cacheBytes int
	// render renders each ETag's tile once at a time; gzips are reused
	// gzip writers (a new one allocates about a megabyte).
	render singleflight.Group
	gzips  sync.Pool
}

const tileCacheBytes = 64 << 20

// planTiles are the in-memory layers of one plan revision.
type planTiles struct {
	plan          *plan.Plan
	zones, blocks *tilesrc.Memory
}

func (s *Server) planTiles() *planTiles {
	p, _ := s.current()
	if pt := s.tileState.plan.Load(); pt != nil && pt.plan == p {
		return pt
	}
	pt := &planTiles{plan: p, zones: tilesrc.Zones(p), blocks: tilesrc.Blocks(p)}
	s.tileState.plan.Store(pt)
	return pt
}

func (s *Server) applicationIndex() *tilesrc.Applications[authz.Object] {
	s.tileOnce.Do(func() { s.tileState.apps = tilesrc.NewApplications(s.cfg.Store, reviewObject) })
	return s.tileState.apps
}

// layerTitles name the layers in Chinese and English.
var layerTitles = map[string]string{
	"zones": "规划分区 / planning zones", "blocks": "勘查开采规划区块 / planning blocks", "rights": "矿业权 / mining rights",
	"protected_areas": "自然保护地 / protected areas", "red_lines": "生态保护红线 / ecological red lines",
	"applications": "申请（已存审查） / applications (stored reviews)",
}

// layerKinds are the imported layers' kinds behind the two layer tiles.
var layerKinds = map[string]plan.LayerKind{"protected_areas": plan.LayerProtectedArea, "red_lines": plan.LayerRedLine}

// tileView is what of a layer the caller sees.
type tileView struct {
	name  string // "public", "officer", "full" or "reach:…" (applications)
	attrs []string
}

// view decides whether the caller sees layer and with which attributes;
// ok is false for a layer the caller may not see (answered 404). The
// applications' view is decided by the route (review.read) and per review.
func (s *Server) view(r *http.Request, layer string) (v tileView, ok bool) {
	a := who(r)
	if layer == "applications" {
		return tileView{name: "reach:" + string(a.Role) + "|" + a.County + "|" + a.CreditCode + "|" + a.Name, attrs: mapconf.FullAttributes(layer)}, true
	}
	conf := s.cfg.Map
	reach, d := authz.ReachOf(a, authz.RightsRead)
	switch {
	case d == authz.Allow && reach == (authz.Reach{}):
		return tileView{name: "full", attrs: mapconf.FullAttributes(layer)}, true
	case conf.Public(layer):
		return tileView{name: "public", attrs: conf.PublicAttributes(layer)}, true
	case d == authz.Allow && reach.CreditCode == "":
		// An officer within a county sees an unpublished layer; of the
		// register, only its public fields.
		attrs := mapconf.FullAttributes(layer)
		if layer == "rights" {
			attrs = slices.DeleteFunc(attrs, func(f string) bool { return !slices.Contains(mapconf.PublicRightFields, f) })
		}
		return tileView{name: "officer", attrs: attrs}, true
	}
	return tileView{}, false
}

// stamp is the layer's change stamp: what must change whenever any of its
// tiles could.
func (s *Server) stamp(ctx context.Context, layer string, asOf *rights.Date) (string, []store.Layer, error) {
	switch layer {
	case "zones", "blocks":
		_, rev := s.current()
		return fmt.Sprintf("plan:%s#%d:%s", rev.PlanID, rev.Number, rev.Hash), nil, nil
	case "rights":
		// Every change of the register appends to the audit log in the
		// same transaction, so the log's head (one row) moves with it;
		// other audited actions move it too, which costs only a re-render.
		// Statuses are derived for a day: today, or as_of.
		head, _, err := s.cfg.Store.AuditHead(ctx)
		if err != nil {
			return "", nil, err
		}
		day := s.today().Format("2006-01-02")
		if asOf != nil {
			day = "as_of=" + asOf.Format("2006-01-02")
		}
		return fmt.Sprintf("audit:%d:%s:%s", head.Seq, head.Hash, day), nil, nil
	case "applications":
		n, err := s.applicationIndex().Refresh(ctx)
		return fmt.Sprintf("reviews:%d", n), nil, err
	}
	all, err := s.cfg.Store.Layers(ctx)
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	var ls []store.Layer
	for _, l := range all {
		if l.Kind == layerKinds[layer] {
			ls = append(ls, l)
			fmt.Fprintf(&b, "%s@%s#%d;", l.Name, l.ImportedAt.Format("2006-01-02T15:04:05.999999Z"), l.Features)
		}
	}
	return "layers:" + b.String(), ls, nil
}

// source is the layer's features with the view's attributes.
func (s *Server) source(r *http.Request, layer string, v tileView, ls []store.Layer, asOf *rights.Date) tiles.Source {
	switch layer {
	case "zones":
		return s.planTiles().zones.Source(v.attrs)
	case "blocks":
		return s.planTiles().blocks.Source(v.attrs)
	case "rights":
		return tilesrc.Rights(s.cfg.Store, store.RightFilter{}, asOf, s.today(), v.attrs)
	case "applications":
		a, grants := who(r), s.currentGrants()
		return s.applicationIndex().Source(v.attrs, func(obj authz.Object) bool {
			return authz.Decide(a, authz.ReviewRead, obj, grants) == authz.Allow
		})
	}
	return tilesrc.Layers(s.cfg.Store, ls, v.attrs)
}

// tileLayer reads the route's layer: the applications routes serve only
// applications, and the general routes never do (so `serve --public`,
// which drops the review.read routes, cannot reach them).
func tileLayer(r *http.Request, name string) (string, bool) {
	apps := strings.HasPrefix(r.Pattern, "GET /tiles/applications")
	if apps {
		return "applications", true
	}
	return name, name != "applications" && mapconf.Known(name)
}

// tileAddress reads z, x and y ("N.mvt").
func tileAddress(r *http.Request) (tiles.Tile, error) {
	ys, ok := strings.CutSuffix(r.PathValue("y"), ".mvt")
	if !ok {
		return tiles.Tile{}, notFound("未找到：瓦片地址应为 /tiles/{layer}/{z}/{x}/{y}.mvt / not found: a tile is /tiles/{layer}/{z}/{x}/{y}.mvt")
	}
	var t tiles.Tile
	for _, p := range []struct {
		name, v string
		to      *int
	}{{"z", r.PathValue("z"), &t.Z}, {"x", r.PathValue("x"), &t.X}, {"y", ys, &t.Y}} {
		n, err := strconv.Atoi(p.v)
		if err != nil || len(p.v) > 8 || strings.TrimLeft(p.v, "0123456789") != "" {
			return t, badParameter(p.name, fmt.Sprintf("瓦片坐标 %s 应为非负整数，而非 %q", p.name, clip(p.v)), fmt.Sprintf("tile coordinate %s must be a non-negative integer, not %q", p.name, clip(p.v)))
		}
		*p.to = n
	}
	if err := t.Check(); err != nil {
		zh, en, _ := strings.Cut(err.Error(), " / ")
		return t, &apiError{Status: http.StatusBadRequest, Code: "bad_tile", Message: zh + " / " + en}
	}
	return t, nil
}

// tileQuery reads the tile's parameters: as_of (YYYY-MM-DD), for the
// register only.
func tileQuery(r *http.Request, layer string) (*rights.Date, error) {
	accepted := []string{}
	if layer == "rights" {
		accepted = append(accepted, "as_of")
	}
	q, err := parseQuery(r, accepted...)
	if err != nil {
		return nil, err
	}
	return q.asOf()
}

// resolveTile is what both tile routes read first: the as-of date, the
// caller's view of the layer and the layer's change stamp (with the layers
// it was read from); when it answers false it has written the error.
func (s *Server) resolveTile(ctx context.Context, w http.ResponseWriter, r *http.Request, layer string) (*rights.Date, tileView, string, []store.Layer, bool) {
	asOf, err := tileQuery(r, layer)
	if err != nil {
		s.writeError(w, r, err)
		return nil, tileView{}, "", nil, false
	}
	v, ok := s.view(r, layer)
	if !ok {
		s.writeError(w, r, notFound("未找到该图层 / no such tile layer"))
		return nil, tileView{}, "", nil, false
	}
	stamp, ls, err := s.stamp(ctx, layer, asOf)
	if err != nil {
		s.writeError(w, r, err)
		return nil, tileView{}, "", nil, false
	}
	return asOf, v, stamp, ls, true
}

// handleTile serves /tiles/{layer}/{z}/{x}/{y}.mvt.
func (s *Server) handleTile(w http.ResponseWriter, r *http.Request) {
	layer, ok := tileLayer(r, r.PathValue("layer"))
	if !ok {
		s.writeError(w, r, notFound("未找到该图层 / no such tile layer"))
		return
	}
	t, err := tileAddress(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, cancel := s.queryContext(r)
	defer cancel()
	asOf, v, stamp, ls, ok := s.resolveTile(ctx, w, r, layer)
	if !ok {
		return
	}
	gz := acceptsGzip(r)
	etag := tileETag(tileFormat, s.cfg.Map.Hash(), layer, stamp, t.String(), v.name, strings.Join(v.attrs, ","), strconv.FormatBool(gz))
	h := w.Header()
	h.Set("ETag", etag)
	h.Add("Vary", "Accept-Encoding")
	if who(r).Kind == actor.Anonymous {
		h.Set("Cache-Control", publicTileCache)
	} // signed-in callers: privateNoStore has set no-store
	if match(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body, ok := s.cachedTile(etag)
	if !ok {
		// One rendering of a tile however many callers ask for it at once
		// (a new grant makes every open map ask for the same tiles). It
		// does not end with the first caller's connection.
		out, err, _ := s.tileState.render.Do(etag, func() (any, error) {
			if b, ok := s.cachedTile(etag); ok {
				return b, nil
			}
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), requestTimeout)
			defer cancel()
			res, err := tiles.Render(rctx, s.source(r, layer, v, ls, asOf), layer, t)
			if err != nil {
				return nil, err
			}
			if res.Dropped > 0 {
				s.cfg.Logger.Info("tile thinned", "layer", layer, "tile", t.String(), "kept", res.Features, "dropped", res.Dropped)
			}
			b := res.Data
			if gz {
				b = s.gzipTile(b)
			}
			s.cacheTile(etag, b)
			return b, nil
		})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		body = out.([]byte)
	}
	h.Set("Content-Type", "application/vnd.mapbox-vector-tile")
	if gz {
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

func tileETag(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
}

// match says whether an If-None-Match header names etag (or is *).
func match(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// gzipTile compresses an encoded tile with a reused writer.
func (s *Server) gzipTile(b []byte) []byte {
	var buf bytes.Buffer
	zw, ok := s.tileState.gzips.Get().(*gzip.Writer)
	if ok {
		zw.Reset(&buf)
	} else {
		zw, _ = gzip.NewWriterLevel(&buf, gzip.BestSpeed) // a valid level never errs
	}
	zw.Write(b)
	zw.Close()
	s.tileState.gzips.Put(zw)
	return buf.Bytes()
}

func (s *Server) cachedTile(etag string) ([]byte, bool) {
	s.tileState.mu.Lock()
	defer s.tileState.mu.Unlock()
	b, ok := s.tileState.cache[etag]
	return b, ok
}

// cacheTile keeps an encoded tile; when the cache is full it starts over
// (the ETag names the layer's state, so nothing stale is ever served).
func (s *Server) cacheTile(etag string, b []byte) {
	s.tileState.mu.Lock()
	defer s.tileState.mu.Unlock()
	if s.tileState.cache == nil || s.tileState.cacheBytes+len(b) > tileCacheBytes {
		s.tileState.cache, s.tileState.cacheBytes = map[string][]byte{}, 0
	}
	s.tileState.cache[etag] = b
	s.tileState.cacheBytes += len(b)
}

// baseURL is the server's own origin, for the absolute URLs TileJSON
// needs (map clients fetch tiles from a worker, where a relative URL has
// no base).
func (s *Server) baseURL(r *http.Request) string {
	scheme := "http"
	if s.cfg.TLS || r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" || strings.ContainsAny(host, "/\\@?#\"' <>") {
		host = "localhost"
	}
	return scheme + "://" + host
}

// tileJSON describes a layer for the caller.
func (s *Server) tileJSON(r *http.Request, layer string, v tileView, ls []store.Layer, asOf *rights.Date) tiles.TileJSON {
	url := s.baseURL(r) + "/tiles/" + layer + "/{z}/{x}/{y}.mvt"
	if asOf != nil {
		url += "?as_of=" + asOf.Format("2006-01-02")
	}
	p := s.planTiles()
	var b geo.BBox
	switch layer {
	case "zones":
		b = p.zones.Bounds()
	case "blocks":
		b = p.blocks.Bounds()
	case "applications":
		a, grants := who(r), s.currentGrants()
		b = s.applicationIndex().Bounds(func(obj authz.Object) bool { return authz.Decide(a, authz.ReviewRead, obj, grants) == authz.Allow })
	case "protected_areas", "red_lines":
		for i, l := range ls {
			if i == 0 {
				b = l.BBox
				continue
			}
			b = geo.BBox{MinLon: min(b.MinLon, l.BBox.MinLon), MinLat: min(b.MinLat, l.BBox.MinLat), MaxLon: max(b.MaxLon, l.BBox.MaxLon), MaxLat: max(b.MaxLat, l.BBox.MaxLat)}
		}
	}
	if b == (geo.BBox{}) && p.plan.Meta.Territory != nil {
		b = p.plan.Meta.Territory.Box()
	}
	attribution := "mineplan"
	if s.cfg.Map.ApprovalNumber != "" {
		attribution += " · 审图号 " + s.cfg.Map.ApprovalNumber
	}
	return tiles.NewTileJSON(layer, layerTitles[layer], url, b, mapconf.Describe(layer, v.attrs), attribution)
}

// handleTileJSON serves /tiles/{layer}.json.
func (s *Server) handleTileJSON(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".json")
	if strings.HasPrefix(r.Pattern, "GET /tiles/applications") {
		name, ok = "applications", true
	}
	layer, known := tileLayer(r, name)
	if !ok || !known {
		s.writeError(w, r, notFound("未找到该图层 / no such tile layer"))
		return
	}
	ctx, cancel := s.queryContext(r)
	defer cancel()
	asOf, v, _, ls, ok := s.resolveTile(ctx, w, r, layer)
	if !ok {
		return
	}
	if who(r).Kind == actor.Anonymous {
		w.Header().Set("Cache-Control", "no-cache")
	}
	s.writeJSON(w, r, http.StatusOK, s.tileJSON(r, layer, v, ls, asOf))
}

// tileLayerEntry is one layer of /tiles/index.json and /api/v1/map/config.
type tileLayerEntry struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	TileJSON string   `json:"tilejson"`
	Tiles    string   `json:"tiles"`
	Public   bool     `json:"public"`
	Fields   []string `json:"fields"`
	MinZoom  int      `json:"minzoom"`
	MaxZoom  int      `json:"maxzoom"`
}

// visibleLayers are the layers the caller may see.
func (s *Server) visibleLayers(r *http.Request, publicOnly bool) []tileLayerEntry {
	base := s.baseURL(r)
	out := []tileLayerEntry{}
	for _, layer := range mapconf.Layers {
		var v tileView
		switch {
		case publicOnly && !s.cfg.Map.Public(layer):
			continue
		case publicOnly:
			v = tileView{name: "public", attrs: s.cfg.Map.PublicAttributes(layer)}
		case layer == "applications":
			if s.cfg.Public || authz.Decide(who(r), authz.ReviewRead, authz.Object{}, s.currentGrants()) != authz.Allow {
				continue
			}
			v, _ = s.view(r, layer)
		default:
			var ok bool
			if v, ok = s.view(r, layer); !ok {
				continue
			}
		}
		out = append(out, tileLayerEntry{ID: layer, Title: layerTitles[layer], TileJSON: base + "/tiles/" + layer + ".json",
			Tiles: base + "/tiles/" + layer + "/{z}/{x}/{y}.mvt", Public: s.cfg.Map.Public(layer), Fields: v.attrs,
			MinZoom: tiles.MinZoom, MaxZoom: tiles.MaxZoom})
	}
	return out
}

// handleTileIndex serves /tiles/index.json: the layers the caller may see.
func (s *Server) handleTileIndex(w http.ResponseWriter, r *http.Request) {
	if who(r).Kind == actor.Anonymous {
		w.Header().Set("Cache-Control", "no-cache")
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"layers": s.visibleLayers(r, false), "meta_layer": tiles.MetaLayer})
}

// handleMapConfig serves /api/v1/map/config: what the map page needs of
// the publication configuration — the basemap (null: offline), the
// approval number and the public layers.
func (s *Server) handleMapConfig(w http.ResponseWriter, r *http.Request) {
	c := s.cfg.Map
	s.writeJSON(w, r, http.StatusOK, map[string]any{
		"approval_number": c.ApprovalNumber, "basemap": c.Basemap, "offline": c.Basemap == nil,
		"layers": s.visibleLayers(r, true), "meta_layer": tiles.MetaLayer,
		"illustrative_note": plan.IllustrativeNote,
	})
}
