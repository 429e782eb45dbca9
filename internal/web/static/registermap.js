// The register's map (GET /register): MapLibre beside the table, on the
// server's own tiles (mapstyle.js, the one map's style), with the page's
// rights outlined and a button on each row that flies the map to it. The
// table is the page: without JavaScript, or if the map fails, it works
// unchanged.
//
// The rows carry data-licence and data-bbox (minLon,minLat,maxLon,maxLat);
// the rights tiles carry licence_number, so the highlight is a filter on
// it (a right without a licence number is shown by flying to its box).
// #register-map sets data-idle="true" whenever MapLibre is idle.
import { loadLayers, baseStyle, unionBounds } from './mapstyle.js';

const el = document.getElementById('register-map');
const strings = document.getElementById('register-map-strings');
const T = strings ? JSON.parse(strings.dataset.json) : {};
const status = (key) => {
  const s = document.getElementById('register-map-status');
  if (s) s.textContent = key ? (T[key] || '') : '';
};

const rows = [...document.querySelectorAll('.register-table tbody tr[data-bbox]')];
const boxOf = (tr) => tr.dataset.bbox.split(',').map(Number);

async function main() {
  if (!el || !rows.length) return;
  status('officer.map.loading');
  const maplibre = await import(el.dataset.maplibre);
  maplibre.setWorkerUrl(new URL(el.dataset.worker, location.href).href);
  const { cfg, names, tilejson } = await loadLayers();
  const shown = names.filter((n) => n === 'rights' || n === 'zones');
  const style = baseStyle(cfg, shown, tilejson);
  const licences = rows.map((tr) => tr.dataset.licence).filter(Boolean);
  if (shown.includes('rights')) {
    style.layers.push({ id: 'rights-page', type: 'line', source: 'rights', 'source-layer': 'rights',
      filter: ['in', ['get', 'licence_number'], ['literal', licences]],
      paint: { 'line-color': '#e7298a', 'line-width': 3 } });
    style.layers.push({ id: 'rights-selected', type: 'line', source: 'rights', 'source-layer': 'rights',
      filter: ['==', ['get', 'licence_number'], ''], paint: { 'line-color': '#111111', 'line-width': 4 } });
  }
  const page = unionBounds(rows.map(boxOf));
  const map = new maplibre.Map({
    container: el, style, bounds: page, fitBoundsOptions: { padding: 20, maxZoom: 13 },
    maxZoom: 18, attributionControl: { compact: true }, dragRotate: false, pitchWithRotate: false, touchPitch: false,
  });
  map.addControl(new maplibre.NavigationControl({ showCompass: false }));
  map.on('idle', () => { el.dataset.idle = 'true'; });
  map.on('movestart', () => { el.dataset.idle = 'false'; });
  map.on('error', (e) => console.warn('register map:', e && e.error));
  map.once('load', () => status(''));

  const select = (tr) => {
    for (const r of rows) r.classList.toggle('on-map', r === tr);
    const b = boxOf(tr);
    if (b.length === 4 && b.every(Number.isFinite)) {
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 40, maxZoom: 14, duration: 600 });
    }
    if (map.getLayer('rights-selected')) map.setFilter('rights-selected', ['==', ['get', 'licence_number'], tr.dataset.licence || '\u0000']);
    status(tr.dataset.licence ? '' : 'officer.map.no_licence');
    el.dataset.selected = tr.dataset.id || '';
  };
  for (const tr of rows) {
    // A button in the first cell, for the keyboard; a click anywhere on the
    // row but its links does the same.
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'fly';
    btn.textContent = T['officer.map.show'] || '';
    btn.setAttribute('aria-label', `${btn.textContent}: ${tr.dataset.licence || tr.dataset.id}`);
    btn.addEventListener('click', (ev) => { ev.stopPropagation(); select(tr); });
    tr.cells[0]?.append(btn);
    tr.addEventListener('click', (ev) => {
      if (ev.target.closest('a, button')) return;
      select(tr);
    });
  }
}

main().catch((e) => {
  console.warn('register map:', e);
  status('officer.map.failed');
});
