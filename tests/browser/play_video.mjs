#!/usr/bin/env node
// Plays a media URL in a headless Chromium <video> element, as a page of the server would
// (same origin, no Authorization header), and reports how far it got.
//   node tests/browser/play_video.mjs --origin http://127.0.0.1:PORT --src '/api/...?sig=...'
// stdout: one JSON line, {"event":"ended","currentTime","duration","width","height"} when
// playback reaches the end, or {"event":"error","message"} (exit status 1) on a media error
// or after the timeout (duration + 20 s, at most 120 s).
import { chromium } from 'playwright-core';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, v, i, all) => (i % 2 === 0 ? [...pairs, [v.replace(/^--/, ''), all[i + 1]]] : pairs), []),
);
if (!args.origin || !args.src) {
  console.error('usage: play_video.mjs --origin URL --src PATH_OR_URL [--chromium PATH]');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: args.chromium ?? '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'],
});
let status = 0;
try {
  const page = await browser.newPage();
  // The server's own page gives the <video> the server's origin.
  await page.goto(`${args.origin}/healthz`);
  const result = await page.evaluate(
    (src) =>
      new Promise((resolve) => {
        const video = document.createElement('video');
        video.muted = true;
        let timer = null;
        const done = (value) => {
          clearTimeout(timer);
          resolve(value);
        };
        video.addEventListener('loadedmetadata', () => {
          const limit = Math.min(120, (Number.isFinite(video.duration) ? video.duration : 60) + 20);
          timer = setTimeout(() => done({ event: 'error', message: `not ended after ${limit} s`, currentTime: video.currentTime }), limit * 1000);
        });
        video.addEventListener('ended', () =>
          done({
            event: 'ended',
            currentTime: video.currentTime,
            duration: video.duration,
            width: video.videoWidth,
            height: video.videoHeight,
          }),
        );
        video.addEventListener('error', () =>
          done({ event: 'error', message: `media error ${video.error?.code}: ${video.error?.message ?? ''}` }),
        );
        video.src = src;
        document.body.appendChild(video);
        video.play().catch((err) => done({ event: 'error', message: `play() refused: ${err}` }));
      }),
    args.src,
  );
  console.log(JSON.stringify(result));
  if (result.event !== 'ended') status = 1;
} catch (err) {
  console.log(JSON.stringify({ event: 'error', message: String(err) }));
  status = 1;
} finally {
  await browser.close();
}
process.exit(status);
