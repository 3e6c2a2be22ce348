#!/usr/bin/env node
// The web app end to end, as a new user would go through it, in headless Chromium:
//   A signs up, creates a room and copies its participant invite link; B opens that link,
//   goes through pre-join and joins; both composites must show the expected tiles; B picks
//   180p, 720p and Auto in the quality menu (its composite must arrive 320, then 1280 wide);
//   A opens the Broadcast dialog, starts HLS and stops it again; A records for a few seconds; an admin signs in, waits for the recording to be Ready, plays it to its
//   end and downloads it.
//   node tests/browser/web_app.mjs --url http://127.0.0.1:PORT --user NAME --password PASS \
//        --admin NAME --admin-password PASS --video-a a.y4m --audio-a a.wav \
//        --video-b b.y4m --audio-b b.wav --tiles '[{"x","y","width","height","rgb":[r,g,b]}]' \
//        --artifacts DIR --downloads DIR [--record-secs 4] [--chromium /usr/bin/chromium]
// A and B each get their own browser, because the fake camera file is a launch flag.
// stdout carries one JSON object per line:
//   {"event":"step","name","ms"}               a step finished (ms: how long it took)
//   {"event":"screenshot","path"}              a page was saved
//   {"event":"composite","who","png","means"}  the composite that matched (or the last one
//                                               seen when none did), and each tile's mean colour
//   {"event":"statuses","seen":[...]}          the recording's status labels, in order
//   {"event":"playback","duration","currentTime","ended"}
//   {"event":"download","path"}
//   {"event":"error","message"}                then exit status 1
//   {"event":"done"}
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const STEP_TIMEOUT_MS = 30_000;
const POLL_MS = 250;

const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    admin: { type: 'string' },
    'admin-password': { type: 'string' },
    'video-a': { type: 'string' },
    'audio-a': { type: 'string' },
    'video-b': { type: 'string' },
    'audio-b': { type: 'string' },
    tiles: { type: 'string' },
    artifacts: { type: 'string' },
    downloads: { type: 'string' },
    'record-secs': { type: 'string', default: '4' },
    chromium: { type: 'string', default: process.env.CHROMIUM ?? '/usr/bin/chromium' },
  },
});

const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const log = (...args) => console.error('[web_app]', ...args);

const required = ['url', 'user', 'password', 'admin', 'admin-password', 'video-a', 'audio-a', 'video-b', 'audio-b', 'tiles', 'artifacts', 'downloads'];
const missing = required.filter((k) => opts[k] === undefined);
if (missing.length > 0) {
  emit({ event: 'error', message: `missing options: ${missing.map((k) => `--${k}`).join(' ')}` });
  process.exit(2);
}
const base = opts.url.replace(/\/+$/, '');
const tiles = JSON.parse(opts.tiles);
const recordMs = Number(opts['record-secs']) * 1000;

/** Chromium as the brief's CI runs it; each camera and microphone from its own files. */
const launch = (video, audio) =>
  chromium.launch({
    executablePath: opts.chromium,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
      // Without it Chromium gathers no candidates on a loopback-only network.
      '--allow-loopback-in-peer-connection',
      ...(video ? [`--use-file-for-fake-video-capture=${path.resolve(video)}`] : []),
      ...(audio ? [`--use-file-for-fake-audio-capture=${path.resolve(audio)}`] : []),
    ],
  });

const browsers = [];
let shot = 0;

/** Saves the whole page under the artifacts folder, numbered in visiting order. */
async function screenshot(page, who, what) {
  shot += 1;
  const file = path.join(opts.artifacts, `${String(shot).padStart(2, '0')}-${who}-${what}.png`);
  await page.screenshot({ path: file, fullPage: true, timeout: 10_000 }).then(
    () => emit({ event: 'screenshot', path: file }),
    (err) => log(`screenshot ${file} failed: ${err.message}`),
  );
}

/** Runs one step; on failure saves the page and reports what the page showed. */
async function step(name, page, who, body) {
  const started = Date.now();
  try {
    await body();
  } catch (err) {
    await screenshot(page, who, `FAILED-${name}`);
    const alerts = await page.locator('[role="alert"]').allTextContents().catch(() => []);
    const status = await page.getByTestId('status').first().textContent({ timeout: 500 }).catch(() => null);
    const shown = [status !== null ? `status "${status}"` : null, ...alerts].filter(Boolean).join('; ');
    throw new Error(`${name} (${who}): ${err.message.split('\n')[0]}${shown ? ` [page shows: ${shown}]` : ''}`);
  }
  emit({ event: 'step', name, ms: Date.now() - started });
  await screenshot(page, who, name);
}

async function newPage(browser, who, permissions = []) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.on('pageerror', (err) => log(`${who} page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') log(`${who} console.error: ${msg.text()}`);
  });
  return page;
}

/**
 * Runs in the page: draws the composite into a canvas and gives each expected tile's mean
 * colour over the part that shows only camera (inset, without the label strip), scaled from
 * the 1280×720 layout to the video's own size, plus the frame as a PNG.
 */
function readComposite(tiles) {
  const video = document.querySelector('[data-testid="composite"]');
  if (!video || video.videoWidth === 0) return null;
  const w = video.videoWidth;
  const h = video.videoHeight;
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(video, 0, 0, w, h);
  const sx = w / 1280;
  const sy = h / 720;
  const means = tiles.map((t) => {
    const x0 = Math.round((t.x + 4) * sx);
    const y0 = Math.round((t.y + 4) * sy);
    const x1 = Math.round((t.x + t.width - 4) * sx);
    const y1 = Math.round((t.y + t.height * 0.75) * sy);
    const data = ctx.getImageData(x0, y0, x1 - x0, y1 - y0).data;
    const sum = [0, 0, 0];
    for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) sum[c] += data[i + c];
    const n = data.length / 4;
    return sum.map((s) => Math.round(s / n));
  });
  return { means, width: w, height: h, png: canvas.toDataURL('image/png').split(',')[1] };
}

const close = (a, b, tol) => a.every((v, i) => Math.abs(v - b[i]) <= tol);

/** Waits until the page's composite shows every tile in its colour; emits the frame either way. */
async function waitForTiles(page, who) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let last = null;
  while (Date.now() < deadline) {
    last = (await page.evaluate(readComposite, tiles)) ?? last;
    if (last && last.means.every((m, i) => close(m, tiles[i].rgb, 60))) break;
    await page.waitForTimeout(POLL_MS);
  }
  if (!last) throw new Error('the composite never showed a picture');
  emit({ event: 'composite', who, png: last.png, means: last.means, width: last.width, height: last.height });
}

/** Waits until tile `index` of the page's composite has a mean colour that `ok` accepts. */
async function waitForTile(page, index, ok) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let last = null;
  while (Date.now() < deadline) {
    last = (await page.evaluate(readComposite, tiles)) ?? last;
    if (last && ok(last.means[index])) return;
    await page.waitForTimeout(POLL_MS);
  }
  throw new Error(`tile ${index} stayed ${JSON.stringify(last?.means[index])}`);
}

async function signUp(page) {
  await page.goto(`${base}/`);
  await page.getByTestId('mode-register').click();
  await page.locator('#username').fill(opts.user);
  await page.locator('#password').fill(opts.password);
  await page.getByTestId('register').click();
  // The app signs in by itself after the account is made and shows the lobby.
  await page.getByTestId('signed-in-as').filter({ hasText: opts.user }).waitFor();
}

async function createRoom(page) {
  await page.getByTestId('new-room').click();
  await page.locator('#room-name').fill('Web app test');
  await page.getByTestId('create-room').click();
  await page.getByTestId('room-created').waitFor();
}

/** Copies the participant link the way a user does: Invite → Copy participant link. */
async function copyInvite(page) {
  await page.getByTestId('room-created').getByTestId('copy-invite').click();
  await page.getByRole('menuitem', { name: /Copy participant link/ }).click();
  // The clipboard is granted, so the snackbar confirms; the dialog is the app's fallback.
  const copied = page.getByText('Participant invite link copied');
  const dialog = page.locator('#invite-link');
  await copied.or(dialog).first().waitFor();
  const link = (await dialog.isVisible()) ? await dialog.inputValue() : await page.evaluate(() => navigator.clipboard.readText());
  const parsed = new URL(link);
  if (!parsed.searchParams.get('room') || !parsed.searchParams.get('invite')) throw new Error(`not an invite link: ${link}`);
  return link;
}

async function joinFromPreJoin(page, name) {
  if (name !== null) await page.locator('#name').fill(name);
  // A steady colour and tone: no processing of the fake microphone.
  await page.locator('#original-sound').check();
  const join = page.getByTestId('join');
  await join.and(page.locator(':enabled')).waitFor();
  await join.click();
  await page.getByTestId('status').filter({ hasText: /^connected$/ }).waitFor();
}

async function record(page) {
  const toggle = page.getByTestId('record-toggle');
  await toggle.filter({ hasText: 'Start recording' }).and(page.locator(':enabled')).click();
  await page.getByTestId('recording-indicator').waitFor();
  await toggle.filter({ hasText: 'Stop recording' }).waitFor();
  await page.waitForTimeout(recordMs);
  await toggle.click();
  await page.getByTestId('recording-indicator').waitFor({ state: 'detached' });
  await toggle.filter({ hasText: 'Start recording' }).waitFor();
}

/** Picks `label` in the quality menu; with `width`, waits until the composite arrives at it. */
async function chooseQuality(page, label, width) {
  await page.getByTestId('quality-menu').click();
  await page.getByRole('menuitemradio', { name: new RegExp(`^${label}`) }).click();
  if (width) {
    await page.waitForFunction(
      (w) => document.querySelector('[data-testid="composite"]')?.videoWidth === w,
      width,
      { timeout: 15_000 },
    );
  }
}

async function waitQualityLabel(page, re) {
  await page.getByTestId('quality-menu').filter({ hasText: re }).waitFor({ timeout: 5000 });
}

async function leave(page) {
  await page.getByTestId('leave').click();
  await page.getByTestId('composite').waitFor({ state: 'detached' });
}

async function adminSignIn(page) {
  await page.goto(`${base}/recordings`);
  await page.locator('#username').fill(opts.admin);
  await page.locator('#password').fill(opts['admin-password']);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('signed-in-as').filter({ hasText: `${opts.admin} (admin)` }).waitFor();
  await page.getByRole('heading', { name: 'Recordings' }).waitFor();
}

/** Waits for the one recording's row to say Ready; returns the labels it went through. */
async function waitReady(page) {
  const row = page.getByTestId('recording-row');
  await row.first().waitFor();
  const seen = [];
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const rows = await row.count();
    if (rows !== 1) throw new Error(`expected one recording row, found ${rows}`);
    const label = (await row.locator('.MuiChip-label').first().textContent())?.trim() ?? '';
    if (seen.at(-1) !== label) seen.push(label);
    if (label === 'Ready') break;
    if (label === 'Failed') throw new Error('the recording failed');
    await page.waitForTimeout(POLL_MS);
  }
  emit({ event: 'statuses', seen });
  if (seen.at(-1) !== 'Ready') throw new Error(`the recording is not Ready after ${STEP_TIMEOUT_MS / 1000} s: ${seen.join(' → ')}`);
}

async function play(page) {
  await page.getByTestId('recording-row').getByRole('button', { name: /^Play / }).click();
  const player = page.getByTestId('recording-player');
  await player.waitFor();
  const limitMs = recordMs + 20_000;
  const result = await player.evaluate(
    (video, limit) =>
      new Promise((resolve) => {
        const report = (ended, message) =>
          resolve({ ended, message, duration: video.duration, currentTime: video.currentTime, width: video.videoWidth, height: video.videoHeight });
        if (video.ended) return report(true);
        setTimeout(() => report(false, `not ended within ${limit / 1000} s`), limit);
        video.addEventListener('ended', () => report(true));
        video.addEventListener('error', () => report(false, `media error ${video.error?.code}: ${video.error?.message ?? ''}`));
        // Autoplay normally starts it; a refused autoplay would otherwise look like a hang.
        if (video.paused) video.play().catch((err) => report(false, `play() refused: ${err}`));
      }),
    limitMs,
  );
  emit({ event: 'playback', ...result });
  if (!result.ended) throw new Error(result.message);
  await page.getByRole('button', { name: 'Close' }).click();
  await player.waitFor({ state: 'detached' });
}

async function download(page) {
  const pending = page.waitForEvent('download');
  await page.getByTestId('recording-row').getByRole('button', { name: /^Download / }).click();
  const file = await pending;
  const target = path.join(opts.downloads, file.suggestedFilename() || 'recording.mp4');
  await file.saveAs(target);
  const failure = await file.failure();
  if (failure) throw new Error(`download failed: ${failure}`);
  emit({ event: 'download', path: target });
}

async function main() {
  await mkdir(opts.artifacts, { recursive: true });
  await mkdir(opts.downloads, { recursive: true });
  const a = await launch(opts['video-a'], opts['audio-a']);
  browsers.push(a);
  const b = await launch(opts['video-b'], opts['audio-b']);
  browsers.push(b);

  const pageA = await newPage(a, 'A', ['camera', 'microphone', 'clipboard-read', 'clipboard-write']);
  await step('sign-up', pageA, 'A', () => signUp(pageA));
  await step('create-room', pageA, 'A', () => createRoom(pageA));
  let invite = null;
  await step('copy-invite', pageA, 'A', async () => {
    invite = await copyInvite(pageA);
  });
  await step('pre-join', pageA, 'A', async () => {
    await pageA.getByRole('link', { name: 'Join now' }).click();
    await pageA.getByTestId('join').waitFor();
  });
  await step('joined', pageA, 'A', () => joinFromPreJoin(pageA, null));

  const pageB = await newPage(b, 'B', ['camera', 'microphone']);
  await step('open-invite', pageB, 'B', async () => {
    await pageB.goto(invite);
    await pageB.locator('#name').waitFor();
  });
  await step('joined', pageB, 'B', () => joinFromPreJoin(pageB, 'Guest B'));

  await step('composite', pageA, 'A', () => waitForTiles(pageA, 'A'));
  await step('composite', pageB, 'B', () => waitForTiles(pageB, 'B'));

  // A guest on a weak link picks the smallest picture, then the full one, then Auto again.
  await step('quality-180p', pageB, 'B', () => chooseQuality(pageB, '180p', 320));
  await step('quality-720p', pageB, 'B', () => chooseQuality(pageB, '720p', 1280));
  await step('quality-auto', pageB, 'B', async () => {
    await chooseQuality(pageB, 'Auto', null);
    await waitQualityLabel(pageB, /^Auto · 720p$/);
  });
  // The owner lays the room out around its active speaker and back: the menu follows the
  // server's layout message, and a guest has no such menu.
  await step('layout-speaker', pageA, 'A', async () => {
    if ((await pageB.getByTestId('layout-menu').count()) !== 0) throw new Error('a guest sees the layout menu');
    await pageA.getByTestId('layout-menu').click();
    await pageA.getByTestId('layout-speaker').click();
    await pageA.getByTestId('layout-menu').filter({ hasText: /^Speaker$/ }).waitFor({ timeout: 5000 });
  });
  await step('layout-grid', pageA, 'A', async () => {
    await pageA.getByTestId('layout-menu').click();
    await pageA.getByTestId('layout-grid').click();
    await pageA.getByTestId('layout-menu').filter({ hasText: /^Grid$/ }).waitFor({ timeout: 5000 });
    await waitForTiles(pageA, 'A');
  });
  // The owner turns the camera off: the guest's composite shows the owner's placeholder, not
  // the last red frame; turned on again, the camera returns.
  await step('camera-off', pageB, 'B', async () => {
    await pageA.getByTestId('toggle-camera').click();
    await pageB.getByTestId('roster').getByTestId('camera-off').waitFor({ timeout: 5000 });
    // The placeholder's colour: neither the red camera nor the black frames of a disabled track.
    await waitForTile(pageB, 0, (m) => !close(m, tiles[0].rgb, 60) && m.reduce((a, b) => a + b, 0) > 90);
  });
  await step('camera-on', pageB, 'B', async () => {
    await pageA.getByTestId('toggle-camera').click();
    await waitForTile(pageB, 0, (m) => close(m, tiles[0].rgb, 60));
  });
  await step('broadcast-dialog', pageA, 'A', async () => {
    await pageA.getByRole('button', { name: /broadcast/i }).click();
    await pageA.getByRole('dialog').waitFor();
  });
  // The owner turns HLS on and off again from the dialog: the chip follows the server.
  const hlsChip = pageA.getByTestId('hls-state');
  await step('hls-on', pageA, 'A', async () => {
    await pageA.getByRole('button', { name: 'Start HLS' }).click();
    await hlsChip.filter({ hasText: /^On$/ }).waitFor();
  });
  await step('hls-off', pageA, 'A', async () => {
    await pageA.getByRole('button', { name: 'Stop HLS' }).click();
    await hlsChip.filter({ hasText: /^Off$/ }).waitFor();
  });
  await pageA.keyboard.press('Escape');
  await pageA.getByRole('dialog').waitFor({ state: 'detached' });
  await step('recorded', pageA, 'A', () => record(pageA));
  await step('left', pageB, 'B', () => leave(pageB));
  await step('left', pageA, 'A', () => leave(pageA));
  await b.close();

  // The admin has no camera to share; A's browser serves in a fresh context.
  const pageAdmin = await newPage(a, 'admin');
  await step('admin-sign-in', pageAdmin, 'admin', () => adminSignIn(pageAdmin));
  await step('recording-ready', pageAdmin, 'admin', () => waitReady(pageAdmin));
  await step('played', pageAdmin, 'admin', () => play(pageAdmin));
  await step('downloaded', pageAdmin, 'admin', () => download(pageAdmin));
  emit({ event: 'done' });
}

let status = 0;
try {
  await main();
} catch (err) {
  emit({ event: 'error', message: err.message ?? String(err) });
  status = 1;
} finally {
  await Promise.race([Promise.all(browsers.map((b) => b.close().catch(() => {}))), new Promise((r) => setTimeout(r, 5000))]);
}
process.exit(status);
