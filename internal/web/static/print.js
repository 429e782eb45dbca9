// The print page (出图): draws the map into the sheet's frame and composes
// the PNG. Everything else on the sheet — the extent, the scale and its
// bar, the graticule, the north arrow, the legend's entries, the corner
// points, the statement and the 审图号 — is laid out by the server
// (print.go); this script only colours the legend's swatches from the
// shared palette (mapstyle.js), draws the map with MapLibre fixed to the
// server's extent, and paints the sheet into a canvas for the PNG.
//
// PDF: the browser's print (window.print, "Save as PDF"); the page's
// print-<paper>-<orientation>.css sets the page size, and the map canvas
// keeps its drawing (preserveDrawingBuffer) so the print has it.
// #print-map sets data-idle="true" once MapLibre is idle (tests wait for
// it).

import { colourSwatches, loadLayers, baseStyle, absolute } from './mapstyle.js';

const root = document.getElementById('print-page');
const dataEl = document.getElementById('print-data');
const status = document.getElementById('print-status');
const say = (key) => { if (status) status.textContent = status.dataset[key] || ''; };

async function main() {
  const D = JSON.parse(dataEl.dataset.json);
  colourSwatches(root);
  const maplibre = await import(root.dataset.maplibre);
  maplibre.setWorkerUrl(absolute(root.dataset.worker));
  const { cfg, names, tilejson } = await loadLayers();
  // The layers the server put in the legend, of those the tiles serve.
  const shown = (D.layers || []).filter((n) => names.includes(n));
  const mapEl = document.getElementById('print-map');
  const [w, s, e, n] = D.extent;
  const map = new maplibre.Map({
    container: mapEl,
    style: baseStyle(cfg, shown, tilejson, D.as_of || ''),
    bounds: [[w, s], [e, n]],
    fitBoundsOptions: { padding: 0 },
    interactive: false,
    attributionControl: false,
    pixelRatio: D.pixel_ratio,
    canvasContextAttributes: { preserveDrawingBuffer: true },
    fadeDuration: 0,
    maxZoom: 22,
  });
  window.mineplan = { ...(window.mineplan || {}), printMap: map };
  map.on('error', (ev) => { console.error('print map:', ev.error?.message || ev); say('error'); });
  // A data event may need no new frame, and 'idle' follows only a frame:
  // ask for one, so data-idle always comes back to true.
  map.on('dataloading', () => { mapEl.dataset.idle = 'false'; map.triggerRepaint(); });
  map.on('idle', () => {
    mapEl.dataset.idle = 'true';
    for (const b of document.querySelectorAll('#print-pdf, #print-png')) b.disabled = false;
    say('ready');
  });
  document.getElementById('print-pdf')?.addEventListener('click', () => window.print());
  document.getElementById('print-png')?.addEventListener('click', async () => {
    say('png');
    try {
      const blob = await sheetPNG(document.getElementById('sheet'), D.png[0], D.png[1]);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `${D.name}.png`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 60000);
      say('done');
    } catch (err) {
      console.error(err);
      say('error');
    }
  });
}

// sheetPNG paints the sheet as laid out on the screen into a canvas of
// width × height pixels (the paper at 150 dpi): backgrounds, borders, the
// map's canvas, the SVG parts (graticule, north arrow, scale bar) and the
// text, each where the browser placed it.
async function sheetPNG(sheet, width, height) {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  const origin = sheet.getBoundingClientRect();
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.scale(width / origin.width, height / origin.height);
  const rel = (r) => ({ x: r.left - origin.left, y: r.top - origin.top, w: r.width, h: r.height });
  const svgs = [];

  function box(el, cs) {
    const r = rel(el.getBoundingClientRect());
    const bg = cs.backgroundColor;
    if (bg && !/rgba\(.*, 0\)$/.test(bg) && bg !== 'transparent') {
      ctx.fillStyle = bg;
      ctx.fillRect(r.x, r.y, r.w, r.h);
    }
    const side = (name) => ({ w: parseFloat(cs[`border${name}Width`]) || 0, c: cs[`border${name}Color`], s: cs[`border${name}Style`] });
    const t = side('Top'), b = side('Bottom'), l = side('Left'), rt = side('Right');
    const line = (bd, x, y, ww, hh) => {
      if (bd.w <= 0 || bd.s === 'none' || bd.s === 'hidden') return;
      ctx.fillStyle = bd.c;
      ctx.fillRect(x, y, ww, hh);
    };
    line(t, r.x, r.y, r.w, t.w);
    line(b, r.x, r.y + r.h - b.w, r.w, b.w);
    line(l, r.x, r.y, l.w, r.h);
    line(rt, r.x + r.w - rt.w, r.y, rt.w, r.h);
  }

  function text(node, cs) {
    const chars = Array.from(node.textContent);
    const range = document.createRange();
    let offset = 0;
    let run = null;
    const flush = () => {
      if (!run || !run.text.trim()) { run = null; return; }
      ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      ctx.fillStyle = cs.color;
      ctx.textBaseline = 'middle';
      ctx.direction = cs.direction === 'rtl' ? 'rtl' : 'ltr';
      const y = (run.top + run.bottom) / 2;
      if (ctx.direction === 'rtl') {
        ctx.textAlign = 'right';
        ctx.fillText(run.text, run.right, y);
      } else {
        ctx.textAlign = 'left';
        ctx.fillText(run.text, run.left, y);
      }
      run = null;
    };
    for (const ch of chars) {
      range.setStart(node, offset);
      range.setEnd(node, offset + ch.length);
      offset += ch.length;
      const rects = range.getClientRects();
      if (!rects.length || rects[0].width === 0) continue; // collapsed white space
      const r = rel(rects[0]);
      if (run && Math.abs(r.y - run.top) > r.h / 2) flush();
      if (!run) run = { text: '', left: r.x, right: r.x + r.w, top: r.y, bottom: r.y + r.h };
      run.text += ch;
      run.left = Math.min(run.left, r.x);
      run.right = Math.max(run.right, r.x + r.w);
    }
    flush();
  }

  function paint(el) {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') return;
    if (el instanceof HTMLCanvasElement) {
      const r = rel(el.getBoundingClientRect());
      ctx.drawImage(el, r.x, r.y, r.w, r.h);
      return;
    }
    if (el instanceof SVGSVGElement) {
      svgs.push(el);
      return;
    }
    box(el, cs);
    // Inside the map only its canvas (MapLibre's controls are not drawn).
    const inMap = el.id === 'print-map';
    for (const c of el.childNodes) {
      if (c.nodeType === Node.TEXT_NODE && !inMap) text(c, cs);
      else if (c.nodeType === Node.ELEMENT_NODE && (!inMap || c.matches('.maplibregl-canvas-container, canvas'))) paint(c);
    }
  }

  // Backgrounds and text in document order, then the SVG parts on top
  // (they are drawn as images, which load asynchronously).
  paint(sheet);
  for (const svg of svgs) {
    const r = rel(svg.getBoundingClientRect());
    const xml = new XMLSerializer().serializeToString(svg);
    const url = URL.createObjectURL(new Blob([xml], { type: 'image/svg+xml' }));
    try {
      const img = new Image();
      img.src = url;
      await img.decode();
      ctx.drawImage(img, r.x, r.y, r.w, r.h);
    } finally {
      URL.revokeObjectURL(url);
    }
  }
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob'))), 'image/png'));
}

if (dataEl) {
  main().catch((e) => {
    console.error(e);
    say('error');
  });
}
