// The public map (一张图): MapLibre GL on the server's own vector tiles.
//
// Everything it shows in words comes from the page: the layer toggles, the
// legend's labels and the popup's field names are rendered by the server
// from the message catalogue; the strings this script needs are JSON in
// the data-json attribute of #map-strings (no inline script, so the CSP's
// script-src 'self' holds). No request leaves the server: the
// style has no glyphs or sprite, draws no text, and the background is plain
// unless the operator configured a basemap.
//
// Hooks: when the map has loaded, document receives the event
// 'mineplan:map' with detail {map}, for maptools.js (search, measure,
// print); #map sets data-idle="true" whenever MapLibre is idle (the browser
// tests wait for it).

// The palette and style layers are in mapstyle.js.

import { palette, colourSwatches, styleLayers, drawOrder, absolute, unionBounds, tilesFor, loadLayers, baseStyle } from './mapstyle.js';

export { palette };


const page = document.getElementById('map-page');
const mapEl = document.getElementById('map');
const T = JSON.parse(document.getElementById('map-strings').dataset.json);
const clauses = JSON.parse(document.getElementById('map-clauses').dataset.json);
const t = (key, ...args) => {
  let s = T[key] ?? key;
  args.forEach((a, i) => { s = s.replaceAll(`{${i}}`, String(a)); });
  return s;
};

function setStatus(text) {
  const el = document.getElementById('map-status');
  if (el) el.textContent = text;
}

async function main() {
  const maplibre = await import(page.dataset.maplibre);
  maplibre.setWorkerUrl(absolute(page.dataset.worker));

  const { cfg, names, tilejson } = await loadLayers();

  // Toggles for layers this caller is not served are removed.
  for (const box of document.querySelectorAll('input[data-layer]')) {
    if (!names.includes(box.dataset.layer)) box.closest('li')?.remove();
  }
  for (const li of document.querySelectorAll('[data-legend-layer]')) {
    if (!names.includes(li.dataset.legendLayer)) li.remove();
  }
  colourSwatches();


  const bounds = unionBounds(names.map((n) => tilejson[n].bounds));

  const map = new maplibre.Map({
    container: mapEl,
    style: baseStyle(cfg, names, tilejson),
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
  // A data event may need no new frame, and 'idle' follows only a frame:
  // ask for one, so data-idle always comes back to true.
  map.on('dataloading', () => { mapEl.dataset.idle = 'false'; map.triggerRepaint(); });
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
