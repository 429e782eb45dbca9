// The map's tools in headless Chromium: the search box (an ARIA combobox)
// finds a known right by the start of its licence number and flies the map to
// it; the measure draws a polygon from three clicks on the canvas and
// shows the server's ellipsoidal area; axe still finds nothing serious.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, stop, axe, formatViolations, screenshot } from './harness.mjs';

let h;
before(async () => { h = await start(); });
after(stop);

async function openMap(lang = 'zh') {
  const page = await h.newPage({ viewport: { width: 1280, height: 800 }, locale: { zh: 'zh-CN', ug: 'ug', en: 'en-US' }[lang] });
  const res = await page.goto(`/map?lang=${lang}`);
  assert.equal(res.status(), 200);
  await page.waitForSelector('#map[data-idle="true"]', { timeout: 60000 });
  await page.waitForSelector('#search-tool:not([hidden])');
  return page;
}

async function waitIdle(page) {
  await page.waitForFunction(() => {
    const m = window.mineplan && window.mineplan.map;
    return m && m.loaded() && !m.isMoving() && document.getElementById('map').dataset.idle === 'true';
  }, null, { timeout: 30000 });
}

test('search: the start of a known licence number lists it, Enter flies the map there and links its page', async () => {
  const page = await openMap('zh');
  // A known right: the register's first, from the public API.
  const fc = await page.evaluate(async () => (await fetch('/api/v1/rights?limit=1')).json());
  const right = fc.features[0].properties;
  const part = right.licence_number.slice(0, 10);
  const before = await page.evaluate(() => window.mineplan.map.getCenter().toArray());

  await page.focus('#map-search');
  await page.keyboard.type(part, { delay: 20 });
  const option = page.locator(`#map-search-list [role="option"]`, { hasText: right.licence_number });
  await option.first().waitFor({ timeout: 10000 });
  assert.equal(await page.getAttribute('#map-search', 'aria-expanded'), 'true');
  assert.equal(await page.isVisible('#map-search-list'), true);
  assert.match(await page.textContent('#map-search-status'), /\d/, 'the live region counts the suggestions');

  // Arrow down to the right's option: aria-activedescendant follows.
  const index = Number(await option.first().getAttribute('data-index'));
  for (let i = 0; i <= index; i++) await page.keyboard.press('ArrowDown');
  const activeId = await page.getAttribute('#map-search', 'aria-activedescendant');
  assert.equal(activeId, `map-search-opt-${index}`);
  assert.equal(await page.getAttribute(`#${activeId}`, 'aria-selected'), 'true');
  await screenshot(page, 'map-search-zh');

  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('#map-search', 'aria-expanded'), 'false', 'Enter closes the list');
  await page.waitForFunction((b) => {
    const c = window.mineplan.map.getCenter();
    return Math.abs(c.lng - b[0]) > 1e-4 || Math.abs(c.lat - b[1]) > 1e-4;
  }, before, { timeout: 10000 });
  await waitIdle(page);
  // The map now shows the right: its centre lies in the right's box.
  const ans = await page.evaluate(async (q) => (await fetch(`/api/v1/search?q=${encodeURIComponent(q)}`)).json(), right.licence_number);
  const [w, s, e, n] = ans.suggestions.find((x) => x.id === right.id).bbox;
  const c = await page.evaluate(() => window.mineplan.map.getCenter().toArray());
  assert.ok(c[0] > w && c[0] < e && c[1] > s && c[1] < n, `the map centre ${c} is inside the right's box ${[w, s, e, n]}`);
  assert.equal(await page.locator(`#map-search-picked a[href="/rights/${right.id}"]`).count(), 1, 'a link to the right page');
  assert.equal(await page.inputValue('#map-search'), right.licence_number);

  // Escape closes, a second Escape clears the box.
  await page.focus('#map-search');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  assert.equal(await page.inputValue('#map-search'), '');
  assert.deepEqual(page.jsErrors.map(String), []);
});

test('measure: three clicks on the canvas and Finish give the server\'s area with its unit', async () => {
  const page = await openMap('en');
  await page.evaluate(() => window.mineplan.map.jumpTo({ center: [76.0, 39.4], zoom: 12 }));
  await waitIdle(page);
  await page.click('#measure-area');
  assert.equal(await page.getAttribute('#measure-area', 'aria-pressed'), 'true');
  const box = await page.locator('#map').boundingBox();
  const pts = [[-120, -80], [140, -60], [20, 120]];
  const requests = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/measure')) requests.push(r.postDataJSON()); });
  for (const [dx, dy] of pts) {
    await page.mouse.click(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy);
  }
  // No identify popup while measuring.
  assert.equal(await page.locator('.maplibregl-popup').count(), 0, 'clicks measure rather than identify');
  await page.waitForFunction(() => document.getElementById('measure-result').dataset.unit === 'm2', null, { timeout: 10000 });
  await page.click('#measure-finish');
  await page.waitForFunction(() => /^Finished/.test(document.getElementById('measure-result').textContent), null, { timeout: 10000 });
  const text = await page.textContent('#measure-result');
  assert.match(text, /Area [\d,.]+ m² = [\d,.]+ km² = [\d,.]+ ha/, `the area with its units: ${text}`);
  assert.equal(await page.getAttribute('#measure-result', 'aria-live'), 'polite');

  // The figure is the server's for the polygon drawn.
  const sent = requests[requests.length - 1];
  assert.equal(sent.type, 'Polygon');
  assert.equal(sent.coordinates[0].length, 4, 'three vertices and the closing one');
  const server = await page.evaluate(async (g) => (await fetch('/api/v1/measure', { method: 'POST', body: JSON.stringify(g) })).json(), sent);
  const shown = Number(await page.getAttribute('#measure-result', 'data-value'));
  assert.equal(shown, server.area_m2);
  assert.ok(server.area_m2 > 1e5 && server.area_m2 < 1e8, `a plausible area at zoom 12: ${server.area_m2} m²`);
  const km2 = Number(text.match(/= ([\d,.]+) km²/)[1].replace(/,/g, ''));
  assert.ok(Math.abs(km2 - server.area_km2) < 1e-4, `km² shown ${km2} ≈ ${server.area_km2}`);
  // The drawn polygon is on the map.
  const drawn = await page.evaluate(async () => (await window.mineplan.map.getSource('maptools-measure').getData()).features.map((f) => f.geometry.type));
  await waitIdle(page);
  const rendered = await page.evaluate(() => window.mineplan.map.queryRenderedFeatures({ layers: ['maptools-measure-fill'] }).length);
  assert.ok(rendered > 0, 'the measured polygon is rendered');
  assert.ok(drawn.includes('Polygon'), `the polygon is drawn (${drawn})`);
  await screenshot(page, 'map-measure-en');

  // Escape clears it.
  await page.keyboard.press('Escape');
  assert.equal(await page.textContent('#measure-result'), 'Measurement cleared');
  assert.equal(await page.isDisabled('#measure-clear'), true);

  // A distance: two clicks and a double-click on the last.
  await page.click('#measure-distance');
  await page.mouse.click(box.x + box.width / 2 - 100, box.y + box.height / 2);
  await page.mouse.dblclick(box.x + box.width / 2 + 100, box.y + box.height / 2);
  await page.waitForFunction(() => /^Finished: Length/.test(document.getElementById('measure-result').textContent), null, { timeout: 10000 });
  assert.match(await page.textContent('#measure-result'), /Length [\d,.]+ m \([\d,.]+ km\)/);
  assert.deepEqual(page.jsErrors.map(String), []);
});

test('axe finds no serious or critical violation on /map with the tools open', async () => {
  for (const lang of ['zh', 'ug', 'en']) {
    const page = await openMap(lang);
    await page.focus('#map-search');
    await page.keyboard.type('KT0', { delay: 20 });
    await page.waitForSelector('#map-search-list [role="option"]', { timeout: 10000 });
    await page.keyboard.press('ArrowDown');
    const v = await axe(page);
    assert.equal(v.length, 0, `/map?lang=${lang} with suggestions open:\n${formatViolations(v)}`);
    await page.keyboard.press('Escape');
    await page.click('#measure-distance');
    const v2 = await axe(page);
    assert.equal(v2.length, 0, `/map?lang=${lang} measuring:\n${formatViolations(v2)}`);
  }
});
