#!/usr/bin/env node
// A watch-only Chromium for the rendition tests: it joins a room as a `viewer` over the
// signalling socket (no UI: the page is only there to give the socket the server's origin),
// receives the composite, and reports what its decoder gets, so a test can run it inside a
// network namespace whose link it shapes.
//
//   node tests/browser/rendition_viewer.mjs --url http://HOST:PORT --room ROOM_ID --token crs_…
//
// stdout carries one JSON object per line:
//   {"event":"joined","t"}
//   {"event":"stats","t","framesDecoded","width","height","packetsLost","packetsReceived",
//    "freezeCount","freezesMs","bytesReceived"}                       every 200 ms
//   {"event":"rendition","t","rendition","width","height","pinned"}  from the server
//   {"event":"error","message"}
// `t` is milliseconds since the script started. stdin: `pin NAME` (or `pin auto`), `quit`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const STATS_INTERVAL_MS = 200;
const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' },
    room: { type: 'string' },
    token: { type: 'string' },
    chromium: { type: 'string', default: process.env.CHROMIUM ?? '/usr/bin/chromium' },
  },
});
if (!opts.url || !opts.room || !opts.token) {
  console.error('usage: rendition_viewer.mjs --url URL --room ROOM --token TOKEN');
  process.exit(2);
}

const started = Date.now();
const emit = (obj) => process.stdout.write(`${JSON.stringify({ ...obj, t: Date.now() - started })}\n`);

const userDataDir = await mkdtemp(path.join(tmpdir(), 'cr-viewer-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: opts.chromium,
  headless: true,
  args: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--autoplay-policy=no-user-gesture-required',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-quic',
  ],
});
let closing = false;
async function quit(code) {
  if (closing) return;
  closing = true;
  await context.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
  process.exit(code);
}
process.on('SIGTERM', () => quit(0));
process.on('SIGINT', () => quit(0));

const page = context.pages()[0] ?? (await context.newPage());
await page.exposeFunction('__report', (obj) => emit(obj));
page.on('pageerror', (err) => emit({ event: 'error', message: `page: ${err.message}` }));
await page.goto(`${opts.url}/api/health`);

await page.evaluate(
  ({ room, token, statsMs }) => {
    const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`);
    window.__ws = ws;
    const pc = new RTCPeerConnection();
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addTransceiver('video', { direction: 'recvonly' });
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    document.body.append(video);
    pc.ontrack = (e) => {
      if (e.track.kind === 'video') {
        video.srcObject = new MediaStream([e.track]);
        video.play().catch(() => {});
      }
    };
    pc.onicecandidate = (e) => {
      if (e.candidate) {
        ws.send(JSON.stringify({ type: 'ice', candidate: e.candidate.candidate, sdpMLineIndex: e.candidate.sdpMLineIndex }));
      }
    };
    ws.onopen = () => ws.send(JSON.stringify({ type: 'join', room, token, name: 'Shaped viewer', role: 'viewer' }));
    ws.onclose = () => window.__report({ event: 'error', message: 'socket closed' });
    ws.onmessage = async (m) => {
      const msg = JSON.parse(m.data);
      if (msg.type === 'joined') {
        window.__report({ event: 'joined' });
        const offer = await pc.createOffer();
        await pc.setLocalDescription(offer);
        ws.send(JSON.stringify({ type: 'offer', sdp: offer.sdp }));
      } else if (msg.type === 'answer') {
        await pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
      } else if (msg.type === 'ice') {
        await pc.addIceCandidate({ candidate: msg.candidate, sdpMLineIndex: msg.sdpMLineIndex }).catch(() => {});
      } else if (msg.type === 'rendition') {
        window.__report({ event: 'rendition', rendition: msg.rendition, width: msg.width, height: msg.height, pinned: msg.pinned });
      } else if (msg.type === 'error') {
        window.__report({ event: 'error', message: `${msg.code}: ${msg.message}` });
      }
    };
    setInterval(async () => {
      const stats = await pc.getStats();
      for (const r of stats.values()) {
        if (r.type === 'inbound-rtp' && r.kind === 'video') {
          window.__report({
            event: 'stats',
            framesDecoded: r.framesDecoded ?? 0,
            width: r.frameWidth ?? 0,
            height: r.frameHeight ?? 0,
            packetsLost: r.packetsLost ?? 0,
            packetsReceived: r.packetsReceived ?? 0,
            freezeCount: r.freezeCount ?? 0,
            freezesMs: Math.round((r.totalFreezesDuration ?? 0) * 1000),
            bytesReceived: r.bytesReceived ?? 0,
          });
        }
      }
    }, statsMs);
  },
  { room: opts.room, token: opts.token, statsMs: STATS_INTERVAL_MS },
);

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'quit') await quit(0);
  if (cmd === 'pin') {
    await page.evaluate((r) => window.__ws.send(JSON.stringify({ type: 'rendition', rendition: r })), arg).catch(() => {});
  }
});
rl.on('close', () => quit(0));
