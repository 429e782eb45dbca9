// The browser tests' harness: one mineplan server on an empty database (the
// embedded Kashgar plan and the illustrative register load into it at
// start-up), Debian's Chromium driven by playwright-core, sign-in as a demo
// account, axe-core and screenshots.
//
// Each test file runs in its own process (node --test), so each file gets its
// own server and browser: call start() in a before() hook and stop() in an
// after() hook. Set MINEPLAN_BIN to a built binary to skip the build.
import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const outDir = path.join(root, 'browser', 'out');
export const shotsDir = path.join(root, 'docs', 'screenshots');

// The browser: Debian's Chromium. A missing browser fails the tests (it is
// never a skip): CI installs the chromium package.
export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

// The flags the machine needs: headless as root, no GPU, and none of
// Chromium's own connections to the outside (the network is closed, and
// they would be refused many at a time). WebGL then runs on SwiftShader,
// Chromium's software renderer, which --enable-unsafe-swiftshader keeps
// allowed as the fallback for a missing GPU. playwright's launch() gives
// Chromium a fresh, empty --user-data-dir of its own each time (it refuses
// one in args), so no profile is shared between runs.
export const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let server = null; // {proc, url, passwords, tmp}
let browser = null;
const signedIn = new Map(); // role -> password now set

function build(tmp) {
  if (process.env.MINEPLAN_BIN) return process.env.MINEPLAN_BIN;
  const bin = path.join(tmp, 'mineplan');
  execFileSync('go', ['build', '-o', bin, './cmd/mineplan'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CGO_ENABLED: '0' } });
  return bin;
}

// startServer builds the binary and runs `mineplan serve` on a free port
// with a new database, and reads the address and the one-time passwords
// of the accounts it created from what it prints.
export async function startServer(serveArgs = []) {
  if (server) return server;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mineplan-browser-'));
  const bin = build(tmp);
  const proc = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--db', path.join(tmp, 'm.db'), ...serveArgs], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', errOut = '';
  proc.stderr.on('data', (b) => { errOut += b; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mineplan serve printed no address in 60 s:\n${out}\n${errOut}`)), 60000);
    proc.stdout.on('data', (b) => {
      out += b;
      const m = out.match(/mineplan 正在服务 .*?(https?:\/\/[^\s/]+\/)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`mineplan serve exited ${code}:\n${out}\n${errOut}`)); });
  });
  // The accounts table: "  name  role  password  [note]".
  const passwords = {};
  for (const line of out.split('\n')) {
    const m = line.match(/^\s+(\S+)\s+([a-z_]+)\s+([A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){3})(?:\s|$)/);
    if (m) passwords[m[1]] = { role: m[2], password: m[3] };
  }
  server = { proc, url: url.replace(/\/$/, ''), passwords, tmp, log: () => errOut };
  return server;
}

export async function launchBrowser() {
  if (browser) return browser;
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`no Chromium at ${chromiumPath}: install Debian's chromium package (the browser tests fail without it)`);
  }
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
  return browser;
}

// start is both: the server and the browser. It returns {url, browser,
// newPage(options)}; newPage opens a page in a new context (its own
// cookies), options being playwright's context options.
// serveArgs are more flags for `mineplan serve` (print.test.mjs: --map-config).
export async function start(serveArgs = []) {
  const s = await startServer(serveArgs);
  const b = await launchBrowser();
  return {
    url: s.url, browser: b, passwords: s.passwords,
    newPage: async (options = {}) => {
      const ctx = await b.newContext({ baseURL: s.url, ...options });
      const page = await ctx.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e));
      // Console errors count, except the browser's own request for
      // /favicon.ico (no page asks for it).
      page.on('console', (m) => {
        if (m.type() === 'error' && !/\/favicon\.ico$/.test(m.location()?.url || '')) errors.push(new Error(`${m.text()} (${m.location()?.url || ''})`));
      });
      page.jsErrors = errors;
      return page;
    },
  };
}

export async function stop() {
  if (browser) { await browser.close(); browser = null; }
  if (server) {
    server.proc.kill('SIGTERM');
    await new Promise((r) => { if (server.proc.exitCode !== null) r(); else server.proc.on('exit', r); });
    fs.rmSync(server.tmp, { recursive: true, force: true });
    server = null;
  }
}

// accountFor names the demo account of a role: 'county_clerk' or
// 'county-clerk' is demo-county-clerk; 'admin' is the first administrator.
function accountFor(role) {
  if (role === 'admin') return 'admin';
  return 'demo-' + role.replace(/_/g, '-');
}

// totpCode is RFC 6238's code (SHA-1, 30 s, 6 digits) for a base32 key.
export function totpCode(secret, t = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 1000 / 30)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0');
}
const totpSecrets = new Map();

// signIn signs a page in as the demo account of a role, changing the
// one-time password at the first sign-in (and enrolling TOTP where the role
// needs it), and returns the page, on the home page.
export async function signIn(page, role) {
  const name = accountFor(role);
  const s = server;
  if (!s || !s.passwords[name]) throw new Error(`no account ${name} was printed at start-up (have: ${Object.keys(s?.passwords || {}).join(', ')})`);
  const password = signedIn.get(name) || s.passwords[name].password;
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.goto('/signin');
    await page.fill('#name', name);
    await page.fill('#password', password);
    if (totpSecrets.has(name)) await page.fill('#code', totpCode(totpSecrets.get(name)));
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/signin"] button[type=submit]')]);
    if (!new URL(page.url()).pathname.startsWith('/signin')) break;
    // A TOTP code already used in this 30 s step is refused: wait for the next.
    if (!totpSecrets.has(name)) throw new Error(`sign-in as ${name} refused: ${await page.textContent('main')}`);
    await page.waitForTimeout(31000 - (Date.now() % 30000));
  }
  let p = new URL(page.url()).pathname;
  if (p === '/account/password') {
    const fresh = `Browser-Test-${Date.now() % 100000}!`;
    await page.fill('#current', password);
    await page.fill('#new', fresh);
    await page.fill('#confirm', fresh);
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/account/password"] button[type=submit]')]);
    p = new URL(page.url()).pathname;
    if (p === '/account/password') throw new Error(`password change for ${name} refused: ${await page.textContent('main')}`);
    signedIn.set(name, fresh);
  }
  if (p === '/account/totp' && (await page.$('form[action="/account/totp"] #code'))) {
    const secret = (await page.textContent('main')).match(/\b([A-Z2-7]{16,})\b/)[1];
    totpSecrets.set(name, secret);
    await page.fill('#code', totpCode(secret));
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/account/totp"] button[type=submit]')]);
  }
  return page;
}

// axe runs axe-core in the page and returns its serious and critical
// violations. The script is evaluated through the DevTools protocol
// (page.evaluate of the file's source), which the page's CSP does not
// govern; page.addScriptTag would add an inline <script>, which the CSP
// (script-src 'self') refuses, and bypassCSP would switch the CSP off
// for the page under test.
const axeSource = fs.readFileSync(path.join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
export async function axe(page, options = {}) {
  await page.evaluate(axeSource);
  const res = await page.evaluate((opts) => window.axe.run(document, opts), { resultTypes: ['violations'], ...options });
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function formatViolations(vs) {
  return vs.map((v) => `${v.impact} ${v.id}: ${v.help}\n` + v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.split('\n').join(' ')}`).join('\n')).join('\n');
}

// screenshot writes browser/out/<name>.png (the CI artefact) and, with
// UPDATE_SCREENSHOTS=1, the committed docs/screenshots/<name>.png.
export async function screenshot(page, name, options = {}) {
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, name + '.png');
  const buf = await page.screenshot({ path: file, ...options });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    fs.mkdirSync(shotsDir, { recursive: true });
    fs.writeFileSync(path.join(shotsDir, name + '.png'), buf);
  }
  return buf;
}

// decodePNG reads the 8-bit RGB or RGBA PNGs Chromium's screenshots are
// into {width, height, channels, data} (no interlacing, as Chromium writes).
export function decodePNG(buf) {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let off = 8, width = 0, height = 0, channels = 0;
  const idat = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const body = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0); height = body.readUInt32BE(4);
      const depth = body[8], colour = body[9], interlace = body[12];
      if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0) throw new Error(`PNG: depth ${depth} colour type ${colour} interlace ${interlace} not supported`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? data[y * stride + x - channels] : 0;
      const b = y > 0 ? data[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? data[(y - 1) * stride + x - channels] : 0;
      let v = line[x];
      switch (f) {
        case 0: break;
        case 1: v += a; break;
        case 2: v += b; break;
        case 3: v += (a + b) >> 1; break;
        case 4: { const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c); v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c; break; }
        default: throw new Error(`PNG: filter ${f}`);
      }
      data[y * stride + x] = v & 0xff;
    }
  }
  return { width, height, channels, data };
}

// countNonBackground counts the pixels of a PNG farther than tol (in any
// channel) from the colour bg ([r, g, b]).
export function countNonBackground(png, bg, tol = 12) {
  const img = decodePNG(png);
  let n = 0;
  for (let i = 0; i < img.data.length; i += img.channels) {
    if (Math.abs(img.data[i] - bg[0]) > tol || Math.abs(img.data[i + 1] - bg[1]) > tol || Math.abs(img.data[i + 2] - bg[2]) > tol) n++;
  }
  return { count: n, total: img.width * img.height };
}
