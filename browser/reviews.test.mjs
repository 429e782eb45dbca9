// The officer workspace's register, exports and stored reviews in headless
// Chromium: sorting by a column header (aria-sort, the rows in the
// column's order across the server's pages), the map beside the table
// (idle, a row flies there), an export downloading a file, the reviews
// list and a re-run; axe finds nothing serious or critical on /register
// with its map and on /reviews.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start, stop, signIn, axe, formatViolations, screenshot } from './harness.mjs';

let h;
before(async () => { h = await start(); });
after(stop);

const cells = (page, i) => page.$$eval('table.register-table tbody tr', (trs, i) => trs.map((tr) => tr.children[i].textContent.trim()), i);

test('the register sorts by a column, its map follows the rows, and it exports', async () => {
  const page = await h.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, 'licensing_officer');
  await page.goto('/register?kind=mining&limit=25&lang=en');
  // The map beside the table reaches idle.
  await page.waitForSelector('#register-map[data-idle="true"]', { timeout: 60000 });

  // Sort by holder (the third column), then the reverse.
  await Promise.all([page.waitForLoadState('load'), page.click('th a.sort[href*="sort=holder"]')]);
  const th = await page.$('th[aria-sort]');
  assert.ok(th, 'the sorted column has aria-sort');
  assert.equal(await th.getAttribute('aria-sort'), 'ascending');
  const holders = await cells(page, 2);
  assert.ok(holders.length > 1, 'rows to compare');
  for (let i = 1; i < holders.length; i++) assert.ok(holders[i - 1] <= holders[i], `row ${i}: ${holders[i - 1]} before ${holders[i]}`);
  // Across the next page, the order holds (keyset paging in the database).
  const last = holders.at(-1);
  const next = await page.$('a[rel="next"]');
  if (next) {
    await Promise.all([page.waitForLoadState('load'), next.click()]);
    const more = await cells(page, 2);
    assert.ok(more.length > 0 && last <= more[0], `the next page starts at ${more[0]}, after ${last}`);
    await page.goBack();
  }
  await Promise.all([page.waitForLoadState('load'), page.click('th[aria-sort] a.sort')]);
  assert.equal(await page.getAttribute('th[aria-sort]', 'aria-sort'), 'descending');
  const reversed = await cells(page, 2);
  for (let i = 1; i < reversed.length; i++) assert.ok(reversed[i - 1] >= reversed[i], `descending row ${i}`);

  // A row's button flies the map to it.
  await page.waitForSelector('#register-map[data-idle="true"]', { timeout: 60000 });
  const id = await page.getAttribute('table.register-table tbody tr:nth-child(2)', 'data-id');
  await page.click('table.register-table tbody tr:nth-child(2) button.fly');
  assert.equal(await page.getAttribute('#register-map', 'data-selected'), id);
  await page.waitForSelector('#register-map[data-idle="true"]', { timeout: 60000 });
  assert.ok(await page.$('table.register-table tbody tr.on-map'), 'the row is marked');

  const v = await axe(page);
  assert.equal(v.length, 0, formatViolations(v));
  await screenshot(page, 'register-map', { fullPage: true });

  // Export: the XLSX downloads (a zip container: "PK").
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-format="xlsx"]')]);
  assert.match(download.suggestedFilename(), /^register-\d{8}\.xlsx$/);
  const file = await download.path();
  const head = fs.readFileSync(file).subarray(0, 2).toString('latin1');
  assert.equal(head, 'PK', 'the export is an XLSX (zip) file');
  assert.ok(fs.statSync(file).size > 1000, 'the export holds the rights');
  assert.deepEqual(page.jsErrors, []);
});

test('the reviews list passes axe and a re-run shows its report', async () => {
  const page = await h.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, 'licensing_officer');
  // A stored review to list: the self-check's application through the API
  // is not needed; the demo may hold none, so file one.
  const created = await page.evaluate(async () => {
    const app = { type: 'Feature', properties: { kind: 'mining', mineral: '建筑用砂', county: '疏附县', scale: 12, scale_unit: '万立方米/年' },
      geometry: { type: 'Polygon', coordinates: [[[75.105, 38.105], [75.118, 38.105], [75.118, 38.118], [75.105, 38.118], [75.105, 38.105]]] } };
    const r = await fetch('/api/v1/reviews', { method: 'POST', headers: { 'Content-Type': 'application/geo+json' }, body: JSON.stringify(app) });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await page.goto('/reviews?lang=en');
  const link = await page.$(`a[href="/reviews/${created.body.id}"]`);
  assert.ok(link, 'the new review is listed');
  const v = await axe(page);
  assert.equal(v.length, 0, formatViolations(v));
  await Promise.all([page.waitForLoadState('load'), link.click()]);
  await Promise.all([page.waitForLoadState('load'), page.click('#rerun')]);
  assert.match(await page.textContent('#rerun-outcome'), /identical|differs/);
  const v2 = await axe(page);
  assert.equal(v2.length, 0, formatViolations(v2));
  assert.deepEqual(page.jsErrors, []);
});
