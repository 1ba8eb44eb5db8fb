// How fast the projector page draws and picks many points, in Debian's headless chromium (WebGL on SwiftShader,
// so the CPU does the rendering: a lower bound for a real browser). The API is web/dev's mock, which answers
// instantly, so the times are the page's own: fetch + JSON parse + checks + building the buffers + first frame.
//   node bench/web/projector_render.mjs [N ...]        (default 1000 5000 20000; needs web/dist, web/node_modules)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_FLAGS, freePort, waitForHealth, drawnPixels, stopChild } from '../../web/tests/browser-support.mjs';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const { chromium } = await import(path.join(web, 'node_modules', 'playwright-core', 'index.mjs'));
const sizes = process.argv.slice(2).map(Number);
const counts = sizes.length > 0 ? sizes : [1000, 5000, 20000];
const DIM = 16;

function writeFixture(dir, n) {
  let seed = 1;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const words = Array.from({ length: n }, (_, i) => `w${i}`);
  const vectors = words.map((w, i) => `${w} ${Array.from({ length: DIM }, (_, d) => ((d % 8 === i % 8 ? 1 : 0) + random() - 0.5).toFixed(3)).join(' ')}`);
  fs.writeFileSync(path.join(dir, 'words.txt'), `${n} ${DIM}\n${vectors.join('\n')}\n`);
  const points = words.map((w, i) => JSON.stringify({ id: w, text: w, metadata: { group: `g${i % 12}` } }));
  fs.writeFileSync(path.join(dir, 'points.jsonl'), `${points.join('\n')}\n`);
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
console.log(`| points | load to first frame, 2-D (ms) | switch to 3-D (ms) | first hover pick after a frame (ms) | later picks, mean of 199 (ms) | drawn pixels |`);
console.log(`| ---: | ---: | ---: | ---: | ---: | ---: |`);
for (const n of counts) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'projector-bench-'));
  writeFixture(dir, n);
  const port = await freePort();
  const server = spawn(process.execPath, [path.join(web, 'dev', 'mock-server.mjs'), '--port', String(port), '--web', path.join(web, 'dist'),
    '--model', path.join(dir, 'words.txt'), '--points', path.join(dir, 'points.jsonl')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (c) => { stderr += c; });
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForHealth(url, server, () => stderr);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await page.waitForSelector('#status[data-state="ready"]');
    // Time a projection of all n points from the click to the frame drawn.
    await page.fill('#limit', String(n));
    const project = async (action) => page.evaluate(async (act) => {
      const start = performance.now();
      const done = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (document.querySelector('#status').dataset.state === 'ready') { observer.disconnect(); resolve(); }
        });
        observer.observe(document.querySelector('#status'), { attributes: true });
      });
      if (act === 'project') document.querySelector('#project').click();
      else { const dim = document.querySelector('#dim'); dim.value = '3'; dim.dispatchEvent(new Event('change')); }
      await done;
      return performance.now() - start;
    }, action);
    const load2d = await project('project');
    const pixels = await drawnPixels(page);
    const to3d = await project('dim');
    // Hover: synthetic pointer moves at random places, each picking synchronously. The first after a frame projects
    // every point to the screen; later ones reuse that until the camera moves.
    const pick = await page.evaluate(() => {
      const canvas = document.querySelector('#scatter');
      const rect = canvas.getBoundingClientRect();
      const times = [];
      for (let i = 0; i < 200; i += 1) {
        const event = new PointerEvent('pointermove', { clientX: rect.left + Math.random() * rect.width, clientY: rect.top + Math.random() * rect.height });
        const start = performance.now();
        canvas.dispatchEvent(event);
        times.push(performance.now() - start);
      }
      return { first: times[0], rest: times.slice(1).reduce((a, b) => a + b, 0) / (times.length - 1) };
    });
    console.log(`| ${n} | ${load2d.toFixed(0)} | ${to3d.toFixed(0)} | ${pick.first.toFixed(1)} | ${pick.rest.toFixed(3)} | ${pixels} |`);
    await page.close();
  } finally {
    await stopChild(server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
await browser.close();
