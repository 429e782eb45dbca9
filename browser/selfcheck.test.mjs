// The public self-check (自检) in headless Chromium: a corner-point file that
// breaks 专栏20 gives a prohibited finding citing 专栏20; a polygon drawn over
// a live right gives no-overlap-rights while drawing, with the right outlined
// on the map; a corrupt file's message names the line; Uyghur is right to
// left with Uyghur text; axe finds nothing serious or critical; the report's
// screenshots are written in zh and ug.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, stop, axe, formatViolations, screenshot } from './harness.mjs';

let h;
before(async () => { h = await start(); });
after(stop);

// A square of corner points in lon/lat (CGCS2000), closed; a gold mine of 1
// 万吨/年 there is below 专栏20's minimum scale (3 万吨 of ore a year).
const corners = (lon, lat, d) => [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]];
const pointsText = (ring) => '坐标系=EPSG:4490\n' + ring.map((p, i) => `${i === ring.length - 1 ? 1 : i + 1},${p[0]},${p[1]}`).join('\n') + '\n';

async function fillGold(page) {
  await page.selectOption('#kind', 'mining');
  await page.selectOption('#mineral', '金矿');
  await page.selectOption('#method', 'underground');
  await page.fill('#scale', '1');
  await page.fill('#scale_unit', '万吨/年');
  await page.selectOption('#county', '伽师县');
}

// findingRow is the report's row of a rule, as text and class ("" if none).
async function findingRow(page, rule) {
  return page.evaluate((r) => {
    for (const tr of document.querySelectorAll('#report-slot table.findings tbody tr')) {
      if (tr.querySelector('code')?.textContent === r) return { cls: tr.className, text: tr.innerText };
    }
    return null;
  }, rule);
}

async function waitIdle(page) {
  await page.waitForFunction(() => document.getElementById('draw-map')?.dataset.idle === 'true', null, { timeout: 30000 });
}

test('a corner-point file that breaks 专栏20 gives a prohibited finding citing 专栏20 (zh and ug)', async () => {
  for (const lang of ['zh', 'ug']) {
    const page = await h.newPage({ viewport: { width: 1280, height: 1100 } });
    await page.goto(`/check?lang=${lang}`);
    await fillGold(page);
    await page.setInputFiles('#file', { name: 'parcel.txt', mimeType: 'text/plain', buffer: Buffer.from(pointsText(corners(76.905, 39.605, 0.01))) });
    await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
    const row = await findingRow(page, 'minimum-scale.table');
    assert.ok(row, `${lang}: a minimum-scale.table finding`);
    assert.equal(row.cls, 'prohibited', `${lang}: the finding is prohibited`);
    assert.ok(row.text.includes('专栏20'), `${lang}: the finding cites 专栏20: ${row.text}`);
    if (lang === 'ug') {
      assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
      assert.equal(await page.getAttribute('html', 'lang'), 'ug');
      const title = await page.textContent('#report-title');
      assert.match(title, /[\u0600-\u06FF]/, `the Uyghur report's title is in Arabic script: ${title}`);
      assert.match(row.text, /چەكلىنىدۇ/, 'the severity reads in Uyghur');
    } else {
      assert.equal(await page.getAttribute('html', 'dir'), 'ltr');
      assert.match(row.text, /禁止/);
    }
    // The map shows the area read from the file.
    await waitIdle(page);
    const shown = await page.evaluate(() => window.mineplan.map.getSource('area').serialize().data?.geometry?.type);
    assert.equal(shown, 'MultiPolygon', `${lang}: the map shows the file's area`);
    // The print button shows with a script, and the page prints the report alone.
    assert.equal(await page.isVisible('#print-report'), true);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('.selfcheck-form'), false, 'printing hides the form');
    assert.equal(await page.isVisible('#report'), true, 'printing shows the report');
    await page.emulateMedia({ media: 'screen' });
    await screenshot(page, `selfcheck-report-${lang}`, { fullPage: true });
    assert.deepEqual(page.jsErrors.map(String), []);
    await page.context().close();
  }
});

test('drawing over a live right gives no-overlap-rights while drawing, and outlines the right', async () => {
  const page = await h.newPage({ viewport: { width: 1280, height: 1100 } });
  await page.goto('/check?lang=en');
  await waitIdle(page);
  const live = ['valid', 'producing', 'under_construction', 'retained', 'suspended'];
  const fc = await page.evaluate(async () => (await fetch('/api/v1/rights?limit=200')).json());
  const right = fc.features.find((f) => live.includes(f.properties.status) && f.geometry.type === 'Polygon');
  assert.ok(right, 'the register has a live right of one polygon');
  const p = right.properties;
  await page.selectOption('#kind', p.kind);
  await page.selectOption('#mineral', p.main_mineral);
  await page.selectOption('#county', p.county);
  if (p.kind === 'mining') { // a mining application states its design scale
    await page.fill('#scale', String(p.design_scale ?? 10));
    await page.fill('#scale_unit', p.scale_unit || '万吨/年');
  }

  const ring = right.geometry.coordinates[0];
  const lons = ring.map((q) => q[0]), lats = ring.map((q) => q[1]);
  const centre = [(Math.min(...lons) + Math.max(...lons)) / 2, (Math.min(...lats) + Math.max(...lats)) / 2];
  await page.evaluate((c) => window.mineplan.map.jumpTo({ center: c, zoom: 14 }), centre);
  await waitIdle(page);
  await page.locator('#draw-map').scrollIntoViewIfNeeded();
  const box = await page.locator('#draw-map').boundingBox();
  const at = await page.evaluate((c) => { const q = window.mineplan.map.project(c); return { x: q.x, y: q.y }; }, centre);
  const checked = async () => Number(await page.getAttribute('#draw', 'data-checked') || 0);
  // Three corners: the report comes while drawing, with no submit.
  for (const [dx, dy] of [[-15, -15], [15, -15], [15, 15]]) {
    await page.mouse.click(box.x + at.x + dx, box.y + at.y + dy);
  }
  await page.waitForFunction(() => Number(document.getElementById('draw')?.dataset.checked || 0) >= 1, null, { timeout: 15000 })
    .catch(async (e) => {
      console.log(await page.textContent('#draw-status'), await page.evaluate(() => JSON.stringify(window.mineplan.corners())), page.jsErrors.map(String));
      throw e;
    });
  assert.equal((await page.evaluate(() => window.mineplan.corners())).length, 3);
  await page.waitForFunction(() => [...document.querySelectorAll('#report-slot code')].some((c) => c.textContent === 'no-overlap-rights'), null, { timeout: 15000 })
    .catch(async (e) => { // say why: the form's errors, the report, what was drawn
      console.log(await page.evaluate(() => [...document.querySelectorAll('[role=alert], #report-slot')].map((x) => x.innerText).join('\n')), await page.inputValue('#drawn'), JSON.stringify(p));
      throw e;
    });
  let row = await findingRow(page, 'no-overlap-rights');
  assert.ok(row.text.includes(p.licence_number), `the finding names ${p.licence_number}: ${row.text}`);
  // A fourth corner: the report re-runs.
  const n = await checked();
  await page.mouse.click(box.x + at.x - 15, box.y + at.y + 15);
  await page.waitForFunction((k) => Number(document.getElementById('draw')?.dataset.checked || 0) > k, n, { timeout: 15000 });
  row = await findingRow(page, 'no-overlap-rights');
  assert.ok(row, 'no-overlap-rights after the fourth corner');
  assert.equal((await page.evaluate(() => window.mineplan.corners())).length, 4);
  // The right is outlined on the map.
  const filter = await page.evaluate(() => JSON.stringify(window.mineplan.map.getFilter('rights-overlap')));
  assert.ok(filter.includes(p.licence_number), `the overlap layer's filter names the right: ${filter}`);
  const drawn = JSON.parse(await page.inputValue('#drawn'));
  assert.equal(drawn.type, 'Polygon');
  assert.equal(drawn.coordinates[0].length, 5, 'the drawn ring is closed');
  await waitIdle(page);
  assert.equal(await page.isVisible('#draw-illustrative'), true, 'the illustrative-data mark shows over illustrative rights');
  await screenshot(page, 'selfcheck-draw-en');

  // Undo to two corners, waiting between the clicks longer than the check's
  // delay: no area, and the check the first undo asked for is dropped (no
  // check of an empty area, which would answer 422).
  const before = await checked();
  await page.click('#draw-undo');
  await page.click('#draw-undo');
  await page.waitForTimeout(600);
  assert.equal(await checked(), before, 'no check runs once the area is gone');
  assert.equal(await page.inputValue('#drawn'), '');
  assert.match(await page.textContent('#draw-status'), /at least 3/);

  // The keyboard: the map's centre can be added as a corner.
  await page.focus('#draw-add-centre');
  await page.keyboard.press('Enter');
  assert.equal((await page.evaluate(() => window.mineplan.corners())).length, 3);
  assert.deepEqual(page.jsErrors.map(String), []);
});

test('a corrupt corner-point file: the message names the line, beside the area', async () => {
  const page = await h.newPage();
  await page.goto('/check?lang=en');
  await fillGold(page);
  const bad = '坐标系=EPSG:4490\n1,76.905,39.605\n2,76.915,abc\n3,76.915,39.615\n1,76.905,39.605\n';
  await page.setInputFiles('#file', { name: 'bad.txt', mimeType: 'text/plain', buffer: Buffer.from(bad) });
  const [res] = await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
  assert.equal(res.status(), 422);
  const msg = await page.textContent('#area-error');
  assert.match(msg, /the file is faulty: line 3/, msg);
  assert.equal(await page.getAttribute('#file', 'aria-invalid'), 'true');
  assert.equal(await page.$('#report'), null, 'no report for a bad file');
  // What was typed is kept.
  assert.equal(await page.inputValue('#scale'), '1');
});

test('axe finds no serious or critical violation on the self-check and its report', async () => {
  for (const lang of ['zh', 'ug']) {
    const page = await h.newPage();
    await page.goto(`/check?lang=${lang}`);
    await waitIdle(page);
    let vs = await axe(page);
    assert.equal(vs.length, 0, `${lang} form:\n${formatViolations(vs)}`);
    await fillGold(page);
    await page.fill('#points', pointsText(corners(76.905, 39.605, 0.01)));
    await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
    await page.waitForSelector('#report');
    vs = await axe(page);
    assert.equal(vs.length, 0, `${lang} report:\n${formatViolations(vs)}`);
  }
});

test('the self-check works 375 px wide', async () => {
  const page = await h.newPage({ viewport: { width: 375, height: 800 } });
  await page.goto('/check');
  await waitIdle(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `no sideways scrolling at 375 px (${overflow} px too wide)`);
  const w = (await page.locator('#draw-map').boundingBox()).width;
  assert.ok(w > 250 && w <= 375, `the drawing map fits the phone: ${w} px`);
});
