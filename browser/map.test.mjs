// The public map (一张图) in headless Chromium: MapLibre renders the
// server's tiles, layers toggle, a click on a known right shows its licence
// number, the coordinates come from the server, the as-of date re-requests
// the rights tiles, axe finds nothing serious, and the page works in
// Chinese, Uyghur (right to left) and English and at 375 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, stop, axe, formatViolations, screenshot, countNonBackground } from './harness.mjs';

const background = [0xf4, 0xf1, 0xea]; // palette.background in map.js

let h;
before(async () => { h = await start(); });
after(stop);

// track keeps the page's open and failed requests, to say why if the map
// never goes idle.
function track(page) {
  page.openRequests = new Map();
  page.failedRequests = [];
  page.on('request', (r) => page.openRequests.set(r, Date.now()));
  page.on('requestfinished', async (r) => {
    page.openRequests.delete(r);
    const res = await r.response();
    if (res && res.status() >= 400) page.failedRequests.push(`${res.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => { page.openRequests.delete(r); page.failedRequests.push(`${r.failure()?.errorText} ${r.url()}`); });
}

// openMap opens /map and waits for MapLibre's first idle; it returns the
// page, the time to that idle and the bytes transferred until then.
const locales = { zh: 'zh-CN', ug: 'ug', en: 'en-US' };
async function openMap(query = '', options = {}) {
  const lang = (query.match(/lang=(\w+)/) || [])[1] || 'zh';
  const page = await h.newPage({ viewport: { width: 1280, height: 800 }, locale: locales[lang], ...options });
  track(page);
  // The hook maptools.js uses, recorded from before the page's scripts run
  // (an init script is injected by the browser, not subject to the CSP).
  await page.addInitScript(() => {
    document.addEventListener('mineplan:map', (e) => { window.mapHook = !!(e.detail && e.detail.map && e.detail.map.getStyle); });
  });
  const t0 = Date.now();
  const res = await page.goto('/map' + query);
  assert.equal(res.status(), 200);
  await page.waitForSelector('#map[data-idle="true"]', { timeout: 60000 });
  const idleMs = Date.now() - t0;
  // Bytes on the wire (headers and encoded bodies), from Resource Timing:
  // the page's navigation and resources, and the tiles MapLibre's worker
  // fetched (in the worker's own timeline).
  const sum = () => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
    .reduce((a, e) => [a[0] + e.transferSize, a[1] + 1], [0, 0]);
  let [bytes, requests] = await page.evaluate(sum);
  for (const w of page.workers()) {
    const [b, n] = await w.evaluate(() => performance.getEntriesByType('resource').reduce((a, e) => [a[0] + e.transferSize, a[1] + 1], [0, 0]));
    bytes += b; requests += n;
  }
  return { page, idleMs, bytes, requests };
}

async function waitIdle(page) {
  await page.waitForFunction(() => {
    const m = window.mineplan && window.mineplan.map;
    return m && m.loaded() && m.areTilesLoaded() && document.getElementById('map').dataset.idle === 'true';
  }, null, { timeout: 60000 }).catch((e) => { // as-of tiles replay the register; a loaded machine is slow
    const open = [...(page.openRequests || [])].map(([r, t]) => `${Date.now() - t} ms ${r.url()}`);
    console.log(`# the map did not go idle; open requests:\n${open.join('\n')}\nfailed:\n${(page.failedRequests || []).join('\n')}`);
    throw e;
  });
}

async function mapPixels(page) {
  const png = await page.locator('#map canvas').screenshot();
  return countNonBackground(png, background);
}

test('the map renders the tiles, toggles a layer and identifies a right (zh)', async (t) => {
  const { page, idleMs, bytes, requests } = await openMap('?lang=zh');
  t.diagnostic(`first load of /map: ${bytes} bytes in ${requests} requests; first idle map after ${idleMs} ms`);
  console.log(`# first load of /map: ${bytes} bytes (${(bytes / 1024).toFixed(0)} KiB) in ${requests} requests; first idle map after ${idleMs} ms`);
  assert.deepEqual(page.jsErrors.map(String), []);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.evaluate(() => window.mapHook), true, 'mineplan:map was dispatched with the map');
  assert.ok(await page.$('#map-tools'), 'the map-tools container is there');

  const all = await mapPixels(page);
  assert.ok(all.count > all.total * 0.01, `the canvas is not blank: ${all.count} of ${all.total} pixels are not background`);
  await screenshot(page, 'map-zh');

  // Illustrative data on the map: the watermark shows.
  assert.equal(await page.isVisible('#illustrative-mark'), true, 'the illustrative-data watermark shows');

  // Toggle the rights off: they are no longer drawn, and fewer pixels are.
  const rightsBefore = await page.evaluate(() => window.mineplan.map.queryRenderedFeatures({ layers: ['rights-fill'] }).length);
  assert.ok(rightsBefore > 0, 'rights are drawn');
  await page.uncheck('#layer-rights');
  await waitIdle(page);
  const hidden = await page.evaluate(() => window.mineplan.map.getLayoutProperty('rights-fill', 'visibility'));
  assert.equal(hidden, 'none');
  const fewer = await mapPixels(page);
  assert.ok(fewer.count < all.count, `hiding the rights draws fewer pixels (${fewer.count} < ${all.count})`);
  await page.check('#layer-rights');
  await waitIdle(page);

  // A known right: the register's first, from the public API.
  const fc = await page.evaluate(async () => (await fetch('/api/v1/rights?limit=1')).json());
  const right = fc.features[0];
  const ring = right.geometry.type === 'Polygon' ? right.geometry.coordinates[0] : right.geometry.coordinates[0][0];
  const lons = ring.map((p) => p[0]), lats = ring.map((p) => p[1]);
  const centre = [(Math.min(...lons) + Math.max(...lons)) / 2, (Math.min(...lats) + Math.max(...lats)) / 2];
  await page.evaluate((c) => window.mineplan.map.jumpTo({ center: c, zoom: 13 }), centre);
  await waitIdle(page);
  const pt = await page.evaluate((c) => { const p = window.mineplan.map.project(c); return { x: p.x, y: p.y }; }, centre);
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + pt.x, box.y + pt.y);
  const popup = page.locator('.maplibregl-popup');
  await popup.waitFor({ timeout: 10000 });
  const text = await popup.innerText();
  assert.ok(text.includes(right.properties.licence_number), `the popup shows licence ${right.properties.licence_number}: ${text}`);
  const href = await popup.locator(`a[href="/rights/${right.properties.id}"]`).count();
  assert.equal(href, 1, 'the popup links to the right page');
  assert.match(text, /规划条款|专栏|三/, 'the popup names a plan clause');
  await screenshot(page, 'map-identify-zh');

  // The cursor's coordinates: lon/lat at once, Gauss–Krüger from the server.
  await page.mouse.move(box.x + pt.x + 5, box.y + pt.y + 5);
  // Wait for the server's figures for the point now shown.
  await page.waitForFunction(() => {
    const gk = document.getElementById('coord-gk');
    return /EPSG:45\d\d/.test(gk.textContent) && gk.dataset.lonlat === document.getElementById('coord-lonlat').textContent;
  }, null, { timeout: 10000 });
  const ll = await page.evaluate(() => document.getElementById('coord-lonlat').textContent);
  const [lon, lat] = ll.match(/[\d.]+/g).map(Number);
  const want = await page.evaluate(async ([lo, la]) => (await fetch(`/api/v1/coords?lon=${lo}&lat=${la}`)).json(), [lon, lat]);
  const gk = await page.evaluate(() => document.getElementById('coord-gk').textContent);
  assert.ok(gk.includes(`EPSG:${want.epsg}`) && gk.includes(String(want.zone)), `GK read-out ${gk} is zone ${want.zone}`);
  const [e] = gk.match(/\d{8}\.\d\d/);
  assert.ok(Math.abs(Number(e) - want.easting) < 1, `easting ${e} ≈ the server's ${want.easting}`);
});

test('the as-of date re-requests the rights tiles for that date', async () => {
  const { page } = await openMap('?lang=zh');
  const asOf = [];
  page.on('request', (r) => { if (/\/tiles\/rights\/\d+\/\d+\/\d+\.mvt/.test(r.url())) asOf.push(new URL(r.url()).searchParams.get('as_of')); });
  await page.fill('#as-of', '2015-06-30');
  await page.dispatchEvent('#as-of', 'change');
  await waitIdle(page);
  assert.ok(asOf.includes('2015-06-30'), `rights tiles requested with as_of=2015-06-30 (${asOf.join(',')})`);
  assert.match(await page.textContent('#as-of-note'), /2015-06-30/);
});

test('axe finds no serious or critical violation on /map', async () => {
  for (const lang of ['zh', 'ug', 'en']) {
    const { page } = await openMap(`?lang=${lang}`);
    const v = await axe(page);
    assert.equal(v.length, 0, `/map?lang=${lang}:\n${formatViolations(v)}`);
  }
});

test('Uyghur is right to left and English works', async () => {
  const ug = await openMap('?lang=ug');
  assert.equal(await ug.page.getAttribute('html', 'dir'), 'rtl');
  assert.equal(await ug.page.getAttribute('html', 'lang'), 'ug');
  assert.match(await ug.page.textContent('h1'), /[\u0600-\u06FF]/, 'the heading is in Arabic script');
  assert.match(await ug.page.getAttribute('.maplibregl-ctrl-zoom-in', 'aria-label'), /[\u0600-\u06FF]/, "MapLibre's controls speak Uyghur");
  // Mirrored: the panel is on the left.
  const panel = await ug.page.locator('.map-panel').boundingBox();
  const mapBox = await ug.page.locator('#map').boundingBox();
  assert.ok(panel.x < mapBox.x, 'the panel is left of the map in RTL');
  await screenshot(ug.page, 'map-ug');

  const en = await openMap('?lang=en');
  assert.equal(await en.page.getAttribute('html', 'dir'), 'ltr');
  assert.equal(await en.page.textContent('label[for="layer-rights"]'), 'Mineral rights');
  assert.deepEqual(en.page.jsErrors.map(String), []);
});

test('keyboard: the toggles work from the keyboard with visible focus', async () => {
  const { page } = await openMap('?lang=en');
  await page.focus('#layer-zones');
  await page.keyboard.press('Space');
  await waitIdle(page);
  assert.equal(await page.evaluate(() => window.mineplan.map.getLayoutProperty('zones-fill', 'visibility')), 'none');
  // Focus reached by Tab is drawn (focus-visible outline).
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => { const s = getComputedStyle(document.activeElement); return `${s.outlineStyle} ${s.outlineWidth}`; });
  assert.match(outline, /solid 3px/, `the focused control shows an outline (${outline})`);
  // The map itself takes the keyboard: arrow keys pan it.
  const before = await page.evaluate(() => window.mineplan.map.getCenter().lng);
  await page.focus('#map canvas');
  await page.keyboard.press('ArrowRight');
  await waitIdle(page);
  const afterLng = await page.evaluate(() => window.mineplan.map.getCenter().lng);
  assert.ok(afterLng > before, 'ArrowRight pans the map east');
  // All layers off: no illustrative feature shown, no watermark.
  for (const box of await page.$$('input[data-layer]')) await box.uncheck();
  await waitIdle(page);
  assert.equal(await page.isVisible('#illustrative-mark'), false, 'no watermark with nothing drawn');
});

test('the map works 375 px wide', async () => {
  const { page } = await openMap('?lang=zh', { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 375, `no sideways scrolling (${overflow} px)`);
  const box = await page.locator('#map').boundingBox();
  assert.ok(box.width >= 370 && box.height >= 300, `the map fills the width (${box.width}×${box.height})`);
  const px = await mapPixels(page);
  assert.ok(px.count > px.total * 0.01, 'the canvas is not blank');
  await screenshot(page, 'map-375-zh');
});
