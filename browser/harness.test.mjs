// The harness itself: the server starts, Chromium runs, the CSP holds in the
// browser, axe-core can be run under it, and a demo account signs in through
// the forced password change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, stop, signIn, axe, totpCode } from './harness.mjs';

let h;
before(async () => { h = await start(); });
after(stop);

test('TOTP codes match RFC 6238', () => {
  // RFC 6238 appendix B, SHA-1, key "12345678901234567890", last 6 digits.
  const key = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  assert.equal(totpCode(key, 59000), '287082');
  assert.equal(totpCode(key, 1111111109000), '081804');
});

test('the server prints the demo accounts and serves the home page', async () => {
  assert.ok(h.passwords['demo-county-clerk'], 'a demo county clerk account was printed');
  const page = await h.newPage();
  const res = await page.goto('/');
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-security-policy'], /script-src 'self'/);
});

test('the CSP refuses an inline script in the browser; axe runs anyway', async () => {
  const page = await h.newPage();
  await page.goto('/signin');
  await assert.rejects(page.addScriptTag({ content: 'window.inlineRan = true' }));
  assert.equal(await page.evaluate(() => window.inlineRan), undefined, 'the inline script did not run');
  const v = await axe(page);
  assert.ok(Array.isArray(v));
});

test('a demo clerk signs in through the forced password change', async () => {
  const page = await h.newPage();
  await signIn(page, 'county_clerk');
  assert.equal(new URL(page.url()).pathname, '/');
  const me = await page.evaluate(async () => (await fetch('/api/v1/rights?limit=1')).status);
  assert.equal(me, 200);
  // A second sign-in uses the changed password.
  const again = await h.newPage();
  await signIn(again, 'county-clerk');
  assert.equal(new URL(again.url()).pathname, '/');
});

test('a demo administrator signs in through the password change and TOTP enrolment', async () => {
  const page = await h.newPage();
  await signIn(page, 'system_admin');
  // Enrolled: the enrolment form is gone (the recovery codes show) and
  // the session works.
  assert.equal(new URL(page.url()).pathname, '/account/totp');
  assert.equal(await page.$('form[action="/account/totp"]'), null, 'no enrolment form after enrolment');
  const res = await page.goto('/');
  assert.equal(res.status(), 200);
});
