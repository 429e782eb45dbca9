// The officer workspace in headless Chromium: a county clerk signs in and the
// register shows only its county's rights (every row checked), the public
// cannot reach the workspace or the register, axe finds nothing serious or
// critical on the register and on a right's page, and the register's
// screenshot is written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, stop, signIn, axe, formatViolations, screenshot } from './harness.mjs';

let h;
before(async () => { h = await start(); });
after(stop);

// rows reads the register table's rows: the county of each and its link.
async function rows(page) {
  return page.$$eval('table.register-table tbody tr', (trs) => trs.map((tr) => ({
    county: tr.dataset.county, cell: tr.children[5].textContent.trim(), href: tr.querySelector('a').getAttribute('href'),
  })));
}

test('the public cannot reach the workspace or the register', async () => {
  const page = await h.newPage();
  for (const p of ['/workspace', '/register']) {
    const res = await page.goto(p);
    const at = new URL(page.url()).pathname;
    assert.ok(at === '/signin' || res.status() === 403, `${p} as the public: ${res.status()} at ${at}`);
    assert.equal(await page.$('table.register-table'), null, `${p} shows no register to the public`);
  }
  // And the nav offers neither.
  await page.goto('/');
  assert.equal(await page.$('nav a[href="/workspace"]'), null);
  assert.equal(await page.$('nav a[href="/register"]'), null);
});

test('a county clerk sees only its county\'s rights in the register', async () => {
  const officer = await h.newPage();
  await signIn(officer, 'licensing_officer');
  await officer.goto('/register?limit=1000');
  const all = await rows(officer);
  const counties = new Set(all.map((r) => r.county));
  assert.ok(counties.size > 1, `the licensing officer sees rights of ${counties.size} counties`);

  const page = await h.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, 'county_clerk');
  const res = await page.goto('/workspace');
  assert.equal(res.status(), 200);
  assert.ok(await page.$('a[href="/register"]'), 'the workspace links to the register');
  await page.goto('/register?limit=1000');
  const mine = await rows(page);
  assert.ok(mine.length > 0, 'the clerk sees some rights');
  assert.ok(mine.length < all.length, `the clerk sees ${mine.length} of ${all.length}`);
  const county = mine[0].county;
  for (const r of mine) {
    assert.equal(r.county, county, `a row of ${r.county} in a ${county} clerk's register`);
    assert.equal(r.cell, county, 'the county column agrees');
  }
  // Asking for another county gives nothing.
  const other = [...counties].find((c) => c !== county);
  await page.goto('/register?county=' + encodeURIComponent(other));
  assert.equal((await rows(page)).length, 0, `a clerk of ${county} asking for ${other}`);

  await page.goto('/register?limit=50');
  const v = await axe(page);
  assert.equal(v.length, 0, formatViolations(v));
  await screenshot(page, 'register', { fullPage: true });

  const res2 = await page.goto(mine[0].href);
  assert.equal(res2.status(), 200);
  assert.ok(await page.$('td.recorded-by'), 'the clerk sees who recorded each event');
  const v2 = await axe(page);
  assert.equal(v2.length, 0, formatViolations(v2));
  assert.deepEqual(page.jsErrors, []);
});

test('a right\'s public page passes axe and shows no recorder', async () => {
  const officer = await h.newPage();
  await signIn(officer, 'licensing_officer');
  await officer.goto('/register?limit=1');
  const [first] = await rows(officer);
  const page = await h.newPage();
  const res = await page.goto(first.href);
  assert.equal(res.status(), 200);
  assert.equal(await page.$('td.recorded-by'), null, 'the public does not see who recorded an event');
  const v = await axe(page);
  assert.equal(v.length, 0, formatViolations(v));
});
