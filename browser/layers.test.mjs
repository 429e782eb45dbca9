// Layer imports in headless Chromium: the planner (the role with
// layers.import) uploads a small GeoJSON file made here, follows the job's
// page until the import is done (jobs.js polls GET /api/v1/jobs/{id} and
// reloads at the end), and finds the layer in /layers; a corrupt file's job
// fails naming the line; axe finds nothing serious or critical on /layers and
// on a job's page; the public and a role without layers.import are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, stop, signIn, axe, formatViolations, screenshot } from './harness.mjs';

let h;
before(async () => { h = await start(); });
after(stop);

// squares is a GeoJSON layer of n small squares in 伽师县.
function squares(n) {
  const features = [];
  for (let i = 0; i < n; i++) {
    const x = 76.9 + i * 0.01, y = 39.6;
    features.push({ type: 'Feature', properties: { 名称: `区${i + 1}` },
      geometry: { type: 'Polygon', coordinates: [[[x, y], [x + 0.005, y], [x + 0.005, y + 0.005], [x, y + 0.005], [x, y]]] } });
  }
  return JSON.stringify({ type: 'FeatureCollection', features });
}

async function upload(page, name, buffer, fields) {
  await page.goto('/layers');
  await page.setInputFiles('#file', { name, mimeType: 'application/octet-stream', buffer: Buffer.from(buffer) });
  for (const [k, v] of Object.entries(fields)) {
    if (k === 'kind') await page.selectOption('#kind', v);
    else await page.fill('#' + k, v);
  }
  await Promise.all([page.waitForURL(/\/layers\/jobs\/\d+$/), page.click('form[action="/layers/import"] button[type=submit]')]);
  return new URL(page.url()).pathname;
}

test('the planner uploads a GeoJSON layer and follows its job to done', async () => {
  const page = await h.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, 'planner');
  await page.goto('/');
  assert.ok(await page.$('nav a[href="/layers"]'), 'the nav offers layer imports to the planner');
  const res = await page.goto('/layers');
  assert.equal(res.status(), 200);
  let v = await axe(page);
  assert.equal(v.length, 0, `axe on /layers:\n${formatViolations(v)}`);

  const jobPath = await upload(page, 'browser_reserves.geojson', squares(40), { name: 'browser_reserves', title: '浏览器导入', kind: 'protected_area' });
  assert.ok(await page.$('progress#job-progress'), 'the job page has a progress bar');
  assert.ok(await page.$('#job-reload'), 'a running job has a reload link (no JavaScript)');
  // jobs.js reloads the page once the worker is done.
  await page.waitForSelector('#job-result', { timeout: 30000 });
  assert.match(await page.textContent('#job-result'), /browser_reserves/);
  assert.equal(await page.$eval('#job-progress', (p) => p.value === p.max && p.max > 0), true, 'the bar is full');
  assert.equal(await page.$('#job-reload'), null, 'a done job offers no reload');
  v = await axe(page);
  assert.equal(v.length, 0, `axe on ${jobPath}:\n${formatViolations(v)}`);
  await screenshot(page, 'layer-job-done');

  const api = await page.evaluate(async (p) => (await fetch('/api/v1/jobs/' + p.split('/').pop())).json(), jobPath);
  assert.equal(api.state, 'done');
  assert.equal(api.done, 40);
  assert.equal(api.total, 40);

  await page.goto('/layers');
  const names = await page.$$eval('table#layers tbody code', (cs) => cs.map((c) => c.textContent));
  assert.ok(names.includes('browser_reserves'), `the layer is listed: ${names.join(', ')}`);
  assert.ok(await page.$(`table#jobs a[href="${jobPath}"]`), 'the job is listed');
  v = await axe(page);
  assert.equal(v.length, 0, `axe on /layers with a layer:\n${formatViolations(v)}`);
  await screenshot(page, 'layers');
  assert.deepEqual(page.jsErrors, []);
});

test('a corrupt file fails its job naming the line, and the form keeps what was typed', async () => {
  const page = await h.newPage();
  await signIn(page, 'planner');
  const bad = '{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[75,39],[75.1,39],[75.1,39.1],[75,39]]]}}\n{"type":"Feature",,}\n';
  await upload(page, 'broken.geojsonl', bad, { name: 'broken_layer' });
  await page.waitForSelector('#job-error', { timeout: 30000 });
  const msg = await page.textContent('#job-error');
  assert.match(msg, /第 2 行/);
  assert.match(msg, /broken\.geojsonl/);
  await page.goto('/layers');
  const names = await page.$$eval('table#layers tbody code', (cs) => cs.map((c) => c.textContent));
  assert.ok(!names.includes('broken_layer'), 'nothing stored');

  // A taken name: the error is next to the field, the typed values stay.
  await page.goto('/layers?lang=en');
  await page.setInputFiles('#file', { name: 'again.geojson', mimeType: 'application/octet-stream', buffer: Buffer.from(squares(1)) });
  await page.fill('#name', 'browser_reserves');
  await page.fill('#title', 'typed title');
  await Promise.all([page.waitForLoadState('load'), page.click('form[action="/layers/import"] button[type=submit]')]);
  assert.match(await page.textContent('#name-error'), /A layer named browser_reserves exists already/);
  assert.equal(await page.inputValue('#name'), 'browser_reserves');
  assert.equal(await page.inputValue('#title'), 'typed title');
  assert.equal(await page.getAttribute('#name', 'aria-invalid'), 'true');
});

test('the public and a role without layers.import are refused', async () => {
  const pub = await h.newPage();
  let res = await pub.goto('/layers');
  const at = new URL(pub.url()).pathname;
  assert.ok(at === '/signin' || res.status() === 403, `/layers as the public: ${res.status()} at ${at}`);
  assert.equal(await pub.$('form[action="/layers/import"]'), null);
  const clerk = await h.newPage();
  await signIn(clerk, 'county_clerk');
  assert.equal(await clerk.$('nav a[href="/layers"]'), null, 'the nav does not offer layer imports to a clerk');
  res = await clerk.goto('/layers');
  assert.equal(res.status(), 403);
  res = await clerk.goto('/api/v1/jobs/1');
  assert.equal(res.status(), 403);
});
