// The self-check's drawing map. Without this script the page is a plain
// form (corner points or a file); with it the caller can also draw the area
// on the map, and the report re-runs as the polygon changes.
//
// The report is the server's: each change POSTs the whole form to /check,
// as the submit button would, and the page's report and field errors are
// replaced by those of the answer. So the live report is the printed one,
// in the same language, from the same template, and nothing is stored.
//
// The drawn polygon is written to the hidden field "drawn" as a GeoJSON
// Polygon in CGCS2000 lon/lat; the features a finding names (data-layer,
// data-key in the report) are outlined on the map.
import { palette, loadLayers, baseStyle, unionBounds, absolute } from './mapstyle.js';

const box = document.getElementById('draw');
const form = box?.closest('form');
const mapEl = document.getElementById('draw-map');
const drawnInput = document.getElementById('drawn');
const statusEl = document.getElementById('draw-status');
const T = JSON.parse(document.getElementById('selfcheck-strings')?.dataset.json || '{}');
const t = (key, ...args) => {
  let s = T[key] ?? key;
  args.forEach((a, i) => { s = s.replaceAll(`{${i}}`, String(a)); });
  return s;
};
const say = (text) => { if (statusEl) statusEl.textContent = text; };

// The attribute each tile layer's features are found by in a finding.
const keyOf = { rights: 'licence_number', zones: 'code', blocks: 'code' };

// The fields whose errors the report's answer may carry, and where a new
// error goes when the page shows none for it yet.
const fields = ['form', 'kind', 'mineral', 'method', 'scale', 'scale_unit', 'county', 'holder', 'area'];

function printButton() {
  const b = document.getElementById('print-report');
  if (!b) return;
  b.hidden = false;
  b.addEventListener('click', () => window.print());
}

// replaceFromAnswer puts the answer's report and field errors in place of
// the page's, keeping the form as typed (and the map as drawn).
function replaceFromAnswer(html) {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const slot = document.getElementById('report-slot');
  const neu = doc.getElementById('report-slot');
  if (slot && neu) slot.replaceChildren(...[...neu.childNodes].map((n) => document.importNode(n, true)));
  for (const f of fields) {
    const id = `${f}-error`;
    const was = document.getElementById(id);
    const now = doc.getElementById(id);
    const control = f === 'form' || f === 'area' ? null : document.getElementById(f);
    if (control) {
      if (now) { control.setAttribute('aria-invalid', 'true'); control.setAttribute('aria-describedby', id); }
      else { control.removeAttribute('aria-invalid'); control.removeAttribute('aria-describedby'); }
    }
    if (!now) { was?.remove(); continue; }
    const copy = document.importNode(now, true);
    if (was) { was.replaceWith(copy); continue; }
    if (control) control.after(copy);
    else if (f === 'area') document.getElementById('points')?.closest('fieldset')?.querySelector('legend')?.after(copy);
    else form.before(copy);
  }
  printButton();
}

async function main() {
  if (!box || !form || !mapEl) return;
  box.hidden = false;
  say(t('selfcheck.js.loading'));
  const maplibre = await import(box.dataset.maplibre);
  maplibre.setWorkerUrl(absolute(box.dataset.worker));
  const { cfg, names, tilejson } = await loadLayers();

  // The corners drawn, [lon, lat] each, the ring not closed.
  let corners = [];
  try {
    const g = drawnInput.value ? JSON.parse(drawnInput.value) : null;
    if (g && g.type === 'Polygon' && Array.isArray(g.coordinates?.[0])) corners = g.coordinates[0].slice(0, -1);
  } catch { corners = []; }

  const style = baseStyle(cfg, names, tilejson);
  const bounds = corners.length >= 3
    ? [Math.min(...corners.map((c) => c[0])), Math.min(...corners.map((c) => c[1])), Math.max(...corners.map((c) => c[0])), Math.max(...corners.map((c) => c[1]))]
    : unionBounds(names.map((n) => tilejson[n].bounds));
  const map = new maplibre.Map({
    container: mapEl, style, bounds, fitBoundsOptions: { padding: 20, maxZoom: 14 }, maxZoom: 18,
    attributionControl: { compact: true }, dragRotate: false, pitchWithRotate: false, touchPitch: false, doubleClickZoom: false,
  });
  map.touchZoomRotate.disableRotation();
  map.keyboard.enable();
  map.addControl(new maplibre.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibre.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-left');
  window.mineplan = { map, corners: () => corners.slice() };
  // The "illustrative data" mark whenever illustrative features show.
  const mark = document.getElementById('draw-illustrative');
  const fills = names.map((n) => `${n}-fill`);
  map.on('idle', () => {
    const shown = map.queryRenderedFeatures({ layers: fills.filter((id) => map.getLayer(id)) })
      .some((f) => f.properties.illustrative === true || f.properties.illustrative === 'true');
    if (mark) mark.hidden = !shown;
    mapEl.dataset.idle = 'true';
  });
  // A data event may need no new frame, and 'idle' follows only a frame:
  // ask for one, so data-idle always comes back to true.
  map.on('dataloading', () => { mapEl.dataset.idle = 'false'; map.triggerRepaint(); });
  map.on('movestart', () => { mapEl.dataset.idle = 'false'; });
  await new Promise((resolve) => map.on('load', resolve));

  // The features the report names, outlined over their layers.
  for (const n of names) {
    if (!keyOf[n]) continue;
    map.addLayer({ id: `${n}-overlap`, type: 'line', source: n, 'source-layer': n, filter: ['in', ['get', keyOf[n]], ['literal', []]],
      paint: { 'line-color': palette.applications, 'line-width': 4 } });
  }
  map.addSource('drawn', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({ id: 'drawn-fill', type: 'fill', source: 'drawn', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': palette.applications, 'fill-opacity': 0.2 } });
  map.addLayer({ id: 'drawn-line', type: 'line', source: 'drawn', filter: ['!=', ['geometry-type'], 'Point'], paint: { 'line-color': palette.applications, 'line-width': 2 } });
  map.addLayer({ id: 'drawn-corners', type: 'circle', source: 'drawn', filter: ['==', ['geometry-type'], 'Point'],
    paint: { 'circle-radius': 6, 'circle-color': '#ffffff', 'circle-stroke-color': palette.applications, 'circle-stroke-width': 2 } });

  // The area of a report from corner points or a file, shown (not drawn).
  map.addSource('area', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({ id: 'area-line', type: 'line', source: 'area', paint: { 'line-color': palette.applications, 'line-width': 2, 'line-dasharray': [2, 1] } });
  const showArea = () => {
    const el = document.getElementById('report-area');
    const g = el && !corners.length ? JSON.parse(el.dataset.json) : null;
    map.getSource('area').setData(g ? { type: 'Feature', properties: {}, geometry: g } : { type: 'FeatureCollection', features: [] });
    if (!g) return;
    const pts = g.coordinates.flat(2);
    map.fitBounds([[Math.min(...pts.map((p) => p[0])), Math.min(...pts.map((p) => p[1]))], [Math.max(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[1]))]],
      { padding: 40, maxZoom: 15, animate: false });
  };

  const highlight = () => {
    const keys = {};
    for (const el of document.querySelectorAll('#report-slot .overlap[data-layer][data-key]')) {
      (keys[el.dataset.layer] ||= []).push(el.dataset.key);
    }
    for (const n of names) {
      if (map.getLayer(`${n}-overlap`)) map.setFilter(`${n}-overlap`, ['in', ['get', keyOf[n]], ['literal', keys[n] || []]]);
    }
  };

  let pending = null; // the check in flight
  let timer = 0;
  const check = async () => {
    pending?.abort();
    const ctl = new AbortController();
    pending = ctl;
    say(t('selfcheck.js.checking'));
    try {
      const r = await fetch(form.action, { method: 'POST', body: new FormData(form), signal: ctl.signal, credentials: 'same-origin' });
      const html = await r.text();
      if (ctl.signal.aborted) return;
      if (!r.ok && r.status !== 422) throw new Error(`${r.status}`);
      replaceFromAnswer(html);
      highlight();
      showArea();
      say(`${t('selfcheck.js.corners', corners.length)} · ${t('selfcheck.js.updated')}`);
      box.dataset.checked = String(Number(box.dataset.checked || 0) + 1);
    } catch (e) {
      if (e.name !== 'AbortError') { console.error(e); say(t('selfcheck.js.failed')); }
    }
  };

  const changed = (run = true) => {
    const ring = corners.length >= 3 ? [...corners, corners[0]] : null;
    drawnInput.value = ring ? JSON.stringify({ type: 'Polygon', coordinates: [ring] }) : '';
    const feats = corners.map((c, i) => ({ type: 'Feature', properties: { i }, geometry: { type: 'Point', coordinates: c } }));
    if (ring) feats.push({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } });
    else if (corners.length === 2) feats.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: corners } });
    map.getSource('drawn').setData({ type: 'FeatureCollection', features: feats });
    if (!ring) {
      // No area any more: a check still waiting or in flight is dropped.
      clearTimeout(timer);
      pending?.abort();
      say(`${t('selfcheck.js.corners', corners.length)} · ${t('selfcheck.js.need_three')}`);
      return;
    }
    say(t('selfcheck.js.corners', corners.length));
    if (run) { clearTimeout(timer); timer = setTimeout(check, 250); }
  };
  changed(false);
  highlight();
  showArea();

  // Dragging a corner moves it; a click elsewhere adds one.
  let dragging = -1;
  map.on('mousedown', 'drawn-corners', (e) => {
    e.preventDefault();
    dragging = e.features[0].properties.i;
    map.dragPan.disable();
  });
  map.on('mousemove', (e) => {
    if (dragging < 0) return;
    corners[dragging] = [e.lngLat.lng, e.lngLat.lat];
    changed(false);
  });
  map.on('mouseup', () => {
    if (dragging < 0) return;
    dragging = -1;
    map.dragPan.enable();
    changed();
  });
  map.on('click', (e) => {
    if (map.queryRenderedFeatures(e.point, { layers: ['drawn-corners'] }).length) return;
    corners.push([e.lngLat.lng, e.lngLat.lat]);
    changed();
  });
  map.on('mouseenter', 'drawn-corners', () => { map.getCanvas().style.cursor = 'move'; });
  map.on('mouseleave', 'drawn-corners', () => { map.getCanvas().style.cursor = ''; });

  document.getElementById('draw-add-centre')?.addEventListener('click', () => {
    const c = map.getCenter();
    corners.push([c.lng, c.lat]);
    changed();
  });
  document.getElementById('draw-undo')?.addEventListener('click', () => { corners.pop(); changed(); });
  document.getElementById('draw-clear')?.addEventListener('click', () => { corners = []; changed(); });
  // A new choice in the form re-runs the check of what is drawn.
  form.addEventListener('change', (e) => { if (e.target.name !== 'file' && corners.length >= 3) changed(); });
}

printButton();
main().catch((e) => {
  console.error(e);
  say(t('selfcheck.js.failed'));
});
