#!/usr/bin/env node
// A real browser participant for the end-to-end tests: headless Chromium with
// file-backed fake camera and microphone, driven through the web UI exactly as
// a person would use it (sign in or open an invite link, fill the form, click
// Join, later click Leave).
//
// A member with an account, joining a room that already exists:
//   node tests/browser/chromium_client.mjs --url http://127.0.0.1:PORT --room ROOM_ID \
//        --username USER --password PASS [--name NAME] [media options]
//   Opens /?room=ROOM_ID, signs in through the sign-in form (if the server
//   answers 401 to the login, it creates the account through the form's
//   "Create account" mode first, which then signs in), checks that #room holds
//   ROOM_ID, and joins. --name replaces the display name, which defaults to
//   the user name. Each simultaneous client needs its own user: a second join
//   with the same session replaces the first.
// A guest with an invite link:
//   node tests/browser/chromium_client.mjs --invite-url 'http://127.0.0.1:PORT/?room=ID&invite=TOKEN' \
//        [--name NAME] [media options]
//   Opens that link (no sign-in), fills #name (default "Chromium") and joins.
// Media options, for both: [--video red.y4m] [--audio tone.wav] [--freqs 500,700,1100]
//   [--chromium /usr/bin/chromium]
//
// stdout carries one JSON object per line and nothing else (diagnostics go to
// stderr). `t` is milliseconds since the Join click.
//   {"event":"joined","t"}      the status line first says "connected"
//   {"event":"playing","t"}     first frame of the composite rendered
//   {"event":"stats","t","frames","fps","maxGapMs","width","height"}   every second
//   {"event":"frame","t","png"} the composite at its natural size, every 500 ms
//   {"event":"audio","t","levels":{"<Hz>":dBFS}}  every second, once audio is received
//   {"event":"error","message"} page errors, server errors, a failed sign-in, a
//                               lost connection, timeouts
//   {"event":"left"}            after the `leave` command
// stdin commands, one per line: `leave` (click Leave, keep running), `quit`.
// End of stdin, SIGINT and SIGTERM also quit. Exit status 1 if sign-in fails,
// the join is refused (including being sent back to the sign-in or join page),
// the join does not reach "connected" within 20 s, or the browser dies; 2 for
// bad options.
// Every 5 s stderr gets the peer connection's receive statistics (packets,
// frames decoded, SSRCs), which tell "nothing arrives" from "arrives but is
// not shown" when `stats` reports no frames.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const JOIN_TIMEOUT_MS = 20_000;
const SIGN_IN_TIMEOUT_MS = 15_000;
const LEAVE_TIMEOUT_MS = 10_000;
const ERROR_GRACE_MS = 5000;
const STATS_INTERVAL_MS = 1000;
const FRAME_INTERVAL_MS = 500;
const AUDIO_INTERVAL_MS = 1000;
const REPORT_BINDING = '__chromiumClientReport';
const PC_LIST = '__chromiumClientPeerConnections';
const DIAGNOSTICS_INTERVAL_MS = 5000;

const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' },
    room: { type: 'string' },
    username: { type: 'string' },
    password: { type: 'string' },
    'invite-url': { type: 'string' },
    name: { type: 'string' },
    video: { type: 'string' },
    audio: { type: 'string' },
    freqs: { type: 'string', default: '' },
    chromium: { type: 'string', default: process.env.CHROMIUM ?? '/usr/bin/chromium' },
  },
});

const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const log = (...args) => console.error('[chromium_client]', ...args);

const USAGE =
  'usage: chromium_client.mjs (--url URL --room ROOM --username USER --password PASS | --invite-url URL)' +
  ' [--name NAME] [--video FILE] [--audio FILE] [--freqs HZ,HZ]';
const inviteUrl = opts['invite-url'];
const asMember = opts.username !== undefined || opts.password !== undefined;
let optionProblem = null;
if (inviteUrl && asMember) optionProblem = '--invite-url joins as a guest; it cannot be combined with --username/--password';
else if (inviteUrl && !URL.canParse(inviteUrl)) optionProblem = `bad --invite-url: ${inviteUrl}`;
else if (!inviteUrl && (!opts.url || !opts.room || !opts.username || !opts.password)) {
  optionProblem = '--url, --room, --username and --password are required (or --invite-url for a guest)';
}
if (optionProblem) {
  log(USAGE);
  emit({ event: 'error', message: optionProblem });
  process.exit(2);
}
const freqs = opts.freqs
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean)
  .map(Number);
if (freqs.some((f) => !Number.isFinite(f) || f <= 0)) {
  emit({ event: 'error', message: `bad --freqs: ${opts.freqs}` });
  process.exit(2);
}

const chromiumArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  // Without it Chromium gathers no candidates on a loopback-only network.
  '--allow-loopback-in-peer-connection',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  ...(opts.video ? [`--use-file-for-fake-video-capture=${path.resolve(opts.video)}`] : []),
  ...(opts.audio ? [`--use-file-for-fake-audio-capture=${path.resolve(opts.audio)}`] : []),
];

/**
 * Runs inside the page. Watches the UI through its data-testid attributes
 * only and reports through the exposed binding; it adds nothing to the app.
 * It stops by itself once the composite leaves the page (after Leave).
 */
function pageMonitor({ binding, freqs, statsMs, frameMs, audioMs }) {
  const report = (msg) => window[binding](msg);
  const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

  let lastStatus;
  const checkStatus = () => {
    const text = byTestId('status')?.textContent?.trim() ?? null;
    if (text !== lastStatus) {
      lastStatus = text;
      report({ kind: 'status', text, at: Date.now() });
    }
  };
  const observer = new MutationObserver(checkStatus);
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  checkStatus();

  let video = null;
  let timers = [];
  let frames = 0;
  let framesAtLastStats = 0;
  let lastFrameTs = null;
  let lastPresented = null;
  let maxGap = 0;

  const onFrame = (ts, meta) => {
    if (meta.presentedFrames === undefined) return;
    // presentedFrames also counts frames shown while this callback was not
    // called (a busy main thread), so the gap is spread over them.
    const step = lastPresented === null ? 1 : Math.max(1, meta.presentedFrames - lastPresented);
    lastPresented = meta.presentedFrames;
    if (lastFrameTs === null) report({ kind: 'playing', at: Date.now() });
    else maxGap = Math.max(maxGap, (ts - lastFrameTs) / step);
    lastFrameTs = ts;
    frames += step;
  };
  const watchFrames = (el) => {
    const loop = (ts, meta) => {
      if (el !== video) return;
      onFrame(ts, meta);
      el.requestVideoFrameCallback(loop);
    };
    el.requestVideoFrameCallback(loop);
  };

  const stats = () => {
    // A freeze shows up while it lasts, not only once the next frame arrives.
    const openGap = lastFrameTs === null ? 0 : performance.now() - lastFrameTs;
    report({
      kind: 'stats',
      at: Date.now(),
      frames,
      fps: frames - framesAtLastStats,
      maxGapMs: Math.round(Math.max(maxGap, openGap)),
      width: video.videoWidth,
      height: video.videoHeight,
    });
    framesAtLastStats = frames;
    maxGap = 0;
  };

  const canvas = document.createElement('canvas');
  let encoding = false;
  const grabFrame = () => {
    const { videoWidth: w, videoHeight: h } = video;
    if (encoding || w === 0 || h === 0) return;
    const at = Date.now();
    canvas.width = w;
    canvas.height = h;
    canvas.getContext('2d').drawImage(video, 0, 0, w, h);
    encoding = true;
    // toBlob encodes off the main thread, so frame timing is not disturbed.
    canvas.toBlob((blob) => {
      if (!blob) {
        encoding = false;
        return;
      }
      const reader = new FileReader();
      reader.onloadend = () => {
        encoding = false;
        const url = String(reader.result);
        report({ kind: 'frame', at, png: url.slice(url.indexOf(',') + 1) });
      };
      reader.readAsDataURL(blob);
    }, 'image/png');
  };

  let audio = null;
  const measureAudio = () => {
    if (!audio) {
      const track = video.srcObject?.getAudioTracks?.()[0];
      if (!track) return;
      // WebRTC audio reaches WebAudio only while the stream also plays in a
      // media element; the composite <video> is that element.
      const ctx = new AudioContext();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 16384;
      analyser.smoothingTimeConstant = 0;
      ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
      audio = { ctx, analyser, bins: new Float32Array(analyser.frequencyBinCount) };
      return;
    }
    const { ctx, analyser, bins } = audio;
    if (ctx.state === 'suspended') ctx.resume();
    analyser.getFloatFrequencyData(bins);
    const binHz = ctx.sampleRate / analyser.fftSize;
    const levels = {};
    for (const f of freqs) {
      const centre = Math.round(f / binHz);
      let peak = -Infinity;
      for (let i = Math.max(0, centre - 3); i <= Math.min(bins.length - 1, centre + 3); i++) peak = Math.max(peak, bins[i]);
      // Digital silence is -Infinity, which JSON cannot carry.
      levels[String(f)] = Number.isFinite(peak) ? Math.round(Math.max(peak, -200) * 10) / 10 : -200;
    }
    report({ kind: 'audio', at: Date.now(), levels });
  };

  const stop = () => {
    timers.forEach(clearInterval);
    timers = [];
    observer.disconnect();
    audio?.ctx.close();
    audio = null;
    video = null;
    report({ kind: 'stopped', at: Date.now() });
  };

  const start = (el) => {
    video = el;
    watchFrames(el);
    timers.push(setInterval(stats, statsMs), setInterval(grabFrame, frameMs));
    if (freqs.length > 0) timers.push(setInterval(measureAudio, audioMs));
  };

  const finder = setInterval(() => {
    const el = byTestId('composite');
    if (!video && el) start(el);
    else if (video && el !== video) {
      if (el) {
        // React replaced the element: follow the new one.
        video = el;
        lastPresented = null;
        watchFrames(el);
      } else {
        clearInterval(finder);
        stop();
      }
    }
  }, 50);
}

/**
 * Runs in the page before the app: remembers the peer connections the app
 * creates so that their receive statistics can be logged to stderr. The app
 * itself is not changed and exposes nothing.
 */
function trackPeerConnections(listName) {
  const Native = window.RTCPeerConnection;
  const list = [];
  Object.defineProperty(window, listName, { value: list });
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      list.push(this);
    }
  };
}

/** One line summarising what the newest peer connection has received. */
async function receiveSummary(listName) {
  const pc = window[listName].at(-1);
  if (!pc) return 'no peer connection yet';
  const parts = [`pc=${pc.connectionState}`];
  const stats = await pc.getStats();
  stats.forEach((r) => {
    if (r.type !== 'inbound-rtp') return;
    if (r.kind === 'video') {
      parts.push(
        `video ssrc=${r.ssrc} packets=${r.packetsReceived} lost=${r.packetsLost} decoded=${r.framesDecoded} keyframes=${r.keyFramesDecoded}` +
          ` size=${r.frameWidth ?? 0}x${r.frameHeight ?? 0} codec=${stats.get(r.codecId)?.mimeType ?? '?'} pli=${r.pliCount} nack=${r.nackCount}`,
      );
    } else {
      parts.push(`audio ssrc=${r.ssrc} packets=${r.packetsReceived} lost=${r.packetsLost}`);
    }
  });
  return parts.join(' ');
}

async function main() {
  const startedAt = Date.now();
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'cr-chromium-'));
  let context = null;
  let clickAt = null;
  let joined = false;
  let leaving = false;
  let quitting = false;
  let joinTimer = null;

  const since = (at) => Math.max(0, Math.round(at - clickAt));

  const quit = async (code) => {
    if (quitting) return;
    quitting = true;
    clearTimeout(joinTimer);
    await Promise.race([context?.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
    process.exit(code);
  };

  const fatal = async (message) => {
    emit({ event: 'error', message });
    await quit(1);
  };

  process.on('SIGINT', () => quit(0));
  process.on('SIGTERM', () => quit(0));

  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: opts.chromium,
      headless: true,
      args: chromiumArgs,
      // Playwright mutes headless audio by default; the composite must play
      // for its audio to reach the analyser.
      ignoreDefaultArgs: ['--mute-audio'],
      viewport: { width: 1280, height: 800 },
      permissions: ['camera', 'microphone'],
    });
  } catch (err) {
    return fatal(`could not launch Chromium: ${err.message}`);
  }
  context.on('close', () => {
    if (!quitting) fatal('the browser closed unexpectedly');
  });

  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => emit({ event: 'error', message: `page error: ${err.message}` }));
  page.on('crash', () => fatal('the page crashed'));
  page.on('console', (msg) => log(`console.${msg.type()}: ${msg.text()}`));

  const onReport = (msg) => {
    switch (msg.kind) {
      case 'status':
        if (msg.text === 'connected' && !joined) {
          joined = true;
          clearTimeout(joinTimer);
          emit({ event: 'joined', t: since(msg.at) });
        } else if (msg.text === 'disconnected' && !leaving && !joined) {
          fatal('join failed: status "disconnected"');
        } else if (msg.text !== null && msg.text !== 'connecting' && msg.text !== 'connected' && !leaving) {
          // A server error message, or the connection was lost after joining.
          emit({ event: 'error', message: `status: ${msg.text}` });
          if (!joined) {
            // The page shows the error, not whether the server also hung up,
            // so give a non-fatal refusal a moment before giving up early.
            const wait = Math.min(ERROR_GRACE_MS, clickAt + JOIN_TIMEOUT_MS - Date.now());
            clearTimeout(joinTimer);
            joinTimer = setTimeout(() => fatal(`join failed: ${msg.text}`), Math.max(0, wait));
          }
        }
        break;
      case 'playing':
        emit({ event: 'playing', t: since(msg.at) });
        break;
      case 'stats':
        emit({
          event: 'stats',
          t: since(msg.at),
          frames: msg.frames,
          fps: msg.fps,
          maxGapMs: msg.maxGapMs,
          width: msg.width,
          height: msg.height,
        });
        break;
      case 'frame':
        emit({ event: 'frame', t: since(msg.at), png: msg.png });
        break;
      case 'audio':
        emit({ event: 'audio', t: since(msg.at), levels: msg.levels });
        break;
      case 'stopped':
        log('composite gone; monitoring stopped');
        break;
    }
  };
  await page.exposeFunction(REPORT_BINDING, onReport);
  await page.addInitScript(trackPeerConnections, PC_LIST);
  const diagnostics = setInterval(() => {
    page.evaluate(receiveSummary, PC_LIST).then(
      (line) => log(`receive stats: ${line}`),
      () => {},
    );
  }, DIAGNOSTICS_INTERVAL_MS);
  diagnostics.unref();

  const alerts = async () => {
    // An alert renders a moment after the reply that caused it.
    await page.locator('[role="alert"]').first().waitFor({ state: 'visible', timeout: 2000 }).catch(() => {});
    return page.locator('[role="alert"]').allTextContents().catch(() => []);
  };

  /**
   * Submits the sign-in form in one of its modes ('sign-in' or 'register')
   * and returns the HTTP status the server gave that request, or null when
   * the form's own checks kept it from being sent.
   */
  const submitAuthForm = async (mode) => {
    const apiPath = mode === 'register' ? '/api/auth/register' : '/api/auth/login';
    await page.getByTestId(`mode-${mode}`).click();
    await page.locator('#username').fill(opts.username);
    await page.locator('#password').fill(opts.password);
    const reply = page
      .waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === apiPath, {
        timeout: SIGN_IN_TIMEOUT_MS,
      })
      .then((r) => r.status());
    const refusedByForm = page
      .locator('.MuiFormHelperText-root.Mui-error')
      .first()
      .waitFor({ state: 'visible', timeout: SIGN_IN_TIMEOUT_MS })
      .then(() => null);
    await page.getByTestId(mode).click();
    const status = await Promise.race([reply, refusedByForm]);
    reply.catch(() => {});
    refusedByForm.catch(() => {});
    if (status === null) {
      const problems = await page.locator('.MuiFormHelperText-root.Mui-error').allTextContents();
      throw new Error(`the ${mode} form refused the input: ${problems.join('; ')}`);
    }
    return status;
  };

  const signIn = async () => {
    await page.locator('#username').waitFor({ state: 'visible', timeout: SIGN_IN_TIMEOUT_MS });
    let status = await submitAuthForm('sign-in');
    if (status === 401) {
      log(`login as "${opts.username}" refused with 401; creating the account`);
      status = await submitAuthForm('register');
      // 409: another client created the same account meanwhile.
      if (status === 409) status = await submitAuthForm('sign-in');
    }
    // After a 201 the page signs in by itself.
    if (status !== 200 && status !== 201) {
      throw new Error(`HTTP ${status}: ${(await alerts()).join('; ') || 'no message shown'}`);
    }
    try {
      await page.locator('#room').waitFor({ state: 'visible', timeout: SIGN_IN_TIMEOUT_MS });
    } catch {
      throw new Error(`the join page did not appear: ${(await alerts()).join('; ') || 'no message shown'}`);
    }
  };

  const pageUrl = inviteUrl ?? `${opts.url.replace(/\/+$/, '')}/?room=${encodeURIComponent(opts.room)}`;
  try {
    await page.goto(pageUrl, { waitUntil: 'load', timeout: 15_000 });
  } catch (err) {
    return fatal(`could not open ${pageUrl}: ${err.message}`);
  }
  if (!inviteUrl) {
    try {
      await signIn();
    } catch (err) {
      return fatal(`sign-in as "${opts.username}" failed: ${err.message}`);
    }
  }
  try {
    if (inviteUrl) await page.locator('#name').fill(opts.name ?? 'Chromium');
    else {
      // The display name defaults to the user name.
      if (opts.name !== undefined) await page.locator('#name').fill(opts.name);
      const room = page.locator('#room');
      if ((await room.inputValue()) !== opts.room) {
        log('the room field was not filled from ?room=; typing it');
        await room.fill(opts.room);
      }
    }
    await page.locator('#original-sound').check();
    await page.evaluate(pageMonitor, {
      binding: REPORT_BINDING,
      freqs,
      statsMs: STATS_INTERVAL_MS,
      frameMs: FRAME_INTERVAL_MS,
      audioMs: AUDIO_INTERVAL_MS,
    });
    clickAt = Date.now();
    log(`clicking Join ${clickAt - startedAt} ms after start`);
    joinTimer = setTimeout(async () => {
      const status = await page.locator('[data-testid="status"]').textContent({ timeout: 1000 }).catch(() => null);
      const shown = await page.locator('[role="alert"]').allTextContents().catch(() => []);
      const detail = [status !== null ? `status "${status}"` : 'no status line', ...shown].join('; ');
      fatal(`not connected within ${JOIN_TIMEOUT_MS / 1000} s (${detail})`);
    }, JOIN_TIMEOUT_MS);
    await page.getByTestId('join').click();
  } catch (err) {
    return fatal(`could not join through ${pageUrl}: ${err.message}`);
  }

  // A refused token (an expired session, a withdrawn invite) takes the page
  // from the room back to the sign-in form (a member) or to the join form
  // with an alert (a guest), where no status line is left to report it; the
  // join form's alert also tells why the camera could not be opened.
  const watchForReturn = async () => {
    const joinFormAlert = 'form:has([data-testid="join"]) [role="alert"]';
    await page.locator(`#username, ${joinFormAlert}`).first().waitFor({ state: 'visible', timeout: 0 });
    if (leaving || quitting) return;
    const where = (await page.locator('#username').isVisible()) ? 'sent back to sign-in' : 'the join page shows';
    const message = `${where}: ${(await alerts()).join('; ') || 'no message shown'}`;
    if (joined) emit({ event: 'error', message });
    else fatal(`join failed: ${message}`);
  };
  watchForReturn().catch(() => {});

  const leave = async () => {
    leaving = true;
    try {
      await page.getByTestId('leave').click({ timeout: LEAVE_TIMEOUT_MS });
      await page.getByTestId('join').waitFor({ state: 'visible', timeout: LEAVE_TIMEOUT_MS });
      emit({ event: 'left' });
    } catch (err) {
      emit({ event: 'error', message: `leave failed: ${err.message}` });
    }
  };

  const commands = readline.createInterface({ input: process.stdin });
  commands.on('line', (line) => {
    const cmd = line.trim();
    if (cmd === 'leave') leave();
    else if (cmd === 'quit') quit(0);
    else if (cmd) log(`unknown command: ${cmd}`);
  });
  commands.on('close', () => quit(0));
}

main().catch((err) => {
  emit({ event: 'error', message: `chromium_client: ${err.stack ?? err}` });
  process.exit(1);
});
