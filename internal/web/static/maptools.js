// The map's tools: search with autocomplete and the ellipsoidal measure.
//
// Both are answered by the server: GET /api/v1/search finds rights (in the
// database, within what the caller may see), planning blocks and zones;
// POST /api/v1/measure computes a drawn line's geodesic length or a drawn
// polygon's ellipsoidal area on CGCS2000, with the same code the reviews
// use. The browser only draws.
//
// The search box is the ARIA 1.2 combobox pattern (an input with
// role=combobox controlling a listbox; ↑ ↓ move the active option,
// aria-activedescendant names it, Enter picks it, Escape closes the list or
// clears the box). Picking a suggestion flies the map to its box and offers
// a link to its page. The strings come from the page's #map-strings block
// (maptools.js.* keys), as map.js's do; nothing here is inline (CSP).

const strings = (() => {
  try { return JSON.parse(document.getElementById('map-strings')?.dataset.json || '{}'); } catch { return {}; }
})();
const t = (key, ...args) => {
  let s = strings[key] ?? key;
  args.forEach((a, i) => { s = s.replaceAll(`{${i}}`, String(a)); });
  return s;
};
const lang = document.documentElement.lang || 'zh-CN';
const fmt = (v, digits) => {
  try { return new Intl.NumberFormat(lang, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v); } catch { return v.toFixed(digits); }
};
const reducedMotion = () => window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;

let map = null;
const whenMap = [];
function gotMap(m) {
  if (map || !m) return;
  map = m;
  for (const fn of whenMap.splice(0)) fn(map);
}
document.addEventListener('mineplan:map', (e) => gotMap(e.detail?.map));
// map.js may have loaded the map before this module ran.
if (window.mineplan?.map?.loaded?.()) gotMap(window.mineplan.map);
const onMap = (fn) => { if (map) fn(map); else whenMap.push(fn); };

// ---- Search ----------------------------------------------------------------

const input = document.getElementById('map-search');
const list = document.getElementById('map-search-list');
const status = document.getElementById('map-search-status');
const picked = document.getElementById('map-search-picked');
let items = [];
let active = -1;
let timer = null;
let controller = null;
let lastQuery = '';

function setExpanded(open) {
  list.hidden = !open;
  input.setAttribute('aria-expanded', String(open));
  if (!open) setActive(-1);
}

function setActive(i) {
  active = i;
  for (const [k, li] of [...list.children].entries()) li.setAttribute('aria-selected', String(k === i));
  if (i >= 0 && list.children[i]) {
    input.setAttribute('aria-activedescendant', list.children[i].id);
    list.children[i].scrollIntoView?.({ block: 'nearest' });
  } else {
    input.removeAttribute('aria-activedescendant');
  }
}

function render(answer) {
  items = answer.suggestions || [];
  list.replaceChildren();
  items.forEach((s, i) => {
    const li = document.createElement('li');
    li.id = `map-search-opt-${i}`;
    li.setAttribute('role', 'option');
    li.setAttribute('aria-selected', 'false');
    li.dataset.index = String(i);
    li.dataset.kind = s.kind;
    const kind = document.createElement('span');
    kind.className = 'combo-kind';
    kind.textContent = t(`maptools.js.kind.${s.kind}`);
    const code = document.createElement('span');
    code.className = 'combo-code';
    code.dir = 'ltr';
    code.textContent = s.label;
    li.append(kind, ' ', code);
    if (s.detail) {
      const d = document.createElement('span');
      d.className = 'combo-detail';
      d.textContent = s.detail;
      li.append(' ', d);
    }
    li.addEventListener('pointerdown', (e) => e.preventDefault()); // keep focus in the box
    li.addEventListener('click', () => pick(i));
    list.append(li);
  });
  let msg = items.length ? t('maptools.js.results', items.length) : t('maptools.js.no_results', answer.q ?? input.value);
  const rights = items.filter((s) => s.kind === 'right').length;
  if (answer.rights_matched > rights) msg += ` ${t('maptools.js.more', answer.rights_matched)}`;
  status.textContent = msg;
  setExpanded(items.length > 0 && document.activeElement === input);
}

async function search(q) {
  controller?.abort();
  controller = new AbortController();
  try {
    const r = await fetch(`/api/v1/search?q=${encodeURIComponent(q)}&limit=8`, { credentials: 'same-origin', headers: { Accept: 'application/json' }, signal: controller.signal });
    const j = await r.json();
    if (q !== input.value.trim()) return; // typed on meanwhile
    if (!r.ok) {
      items = [];
      list.replaceChildren();
      setExpanded(false);
      status.textContent = t('maptools.js.search_error', j.error?.text || j.error?.message || r.status);
      return;
    }
    render(j);
  } catch (e) {
    if (e.name !== 'AbortError') status.textContent = t('maptools.js.search_error', e.message);
  }
}

function pick(i) {
  const s = items[i];
  if (!s) return;
  input.value = s.label;
  lastQuery = s.label;
  setExpanded(false);
  picked.replaceChildren();
  const a = document.createElement('a');
  a.href = s.url;
  a.textContent = t('maptools.js.open', s.label);
  picked.append(a);
  if (!s.bbox) {
    status.textContent = t('maptools.js.no_geometry', s.label);
    return;
  }
  onMap((m) => {
    const [w, so, e, n] = s.bbox;
    m.fitBounds([[w, so], [e, n]], { padding: 40, maxZoom: 14, duration: reducedMotion() ? 0 : 600 });
    showPicked(m, s.bbox);
    status.textContent = t('maptools.js.flown', s.label);
  });
}

// showPicked outlines the picked feature's box.
function showPicked(m, [w, s, e, n]) {
  const data = { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[w, s], [e, s], [e, n], [w, n], [w, s]] } };
  const src = m.getSource('maptools-picked');
  if (src) { src.setData(data); return; }
  m.addSource('maptools-picked', { type: 'geojson', data });
  m.addLayer({ id: 'maptools-picked-line', type: 'line', source: 'maptools-picked', paint: { 'line-color': '#ffbf00', 'line-width': 3, 'line-dasharray': [2, 1] } });
}

if (input && list) {
  document.getElementById('search-tool').hidden = false;
  input.addEventListener('input', () => {
    const q = input.value.trim();
    clearTimeout(timer);
    if (!q) {
      controller?.abort();
      items = [];
      list.replaceChildren();
      setExpanded(false);
      status.textContent = '';
      return;
    }
    if (q === lastQuery && items.length) { setExpanded(true); return; }
    lastQuery = q;
    timer = setTimeout(() => search(q), 200);
  });
  input.addEventListener('keydown', (e) => {
    const open = !list.hidden;
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (!items.length) return;
        if (!open) { setExpanded(true); setActive(0); return; }
        setActive((active + 1) % items.length);
        break;
      case 'ArrowUp':
        e.preventDefault();
        if (!items.length) return;
        if (!open) { setExpanded(true); setActive(items.length - 1); return; }
        setActive(active <= 0 ? items.length - 1 : active - 1);
        break;
      case 'Enter':
        if (open && items.length) {
          e.preventDefault();
          pick(active >= 0 ? active : 0);
        }
        break;
      case 'Escape':
        e.preventDefault();
        e.stopPropagation();
        if (open) setExpanded(false);
        else { input.value = ''; items = []; lastQuery = ''; list.replaceChildren(); status.textContent = ''; }
        break;
    }
  });
  input.addEventListener('blur', () => setTimeout(() => setExpanded(false), 100));
  input.addEventListener('focus', () => { if (items.length && input.value.trim() === lastQuery) setExpanded(true); });
}

// ---- Measure ---------------------------------------------------------------

const result = document.getElementById('measure-result');
const buttons = {
  distance: document.getElementById('measure-distance'),
  area: document.getElementById('measure-area'),
  finish: document.getElementById('measure-finish'),
  clear: document.getElementById('measure-clear'),
};
const measure = { mode: null, points: [], finished: false, controller: null, seq: 0 };

function setMeasuring(on) {
  window.mineplan = window.mineplan || {};
  window.mineplan.measuring = on; // map.js then does not identify on click
  onMap((m) => {
    if (on) m.doubleClickZoom.disable(); else m.doubleClickZoom.enable();
    m.getCanvas().style.cursor = on ? 'crosshair' : '';
  });
}

function geometry() {
  const p = measure.points;
  if (measure.mode === 'distance') return p.length >= 2 ? { type: 'LineString', coordinates: p } : null;
  return p.length >= 3 ? { type: 'Polygon', coordinates: [[...p, p[0]]] } : null;
}

function draw() {
  onMap((m) => {
    const feats = measure.points.map((c) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } }));
    const g = geometry();
    if (g) feats.unshift({ type: 'Feature', properties: {}, geometry: g });
    else if (measure.points.length === 2) feats.unshift({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: measure.points } });
    const data = { type: 'FeatureCollection', features: feats };
    const src = m.getSource('maptools-measure');
    if (src) { src.setData(data); return; }
    m.addSource('maptools-measure', { type: 'geojson', data });
    m.addLayer({ id: 'maptools-measure-fill', type: 'fill', source: 'maptools-measure', filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': '#00838f', 'fill-opacity': 0.18 } });
    m.addLayer({ id: 'maptools-measure-line', type: 'line', source: 'maptools-measure', filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'line-color': '#005662', 'line-width': 2.5 } });
    m.addLayer({ id: 'maptools-measure-points', type: 'circle', source: 'maptools-measure', filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 4, 'circle-color': '#ffffff', 'circle-stroke-color': '#005662', 'circle-stroke-width': 2 } });
  });
}

function show(text, answer) {
  result.textContent = text;
  if (answer) {
    result.dataset.type = answer.type;
    result.dataset.value = String(answer.area_m2 ?? answer.length_m);
    result.dataset.unit = answer.area_m2 !== undefined ? 'm2' : 'm';
  } else {
    delete result.dataset.type; delete result.dataset.value; delete result.dataset.unit;
  }
}

function figure(a) {
  if (a.length_m !== undefined) return t('maptools.js.length', fmt(a.length_m, 2), fmt(a.length_km, 3));
  return `${t('maptools.js.area', fmt(a.area_m2, 1), fmt(a.area_km2, 4), fmt(a.area_ha, 2))}; ${t('maptools.js.perimeter', fmt(a.perimeter_km, 3))}`;
}

async function compute() {
  const g = geometry();
  const need = measure.mode === 'distance' ? 2 : 3;
  buttons.finish.disabled = measure.finished || measure.points.length < need;
  buttons.clear.disabled = measure.points.length === 0 && !measure.mode;
  if (!g) {
    show(measure.points.length ? t('maptools.js.need', measure.points.length, need)
      : t(measure.mode === 'distance' ? 'maptools.js.start_distance' : 'maptools.js.start_area'));
    return;
  }
  measure.controller?.abort();
  measure.controller = new AbortController();
  const seq = ++measure.seq;
  result.setAttribute('aria-busy', 'true');
  try {
    const r = await fetch('/api/v1/measure', { method: 'POST', credentials: 'same-origin', signal: measure.controller.signal,
      headers: { 'Content-Type': 'application/geo+json', Accept: 'application/json' }, body: JSON.stringify(g) });
    const j = await r.json();
    if (seq !== measure.seq) return;
    if (!r.ok) { show(t('maptools.js.refused', j.error?.text || j.error?.message || r.status)); return; }
    const text = figure(j);
    show(measure.finished ? t('maptools.js.finished', text) : text, j);
  } catch (e) {
    if (e.name !== 'AbortError') show(t('maptools.js.refused', e.message));
  } finally {
    if (seq === measure.seq) result.removeAttribute('aria-busy');
  }
}

function start(mode) {
  measure.mode = mode;
  measure.points = [];
  measure.finished = false;
  for (const k of ['distance', 'area']) buttons[k].setAttribute('aria-pressed', String(k === mode));
  setMeasuring(true);
  draw();
  compute();
}

function finish() {
  if (!measure.mode || measure.finished) return;
  measure.finished = true;
  setMeasuring(false);
  for (const k of ['distance', 'area']) buttons[k].setAttribute('aria-pressed', 'false');
  compute();
}

function clear() {
  measure.controller?.abort();
  measure.seq++;
  measure.mode = null;
  measure.points = [];
  measure.finished = false;
  for (const k of ['distance', 'area']) buttons[k].setAttribute('aria-pressed', 'false');
  setMeasuring(false);
  draw();
  buttons.finish.disabled = true;
  buttons.clear.disabled = true;
  show(t('maptools.js.cleared'));
}

function addPoint(m, lngLat) {
  if (!measure.mode || measure.finished) return;
  const p = [Number(lngLat.lng.toFixed(8)), Number(lngLat.lat.toFixed(8))];
  const last = measure.points[measure.points.length - 1];
  if (last) {
    // The two clicks of a double-click land on one place: one vertex.
    const a = m.project(last), b = m.project(p);
    if (Math.hypot(a.x - b.x, a.y - b.y) < 4) return;
  }
  measure.points.push(p);
  draw();
  compute();
}

if (result && buttons.distance) {
  document.getElementById('measure-tool').hidden = false;
  buttons.distance.addEventListener('click', () => (measure.mode === 'distance' && !measure.finished ? finish() : start('distance')));
  buttons.area.addEventListener('click', () => (measure.mode === 'area' && !measure.finished ? finish() : start('area')));
  buttons.finish.addEventListener('click', finish);
  buttons.clear.addEventListener('click', clear);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && measure.mode && e.target !== input) clear();
  });
  onMap((m) => {
    m.on('click', (e) => addPoint(m, e.lngLat));
    m.on('dblclick', (e) => {
      if (!measure.mode || measure.finished) return;
      e.preventDefault();
      finish();
    });
    // Keyboard: Enter on the map adds its centre.
    m.getCanvas().addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && measure.mode && !measure.finished) { e.preventDefault(); addPoint(m, m.getCenter()); }
    });
  });
}
