// The one map's style, shared by every page that draws it (the map, the
// self-check, print): the palette, the style layers of each tile layer,
// the basemap from the configuration, and the tile URLs.

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
export function styleLayers(name) {
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
export const drawOrder = ['zones', 'blocks', 'protected_areas', 'red_lines', 'rights', 'applications'];

export async function getJSON(url) {
  const r = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}

export const absolute = (u) => new URL(u, location.href).href;

// A basemap from the configuration (internal/mapconf: kind xyz or wmts,
// a URL template with {z}, {x}, {y} on Web Mercator, the operator's key in
// it); without one nothing is drawn under the layers.
export function basemapSource(cfg) {
  const b = cfg && cfg.basemap;
  if (!b) return null;
  const tiles = b.tiles || (b.url ? [b.url] : []);
  if (!tiles.length) return null;
  return { type: 'raster', tiles: tiles.map(absolute), tileSize: b.tile_size || 256, attribution: b.attribution || '',
    minzoom: b.min_zoom ?? 0, maxzoom: b.max_zoom || 18 };
}

export function unionBounds(list) {
  const bs = list.filter((b) => Array.isArray(b) && b.length === 4);
  if (!bs.length) return [73.3, 35.3, 80.3, 40.3]; // Kashgar Prefecture
  return [Math.min(...bs.map((b) => b[0])), Math.min(...bs.map((b) => b[1])), Math.max(...bs.map((b) => b[2])), Math.max(...bs.map((b) => b[3]))];
}

// The tiles of a layer, with the as-of date for the rights.
export function tilesFor(tj, asOf) {
  return (tj.tiles || []).map((u) => {
    const url = new URL(u, location.href);
    if (asOf) url.searchParams.set('as_of', asOf);
    return decodeURI(url.href); // keep {z}/{x}/{y} as written
  });
}


// loadLayers reads the map configuration and the tile layers this caller is
// served, in draw order, with each layer's TileJSON.
export async function loadLayers() {
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
  return { cfg, names, tilejson };
}

// baseStyle is the MapLibre style of the layers: background, the basemap if
// one is configured, and each tile layer's style layers.
export function baseStyle(cfg, names, tilejson, asOf) {
  const sources = {};
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': palette.background } }];
  const base = basemapSource(cfg);
  if (base) {
    sources.basemap = base;
    layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
  }
  for (const n of names) {
    const tj = tilejson[n];
    sources[n] = { type: 'vector', tiles: tilesFor(tj, asOf), minzoom: tj.minzoom ?? 0, maxzoom: tj.maxzoom ?? 14,
      ...(Array.isArray(tj.bounds) ? { bounds: tj.bounds } : {}) };
    layers.push(...styleLayers(n));
  }
  return { version: 8, sources, layers };
}

// colourSwatches colours the legend's swatches under root from the palette:
// data-swatch="layer" or "layer:value". Through the CSSOM, which the CSP
// allows (unlike style attributes).
export function colourSwatches(root = document) {
  for (const sw of root.querySelectorAll('[data-swatch]')) {
    const [layer, value] = sw.dataset.swatch.split(':');
    const c = value ? (palette[layer] || {})[value] : palette[layer];
    if (layer === 'zones' && palette.outlineOnlyZones.includes(value)) sw.classList.add('outline');
    if (!c) continue;
    if (sw.classList.contains('outline')) sw.style.borderColor = c;
    else sw.style.backgroundColor = c;
  }
}
