// Print (出图) in headless Chromium: /print for a known right at A4 and A3
// (landscape and portrait), the map drawn and idle, page.pdf with the CSS
// page size checked with poppler (pdfinfo's page size, pdftotext's title,
// licence number, 审图号 and a Gauss–Krüger figure from the corner table),
// the PNG button's file of the paper's pixel size at 150 dpi and not blank,
// the map page's print link carrying the map's bounds, the links on a
// right's and a block's page, a bad query's message next to its field,
// and axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { start, stop, axe, formatViolations, screenshot, decodePNG, countNonBackground, outDir } from './harness.mjs';

const approval = '新S(2026)001号';
let h, tmp;
before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mineplan-print-'));
  const conf = path.join(tmp, 'map.yaml');
  fs.writeFileSync(conf, `approval_number: "${approval}"\n`);
  h = await start(['--map-config', conf]);
});
after(async () => {
  await stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

// A right of the demo register with its corner points from the API.
async function knownRight() {
  const r = await fetch(`${h.url}/api/v1/rights?limit=5`);
  const fc = await r.json();
  const f = fc.features.find((x) => x.geometry && x.geometry.type);
  assert.ok(f, 'the demo register has a right with a geometry');
  return f.properties;
}

async function openPrint(query, options = {}) {
  const page = await h.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true, ...options });
  const res = await page.goto('/print' + query);
  assert.equal(res.status(), 200, `GET /print${query}`);
  await page.waitForSelector('#print-map[data-idle="true"]', { timeout: 60000 });
  await page.waitForFunction(() => {
    const m = window.mineplan && window.mineplan.printMap;
    return m && m.loaded() && m.areTilesLoaded();
  }, null, { timeout: 30000 });
  return page;
}

function pdfFacts(buf, name) {
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${name}.pdf`);
  fs.writeFileSync(file, buf);
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const size = info.match(/Page size:\s+([\d.]+) x ([\d.]+) pts/);
  assert.ok(size, info);
  const pages = Number(info.match(/Pages:\s+(\d+)/)[1]);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  return { w: Math.round(Number(size[1])), h: Math.round(Number(size[2])), pages, text };
}

const sizes = { 'A4-landscape': [842, 595], 'A3-landscape': [1191, 842], 'A4-portrait': [595, 842], 'A3-portrait': [842, 1191] };
const px = { 'A4-landscape': [1754, 1240], 'A3-landscape': [2480, 1754], 'A4-portrait': [1240, 1754], 'A3-portrait': [1754, 2480] };

for (const [paper, orient] of [['A4', 'landscape'], ['A3', 'landscape'], ['A4', 'portrait']]) {
  test(`a right prints at ${paper} ${orient}: PDF page size, title, licence number, 审图号, a GK corner; PNG`, async () => {
    const right = await knownRight();
    const title = `出图测试 ${paper}`;
    const page = await openPrint(`?right=${encodeURIComponent(right.id)}&paper=${paper}&orient=${orient}&title=${encodeURIComponent(title)}`);
    // The corner table's first Gauss–Krüger figures, as the server wrote them.
    const firstRow = await page.locator('.corner-table tbody tr:not(.part)').first().locator('td').allTextContents();
    assert.equal(firstRow[0], '1');
    assert.match(firstRow[1], /^\d{7}\.\d{4}$/, `X ${firstRow[1]}`);
    assert.match(firstRow[2], /^\d{8}\.\d{4}$/, `Y ${firstRow[2]}`);
    // The map is drawn: the canvas is not just the background.
    const shot = await page.locator('#print-map canvas').screenshot();
    assert.ok(countNonBackground(shot, [0xf4, 0xf1, 0xea]).count > 500, 'the map canvas is blank');
    // Swatches take the palette's colours.
    const swatch = await page.locator('[data-swatch="rights:valid"]').evaluate((e) => getComputedStyle(e).backgroundColor);
    assert.equal(swatch, 'rgb(26, 150, 65)');
    await screenshot(page, `print-${paper}-${orient}`, { fullPage: true });

    const facts = pdfFacts(await page.pdf({ preferCSSPageSize: true, printBackground: true }), `print-${paper}-${orient}`);
    assert.deepEqual([facts.w, facts.h], sizes[`${paper}-${orient}`], `page size ${facts.w}x${facts.h}`);
    assert.equal(facts.pages, 1, 'one sheet');
    const flat = facts.text.replace(/\s+/g, '');
    for (const want of [title, right.licence_number, approval, firstRow[1], firstRow[2], 'CGCS2000', '1:']) {
      assert.ok(flat.includes(want.replace(/\s+/g, '')), `the PDF lacks ${want}:\n${facts.text.slice(0, 1500)}`);
    }
    assert.equal(page.jsErrors.length, 0, page.jsErrors.join('\n'));

    // The PNG: the paper at 150 dpi, not blank.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#print-png')]);
    const file = path.join(outDir, `print-${paper}-${orient}.png`);
    await download.saveAs(file);
    const png = fs.readFileSync(file);
    const img = decodePNG(png);
    assert.deepEqual([img.width, img.height], px[`${paper}-${orient}`]);
    const ink = countNonBackground(png, [255, 255, 255]).count;
    assert.ok(ink > img.width * img.height * 0.05, `the PNG is nearly blank: ${ink} non-white pixels`);
    await page.context().close();
  });
}

test('the map page links to print with its bounds; the right and block pages link to print', async () => {
  const page = await h.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto('/map');
  await page.waitForSelector('#map[data-idle="true"]', { timeout: 60000 });
  const link = page.locator('#print-link');
  await link.waitFor({ state: 'visible' });
  const href = new URL(await link.getAttribute('href'), h.url);
  assert.equal(href.pathname, '/print');
  const bbox = href.searchParams.get('bbox').split(',').map(Number);
  assert.equal(bbox.length, 4);
  assert.ok(bbox[0] < bbox[2] && bbox[1] < bbox[3], `bbox ${bbox}`);
  const layers = href.searchParams.get('layers');
  assert.ok(layers && layers.includes('rights'), `layers ${layers}`);
  await Promise.all([page.waitForURL(/\/print\?/), link.click()]);
  await page.waitForSelector('#print-map[data-idle="true"]', { timeout: 60000 });

  const right = await knownRight();
  await page.goto(`/rights/${encodeURIComponent(right.id)}`);
  const rl = page.locator('a.print-link');
  assert.equal(await rl.getAttribute('href'), `/print?right=${encodeURIComponent(right.id)}`);
  await page.goto('/blocks/KT001');
  assert.equal(await page.locator('a.print-link').getAttribute('href'), '/print?block=KT001');
  await page.goto('/print?block=KT001&lang=en');
  await page.waitForSelector('#print-map[data-idle="true"]', { timeout: 60000 });
  assert.match(await page.textContent('.corners h3'), /KT001/);
  assert.equal(page.jsErrors.length, 0, page.jsErrors.join('\n'));
  await page.context().close();
});

test('a bad query shows its message next to the field, in the language; axe', async () => {
  const page = await h.newPage({ viewport: { width: 1280, height: 800 } });
  const res = await page.goto('/print?bbox=76,39,75,40&paper=B5&lang=en');
  assert.equal(res.status(), 400);
  assert.match(await page.textContent('#bbox-error'), /west must be less than east/);
  assert.match(await page.textContent('#paper-error'), /Unknown paper "B5"/);
  assert.equal(await page.getAttribute('#print-bbox', 'aria-invalid'), 'true');
  assert.equal(await page.inputValue('#print-bbox'), '76,39,75,40', 'what was typed is kept');
  const ug = await page.goto('/print?bbox=x&lang=ug');
  assert.equal(ug.status(), 400);
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  assert.ok((await page.textContent('#bbox-error')).length > 5);
  await page.context().close();

  const p2 = await openPrint('?bbox=75.9,39.4,76.1,39.6&lang=ug');
  const bad = (await axe(p2)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.equal(bad.length, 0, formatViolations(bad));
  await screenshot(p2, 'print-ug', { fullPage: true });
  await p2.context().close();
});
