// The map page's print link (出图): /print with the map's current bounds,
// its visible layers and its as-of date, kept up to date as the map moves.
// It reads the map from window.mineplan.map or the 'mineplan:map' event
// map.js sends once the map has loaded.

const link = document.getElementById('print-link');

function follow(map) {
  if (!link || !map) return;
  const update = () => {
    const b = map.getBounds();
    const f = (v) => v.toFixed(6);
    const q = new URLSearchParams();
    q.set('bbox', [f(b.getWest()), f(b.getSouth()), f(b.getEast()), f(b.getNorth())].join(','));
    const layers = [...document.querySelectorAll('input[data-layer]')].filter((x) => x.checked).map((x) => x.dataset.layer);
    if (layers.length) q.set('layers', layers.join(','));
    const asOf = document.getElementById('as-of')?.value;
    if (asOf && /^\d{4}-\d{2}-\d{2}$/.test(asOf)) q.set('as_of', asOf);
    link.href = `/print?${q}`;
    link.hidden = false;
  };
  map.on('moveend', update);
  document.addEventListener('change', (e) => { if (e.target.matches('input[data-layer], #as-of')) update(); });
  update();
}

if (window.mineplan && window.mineplan.map) follow(window.mineplan.map);
else document.addEventListener('mineplan:map', (e) => follow(e.detail && e.detail.map), { once: true });
