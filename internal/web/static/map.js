// The public map (一张图): MapLibre GL on the server's own vector tiles.
//
// Everything it shows in words comes from the page: the layer toggles, the
// legend's labels and the popup's field names are rendered by the server
// from the message catalogue; the strings this script needs are in the
// <script type="application/json" id="map-strings"> block (not executed, so
// the CSP's script-src 'self' holds). No request leaves the server: the
// style has no glyphs or sprite, draws no text, and the background is plain
// unless the operator configured a basemap.
//
// Hooks: when the map has loaded, document receives the event
// 'mineplan:map' with detail {map}, for maptools.js (search, measure,
// print); #map sets data-idle="true" whenever MapLibre is idle (the browser
// tests wait for it).

// The palette. It follows the conventions of China's mineral-resource plan
// maps and cadastres:
// - reds for what forbids mining: protected areas and ecological red lines;
// - purple and magenta for the state's own areas: national planning mining
//   areas and strategic mineral protection zones;
// - blues for exploration (key exploration zones, exploration blocks);
// - oranges and browns for mining (key mining zones, mining blocks,
//   sand-gravel-clay zones in ochre);
// - greens for rights in force (valid, producing, under construction;
//   retained in yellow-green), amber for suspended, greys for rights no
//   longer in force (expired, closed, cancelled);
// - the two broad layouts (mining economic zones, the development layout)
//   as outlines only, so they never hide what lies inside.
export const palette = {
  zones: {
    national_planning_area: '#7b3294',
    strategic_protection_zone: '#c51b7d',
    key_exploration_zone: '#2166ac',
    key_mining_zone: '#e66101',
    sand_gravel_zone: '#b8860b',
    mining_economic_zone: '#4d9221',
    development_layout: '#737373',
  },
  outlineOnlyZones: ['mining_economic_zone', 'development_layout'],
  blocks: { exploration: '#4393c3', mining: '#d6604d' },
  rights: {
    valid: '#1a9641',
    producing: '#006d2c',
    under_construction: '#66bd63',
    retained: '#a6d96a',
    suspended: '#fdae61',
    expired: '#969696',
    closed: '#636363',
    cancelled: '#d9d9d9',
  },
  rightKindLine: { exploration: '#08306b', mining: '#252525' },
  protected_areas: '#d7191c',
  red_lines: '#e31a1c',
  applications: '#e7298a',
  background: '#f4f1ea',
};

const matchColour = (field, table, fallback) => ['match', ['get', field], ...Object.entries(table).flat(), fallback];

// styleLayers are the style layers drawn for each tile layer, bottom first.
function styleLayers(name) {
  const src = { source: name, 'source-layer': name };
  switch (name) {
    case 'zones':
      return [
        { id: 'zones-fill', type: 'fill', ...src, filter: ['!', ['in', ['get', 'type'], ['literal', palette.outlineOnlyZones]]],
          paint: { 'fill-color': matchColour('type', palette.zones, '#999999'), 'fill-opacity': 0.22 } },
        { id: 'zones-line', type: 'line', ...src,
          paint: { 'line-color': matchColour('type', palette.zones, '#999999'), 'line-width': 1.2,
            'line-dasharray': ['case', ['in', ['get', 'type'], ['literal', palette.outlineOnlyZones]], ['literal', [4, 2]], ['literal', [1, 0]]] } },
      ];
    case 'blocks':
      return [
        { id: 'blocks-fill', type: 'fill', ...src, paint: { 'fill-color': matchColour('kind', palette.blocks, '#999999'), 'fill-opacity': 0.3 } },
        { id: 'blocks-line', type: 'line', ...src, paint: { 'line-color': matchColour('kind', palette.blocks, '#999999'), 'line-width': 1 } },
      ];
    case 'protected_areas':
      return [
        { id: 'protected_areas-fill', type: 'fill', ...src, paint: { 'fill-color': palette.protected_areas, 'fill-opacity': 0.25 } },
        { id: 'protected_areas-line', type: 'line', ...src, paint: { 'line-color': palette.protected_areas, 'line-width': 1.5 } },
      ];
    case 'red_lines':
      return [
        { id: 'red_lines-fill', type: 'fill', ...src, paint: { 'fill-color': palette.red_lines, 'fill-opacity': 0.15 } },
        { id: 'red_lines-line', type: 'line', ...src, paint: { 'line-color': palette.red_lines, 'line-width': 2.5 } },
      ];
    case 'rights':
      return [
        { id: 'rights-fill', type: 'fill', ...src, paint: { 'fill-color': matchColour('status', palette.rights, '#bdbdbd'), 'fill-opacity': 0.75 } },
        { id: 'rights-line', type: 'line', ...src,
          paint: { 'line-color': matchColour('kind', palette.rightKindLine, '#252525'), 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 1.6, 10, 1, 14, 2] } },
      ];
    case 'applications':
      return [
        { id: 'applications-fill', type: 'fill', ...src, paint: { 'fill-color': palette.applications, 'fill-opacity': 0.15 } },
        { id: 'applications-line', type: 'line', ...src, paint: { 'line-color': palette.applications, 'line-width': 2, 'line-dasharray': [2, 1] } },
      ];
  }
  return [];
}

// The order the layers are drawn in, bottom first.
const drawOrder = ['zones', 'blocks', 'protected_areas', 'red_lines', 'rights', 'applications'];

const page = document.getElementById('map-page');
const mapEl = document.getElementById('map');
const T = JSON.parse(document.getElementById('map-strings').textContent);
const clauses = JSON.parse(document.getElementById('map-clauses').textContent);
const t = (key, ...args) => {
  let s = T[key] ?? key;
  args.forEach((a, i) => { s = s.replaceAll(`{${i}}`, String(a)); });
  return s;
};

function setStatus(text) {
  const el = document.getElementById('map-status');
  if (el) el.textContent = text;
}

async function getJSON(url) {
  const r = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}

const absolute = (u) => new URL(u, location.href).href;

// A basemap from the configuration (internal/mapconf: kind xyz or wmts,
// a URL template with {z}, {x}, {y} on Web Mercator, the operator's key in
// it); without one nothing is drawn under the layers.
function basemapSource(cfg) {
  const b = cfg && cfg.basemap;
  if (!b) return null;
  const tiles = b.tiles || (b.url ? [b.url] : []);
  if (!tiles.length) return null;
  return { type: 'raster', tiles: tiles.map(absolute), tileSize: b.tile_size || 256, attribution: b.attribution || '',
    minzoom: b.min_zoom ?? 0, maxzoom: b.max_zoom || 18 };
}

function unionBounds(list) {
  const bs = list.filter((b) => Array.isArray(b) && b.length === 4);
  if (!bs.length) return [73.3, 35.3, 80.3, 40.3]; // Kashgar Prefecture
  return [Math.min(...bs.map((b) => b[0])), Math.min(...bs.map((b) => b[1])), Math.max(...bs.map((b) => b[2])), Math.max(...bs.map((b) => b[3]))];
}

// The tiles of a layer, with the as-of date for the rights.
function tilesFor(tj, asOf) {
  return (tj.tiles || []).map((u) => {
    const url = new URL(u, location.href);
    if (asOf) url.searchParams.set('as_of', asOf);
    return decodeURI(url.href); // keep {z}/{x}/{y} as written
  });
}

async function main() {
  const maplibre = await import(page.dataset.maplibre);
  maplibre.setWorkerUrl(absolute(page.dataset.worker));

  const [cfg, index] = await Promise.all([
    getJSON('/api/v1/map/config').catch(() => ({})),
    getJSON('/tiles/index.json'),
  ]);
  const listed = (Array.isArray(index) ? index : index.layers || []).map((l) => (typeof l === 'string' ? { name: l } : l));
  const names = drawOrder.filter((n) => listed.some((l) => (l.name || l.id) === n));
  const tilejson = {};
  await Promise.all(names.map(async (n) => {
    const l = listed.find((x) => (x.name || x.id) === n);
    tilejson[n] = await getJSON(l.url || l.tilejson || `/tiles/${n}.json`);
  }));

  // The operator's 审图号 in the footer (the page renders it when the
  // server knows it; otherwise it comes with the map configuration).
  const approval = cfg.approval_number || cfg.approval;
  if (approval && !document.getElementById('approval-number')) {
    const span = document.createElement('span');
    span.id = 'approval-number';
    span.textContent = t('map.js.approval', approval);
    document.querySelector('.map-footer p')?.append(span);
  }

  // Toggles for layers this caller is not served are removed.
  for (const box of document.querySelectorAll('input[data-layer]')) {
    if (!names.includes(box.dataset.layer)) box.closest('li')?.remove();
  }
  for (const li of document.querySelectorAll('[data-legend-layer]')) {
    if (!names.includes(li.dataset.legendLayer)) li.remove();
  }
  for (const sw of document.querySelectorAll('[data-swatch]')) {
    const [layer, value] = sw.dataset.swatch.split(':');
    const c = value ? (palette[layer] || {})[value] : palette[layer];
    if (layer === 'zones' && palette.outlineOnlyZones.includes(value)) sw.classList.add('outline');
    if (!c) continue;
    // Colours set through the CSSOM (allowed by the CSP, unlike style
    // attributes), from the one palette above.
    if (sw.classList.contains('outline')) sw.style.borderColor = c;
    else sw.style.backgroundColor = c;
  }

  const sources = {};
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': palette.background } }];
  const base = basemapSource(cfg);
  if (base) {
    sources.basemap = base;
    layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
  }
  for (const n of names) {
    const tj = tilejson[n];
    sources[n] = { type: 'vector', tiles: tilesFor(tj), minzoom: tj.minzoom ?? 0, maxzoom: tj.maxzoom ?? 14,
      ...(Array.isArray(tj.bounds) ? { bounds: tj.bounds } : {}) };
    layers.push(...styleLayers(n));
  }
  const bounds = unionBounds(names.map((n) => tilejson[n].bounds));

  const map = new maplibre.Map({
    container: mapEl,
    style: { version: 8, sources, layers },
    bounds, fitBoundsOptions: { padding: 10 },
    maxZoom: 18,
    attributionControl: { compact: true },
    dragRotate: false, pitchWithRotate: false, touchPitch: false,
    locale: T.maplibre || {},
    cooperativeGestures: false,
  });
  map.touchZoomRotate.disableRotation();
  map.keyboard.enable();
  map.addControl(new maplibre.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibre.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-left');
  window.mineplan = { map, palette };

  // data-idle: "true" while MapLibre is idle, "false" while it renders.
  map.on('idle', () => { mapEl.dataset.idle = 'true'; checkIllustrative(); });
  map.on('dataloading', () => { mapEl.dataset.idle = 'false'; });
  map.on('movestart', () => { mapEl.dataset.idle = 'false'; });
  map.on('error', (e) => { console.error('map:', e.error?.message || e); setStatus(t('map.js.error')); });

  // Layer toggles.
  const interactive = () => names.filter((n) => map.getLayoutProperty(`${n}-fill`, 'visibility') !== 'none')
    .flatMap((n) => styleLayers(n).map((l) => l.id)).filter((id) => map.getLayer(id));
  for (const box of document.querySelectorAll('input[data-layer]')) {
    const apply = () => {
      for (const l of styleLayers(box.dataset.layer)) {
        if (map.getLayer(l.id)) map.setLayoutProperty(l.id, 'visibility', box.checked ? 'visible' : 'none');
      }
    };
    box.addEventListener('change', apply);
    map.once('load', apply);
  }

  // The illustrative-data watermark: shown whenever a drawn feature is
  // illustrative.
  const mark = document.getElementById('illustrative-mark');
  function checkIllustrative() {
    const ids = interactive();
    const shown = ids.length > 0 && map.queryRenderedFeatures({ layers: ids })
      .some((f) => f.properties.illustrative === true || f.properties.illustrative === 'true');
    mark.hidden = !shown;
  }

  // Cursor coordinates: longitude and latitude at once, the Gauss–Krüger
  // figures from the server (GET /api/v1/coords, the projection of `mineplan
  // coords convert`), at most one request at a time and none more often
  // than every 150 ms.
  const lonlatOut = document.getElementById('coord-lonlat');
  const gkOut = document.getElementById('coord-gk');
  let pending = null, timer = null, controller = null;
  const fmtDeg = (v, pos, neg) => `${Math.abs(v).toFixed(6)}°${v >= 0 ? pos : neg}`;
  const lonlatText = (ll) => `${fmtDeg(ll.lng, 'E', 'W')} ${fmtDeg(ll.lat, 'N', 'S')}`;
  function showCoords(ll) {
    lonlatOut.textContent = lonlatText(ll);
    pending = ll;
    if (timer) return;
    timer = setTimeout(async function run() {
      timer = null;
      const p = pending;
      pending = null;
      if (!p) return;
      controller?.abort();
      controller = new AbortController();
      try {
        const r = await fetch(`/api/v1/coords?lon=${p.lng.toFixed(7)}&lat=${p.lat.toFixed(7)}`, { signal: controller.signal });
        const j = await r.json();
        gkOut.textContent = r.ok ? t('map.js.gk', j.zone, j.epsg, j.easting.toFixed(2), j.northing.toFixed(2)) : t('map.js.gk_none');
        gkOut.dataset.lonlat = lonlatText(p); // the point these figures are for
      } catch (e) {
        if (e.name !== 'AbortError') gkOut.textContent = t('map.js.gk_none');
      }
    }, 150);
  }
  map.on('mousemove', (e) => showCoords(e.lngLat));
  // Keyboard and touch users: the centre's coordinates after each move.
  map.on('moveend', (e) => { if (!e.originalEvent || e.originalEvent.type !== 'mousemove') showCoords(map.getCenter()); });
  map.once('load', () => showCoords(map.getCenter()));

  // Identify.
  const popup = new maplibre.Popup({ maxWidth: '22rem', focusAfterOpen: true, closeButton: true });
  function identify(point, lngLat) {
    const ids = interactive();
    if (!ids.length) return;
    const box = [[point.x - 3, point.y - 3], [point.x + 3, point.y + 3]];
    const seen = new Set();
    const feats = map.queryRenderedFeatures(box, { layers: ids }).filter((f) => {
      const k = `${f.source}:${f.properties.id}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    // Topmost layer first.
    feats.sort((a, b) => drawOrder.indexOf(b.source) - drawOrder.indexOf(a.source));
    if (!feats.length) { popup.remove(); return; }
    popup.setLngLat(lngLat).setDOMContent(popupContent(feats.slice(0, 5))).addTo(map);
  }
  map.on('click', (e) => { if (!window.mineplan.measuring) identify(e.point, e.lngLat); }); // maptools.js measures with clicks
  document.getElementById('identify-centre')?.addEventListener('click', () => {
    const c = map.getCenter();
    identify(map.project(c), c);
  });

  // As of: the register as it stood on a date.
  const asOf = document.getElementById('as-of');
  asOf?.addEventListener('change', () => {
    const v = /^\d{4}-\d{2}-\d{2}$/.test(asOf.value) ? asOf.value : '';
    const src = map.getSource('rights');
    if (src && tilejson.rights) src.setTiles(tilesFor(tilejson.rights, v));
    popup.remove();
    document.getElementById('as-of-note').textContent = v ? t('map.js.as_of_note', v) : '';
  });

  map.once('load', () => {
    setStatus('');
    document.dispatchEvent(new CustomEvent('mineplan:map', { detail: { map } }));
  });
}

// popupContent lists the features under the click: each with its
// attributes, a link to its page and the plan clause that governs it.
function popupContent(feats) {
  const root = document.createElement('div');
  root.className = 'identify';
  for (const f of feats) {
    const p = f.properties;
    const sec = document.createElement('section');
    const h = document.createElement('h2');
    const link = featureLink(f.source, p);
    const title = featureTitle(f.source, p);
    if (link) {
      const a = document.createElement('a');
      a.href = link;
      a.textContent = title;
      h.append(a);
    } else {
      h.textContent = title;
    }
    sec.append(h);
    const dl = document.createElement('dl');
    const row = (label, value) => {
      if (value === undefined || value === null || value === '') return;
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      if (value instanceof Node) dd.append(value); else dd.textContent = String(value);
      dl.append(dt, dd);
    };
    row(t('map.js.layer'), t(`map.js.layer.${f.source}`));
    for (const field of fieldsOf[f.source] || []) {
      let v = p[field];
      if (v === undefined) continue;
      if (field === 'status') v = t(`status.${v}`);
      if (field === 'kind') v = f.source === 'rights' ? t(`kind.${v}`) : t(`map.js.kind.${f.source}.${v}`);
      if (field === 'area_km2' && typeof v === 'number') v = t('map.js.km2', v.toFixed(2));
      if (field === 'zone' && v) {
        const a = document.createElement('a');
        a.href = `/zones/${encodeURIComponent(v)}`;
        a.textContent = v;
        v = a;
      }
      row(t(`map.js.field.${field}`), v);
    }
    const clause = clauseOf(f.source, p);
    if (clause) {
      const a = document.createElement('a');
      const n = clause.match(/^专栏(\d+)$/);
      a.href = n ? `/plan/tables/${n[1]}` : '/plan';
      a.textContent = clause;
      row(t('map.js.clause'), a);
    }
    if (p.illustrative === true || p.illustrative === 'true') row(t('map.js.illustrative_label'), t('map.js.illustrative_value'));
    sec.append(dl);
    root.append(sec);
  }
  return root;
}

const fieldsOf = {
  zones: ['code', 'name', 'type_name', 'level'],
  blocks: ['code', 'kind', 'mineral', 'county', 'area_km2', 'zone'],
  rights: ['licence_number', 'kind', 'status', 'holder', 'main_mineral', 'county', 'valid_from', 'valid_to'],
  protected_areas: ['name'],
  red_lines: ['name'],
  applications: ['kind', 'mineral', 'county', 'status'],
};

function featureTitle(layer, p) {
  switch (layer) {
    case 'rights': return p.licence_number || p.id;
    case 'zones': return p.name ? `${p.code} ${p.name}` : p.code;
    case 'blocks': return p.code;
  }
  return p.name || p.id || t(`map.js.layer.${layer}`);
}

function featureLink(layer, p) {
  const enc = encodeURIComponent;
  switch (layer) {
    case 'rights': return p.id ? `/rights/${enc(p.id)}` : null;
    case 'zones': return p.code ? `/zones/${enc(p.code)}` : null;
    case 'blocks': return p.code ? `/blocks/${enc(p.code)}` : null;
  }
  return null;
}

// clauseOf is the plan clause that governs a feature: a zone's table, a
// block's table (专栏16 exploration, 专栏17 mining), a right's main mineral's
// policy clause; the page gives them from the plan being served.
function clauseOf(layer, p) {
  switch (layer) {
    case 'zones': return clauses.zones?.[p.code] || clauses.zone_types?.[p.type];
    case 'blocks': return clauses.blocks?.[p.kind];
    case 'rights': return clauses.minerals?.[p.main_mineral];
    case 'protected_areas': case 'red_lines': return clauses.protected;
  }
  return null;
}

main().catch((e) => {
  console.error(e);
  setStatus(t('map.js.error'));
});
