// Browser test of the projector page: the real `semspace serve` over a fixture made with the real CLI, driven by
// playwright-core in Debian's headless chromium. It checks what a person would see: points drawn, a search
// highlighting, hover labels, a click listing neighbours with scores, 3-D and t-SNE views, a text placed, an API
// error shown, the model view. A screenshot is kept under build/ (path printed).
//
//   node web/tests/projector.browser.mjs            (from ctest: label browser)
// Environment: SEMSPACE_BIN (default build/semspace), CHROMIUM (default /usr/bin/chromium), SEMSPACE_ARTEFACTS
// (default build/web-test). Exit 77 (skipped) when chromium, web/dist or `semspace serve` is missing, unless
// SEMSPACE_BROWSER_TEST=1, which makes that a failure. SEMSPACE_PROJECTOR_MOCK=1 runs against web/dev's mock
// instead of the binary: for developing the page only; ctest never sets it.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { CHROMIUM_FLAGS, freePort, waitForHealth, drawnPixels, stopChild } from './browser-support.mjs';

const SKIP = 77;
const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repo = path.resolve(webDir, '..');
const binary = process.env.SEMSPACE_BIN ?? path.join(repo, 'build', 'semspace');
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const artefacts = process.env.SEMSPACE_ARTEFACTS ?? path.join(repo, 'build', 'web-test');
const dist = path.join(webDir, 'dist');
const useMock = process.env.SEMSPACE_PROJECTOR_MOCK === '1';

// The newest modification time under a file or folder.
function newest(file) {
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(file).map((name) => newest(path.join(file, name))));
}

function prerequisites() {
  const missing = [];
  if (!fs.existsSync(browserPath)) missing.push(`${browserPath} (apt-get install chromium; scripts/setup does)`);
  if (!fs.existsSync(path.join(webDir, 'node_modules', 'playwright-core'))) missing.push('web/node_modules (npm ci in web/; scripts/setup does)');
  const built = path.join(dist, 'index.html');
  if (!fs.existsSync(built)) {
    missing.push(`${built} (npm run build in web/; scripts/setup does)`);
  } else if (['index.html', 'src', 'vite.config.js'].some((f) => newest(path.join(webDir, f)) > fs.statSync(built).mtimeMs)) {
    // Testing an old build of the page would pass or fail for the wrong reasons.
    missing.push(`a current ${built}: web/ sources are newer (npm run build in web/; scripts/setup does)`);
  }
  if (!useMock) {
    if (!fs.existsSync(binary)) missing.push(`${binary} (build semspace first)`);
    // An unknown subcommand with --help prints the top-level help, so look for serve's own usage line.
    else if (!/^Usage: .*\bserve\b/m.test(spawnSync(binary, ['serve', '--help'], { encoding: 'utf8' }).stdout ?? '')) {
      missing.push(`the serve command of ${binary}`);
    }
  }
  return missing;
}

function run(args, cwd) {
  const result = spawnSync(binary, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`semspace ${args.join(' ')} failed (exit ${result.status}): ${result.stderr}`);
  return result.stdout;
}

// Three groups of words in 12 dimensions, each a cluster around its own direction, so neighbours are obvious.
const GROUPS = {
  animal: ['cat', 'dog', 'horse', 'cow', 'sheep', 'goat', 'lion', 'tiger', 'wolf', 'fox', 'catfish', 'bobcat', 'mouse', 'camel'],
  food: ['bread', 'cheese', 'apple', 'pear', 'rice', 'soup', 'cake', 'butter', 'honey', 'carrot', 'bean', 'plum'],
  tool: ['hammer', 'saw', 'drill', 'wrench', 'chisel', 'axe', 'knife', 'spade', 'rake', 'scissors', 'pliers', 'file'],
};
const WORDS = Object.entries(GROUPS).flatMap(([group, words]) => words.map((word) => ({ word, group })));

// The word vectors (word2vec text) and the collection's points (JSONL: one word each, with metadata).
function writeFixtureFiles(dir) {
  let seed = 12345;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const dim = 12;
  const groupIndex = Object.keys(GROUPS);
  const lines = WORDS.map(({ word, group }) => {
    const g = groupIndex.indexOf(group);
    const vector = Array.from({ length: dim }, (_, d) => (d % 3 === g ? 1.5 : 0) + random() - 0.5);
    return `${word} ${vector.map((v) => v.toFixed(4)).join(' ')}`;
  });
  const model = path.join(dir, 'words.txt');
  fs.writeFileSync(model, `${WORDS.length} ${dim}\n${lines.join('\n')}\n`);
  const points = path.join(dir, 'things.jsonl');
  const records = WORDS.map(({ word, group }) => JSON.stringify({ id: word, text: word, metadata: { group, initial: word[0] } }));
  fs.writeFileSync(points, `${records.join('\n')}\n`);
  return { model, points };
}

// The collection 'things' in a new database, made with the real CLI.
function makeCollection(dir, { model, points }) {
  const db = path.join(dir, 'things.db');
  run(['collection', 'create', 'things', '--model', model, '--db', db], dir);
  run(['collection', 'upsert', 'things', '--input', points, '--db', db], dir);
  return db;
}


async function startServer(dir) {
  const port = await freePort();
  const files = writeFixtureFiles(dir);
  const [command, args] = useMock
    ? [process.execPath, [path.join(webDir, 'dev', 'mock-server.mjs'), '--model', files.model, '--points', files.points]]
    : [binary, ['serve', '--db', makeCollection(dir, files), '--model', files.model]];
  const child = spawn(command, [...args, '--port', String(port), '--web', dist], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const url = `http://127.0.0.1:${port}/`;
  await waitForHealth(url, child, () => stderr);
  return { child, url, stderr: () => stderr };
}

const waitReady = (page) => page.waitForSelector('#status[data-state="ready"]', { timeout: 60_000 });

async function waitProjected(page, dim) {
  await page.waitForFunction((d) => document.querySelector('#scatter').dataset.dim === String(d) && document.querySelector('#status').dataset.state === 'ready', dim, { timeout: 60_000 });
}

async function clickPoint(page, id) {
  const at = await page.evaluate((pointId) => window.semspaceProjector.screenPosition(pointId), id);
  assert.ok(at, `point ${id} is on screen`);
  const box = await page.locator('#scatter').boundingBox();
  await page.mouse.move(box.x + at.x, box.y + at.y);
  await page.mouse.down();
  await page.mouse.up();
}

async function neighbourRows(page) {
  return page.$$eval('#neighbors li', (items) => items.map((li) => ({ id: li.dataset.id, score: li.querySelector('.score').textContent })));
}

function checkScores(rows) {
  for (const row of rows) assert.match(row.score, /^-?\d+\.\d{3}$/, `score of ${row.id}`);
  const scores = rows.map((r) => Number(r.score));
  assert.deepEqual([...scores].sort((a, b) => b - a), scores, 'neighbours best first');
}

async function test(page, url) {
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(url);
  await waitReady(page);
  const n = WORDS.length;

  // Points drawn: the page says how many, and the canvas has the pixels.
  assert.equal(await page.$eval('#source', (s) => s.value), 'collection:things');
  assert.equal(Number(await page.$eval('#scatter', (c) => c.dataset.pointCount)), n);
  const pixels2d = await drawnPixels(page);
  assert.ok(pixels2d > n * 15, `2-D: ${pixels2d} drawn pixels for ${n} points`);
  console.log(`2-D PCA: ${n} points, ${pixels2d} pixels drawn`);

  // Colour by: the metadata fields are offered; the legend lists the groups.
  assert.deepEqual(await page.$$eval('#colour-by option', (o) => o.map((x) => x.value)), ['', 'group', 'initial']);
  await page.selectOption('#colour-by', 'group');
  assert.deepEqual(await page.$$eval('#legend li', (l) => l.map((x) => x.textContent)), ['animal (14)', 'food (12)', 'tool (12)']);

  // Search highlights every id containing the text.
  await page.fill('#search', 'CA');
  const expected = WORDS.filter(({ word }) => word.includes('ca')).length;
  await page.waitForFunction((e) => document.querySelector('#scatter').dataset.highlightCount === String(e), expected);
  assert.equal(await page.textContent('#search-count'), `${expected} matching points`);
  await page.fill('#search', '');

  // Hover shows the label.
  const at = await page.evaluate(() => window.semspaceProjector.screenPosition('hammer'));
  const box = await page.locator('#scatter').boundingBox();
  await page.mouse.move(box.x + at.x, box.y + at.y);
  await page.waitForSelector('#tooltip:not([hidden])');
  assert.equal(await page.textContent('#tooltip'), 'hammer');

  // Click a point: its neighbours in the original space, with scores, itself excluded, its group first.
  await clickPoint(page, 'dog');
  await page.waitForFunction(() => document.querySelectorAll('#neighbors li').length > 0);
  await waitReady(page);
  let rows = await neighbourRows(page);
  assert.equal(rows.length, 10);
  checkScores(rows);
  assert.ok(!rows.some((r) => r.id === 'dog'), 'the point itself is not its own neighbour');
  assert.ok(GROUPS.animal.includes(rows[0].id), `nearest to dog is an animal (got ${rows[0].id})`);
  assert.match(await page.textContent('#neighbors-title'), /dog/);
  console.log(`neighbours of dog: ${rows.map((r) => `${r.id} ${r.score}`).join(', ')}`);

  // 2-D zoom (wheel) spreads the points apart; pan (drag) moves them all by the drag; Reset view undoes both.
  const spread = async () => {
    const [a, b] = await page.evaluate(() => ['dog', 'hammer'].map((id) => window.semspaceProjector.screenPosition(id)));
    return Math.hypot(a.x - b.x, a.y - b.y);
  };
  const where = (id) => page.evaluate((pointId) => window.semspaceProjector.screenPosition(pointId), id);
  const spreadBefore = await spread();
  const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await page.mouse.move(centre.x, centre.y);
  await page.mouse.wheel(0, -400);
  await page.waitForFunction((d) => {
    const [a, b] = ['dog', 'hammer'].map((id) => window.semspaceProjector.screenPosition(id));
    return Math.hypot(a.x - b.x, a.y - b.y) > d * 1.2;
  }, spreadBefore);
  const panFrom = await where('dog');
  await page.mouse.down();
  await page.mouse.move(centre.x + 60, centre.y + 30, { steps: 5 });
  await page.mouse.up();
  const panTo = await where('dog');
  assert.ok(Math.abs(panTo.x - panFrom.x - 60) < 3 && Math.abs(panTo.y - panFrom.y - 30) < 3, `pan moved dog by the drag: ${JSON.stringify([panFrom, panTo])}`);
  assert.deepEqual(await neighbourRows(page), rows, 'a drag is not a click: the selection stays');
  await page.click('#reset-view');
  assert.ok(Math.abs((await spread()) - spreadBefore) < 1, 'Reset view restores the zoom');
  // A click on empty space (the canvas corner lies outside the fitted cube) clears the selection.
  await page.mouse.click(box.x + 5, box.y + 5);
  await page.waitForFunction(() => document.querySelectorAll('#neighbors li').length === 0);
  assert.equal(await page.textContent('#neighbors-title'), 'Nearest neighbours');

  // 3-D.
  await page.selectOption('#dim', '3');
  await waitProjected(page, 3);
  assert.equal(Number(await page.$eval('#scatter', (c) => c.dataset.pointCount)), n);
  // 3-D: a drag rotates the view, so points move on screen by different amounts (not a plain pan).
  const [catBefore, sawBefore] = [await where('cat'), await where('saw')];
  await page.mouse.move(centre.x, centre.y);
  await page.mouse.down();
  await page.mouse.move(centre.x + 120, centre.y + 40, { steps: 5 });
  await page.mouse.up();
  const [catAfter, sawAfter] = [await where('cat'), await where('saw')];
  const moved = (p, q) => ({ x: q.x - p.x, y: q.y - p.y });
  const [mc, ms] = [moved(catBefore, catAfter), moved(sawBefore, sawAfter)];
  assert.ok(Math.hypot(mc.x, mc.y) > 5 || Math.hypot(ms.x, ms.y) > 5, 'the drag moved the points');
  assert.ok(Math.hypot(mc.x - ms.x, mc.y - ms.y) > 2, 'the drag rotated rather than panned');
  await page.click('#reset-view');
  const pixels3d = await drawnPixels(page);
  assert.ok(pixels3d > n * 10, `3-D: ${pixels3d} drawn pixels`);
  console.log(`3-D PCA: ${pixels3d} pixels drawn`);

  // Embed a text and see where it lands.
  await page.fill('#locate-text', 'cat dog horse');
  await page.click('#locate');
  await page.waitForSelector('#scatter[data-located="true"]');
  await waitReady(page);
  assert.equal(await page.textContent('#marker-label'), 'cat dog horse');
  assert.ok(await page.isVisible('#marker-label'));
  assert.match(await page.textContent('#locate-info'), /^placed at \(-?\d+\.\d\d, -?\d+\.\d\d, -?\d+\.\d\d\)$/);
  rows = await neighbourRows(page);
  assert.ok(rows.length > 0);
  checkScores(rows);
  assert.ok(GROUPS.animal.includes(rows[0].id), `nearest to the text is an animal (got ${rows[0].id})`);
  fs.mkdirSync(artefacts, { recursive: true });
  const shot = path.join(artefacts, 'projector.png');
  await page.screenshot({ path: shot });
  console.log(`screenshot: ${shot}`);

  // An error from the API is shown in the page (the answer is replaced, so the check does not depend on which
  // inputs the server refuses).
  await page.route('**/collections/things/locate', (route) =>
    route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'invalid_argument', message: '"text" is empty' } }) }));
  await page.click('#locate');
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.textContent('#error'), `placing the text in 'things': "text" is empty (invalid_argument)`);
  await page.unroute('**/collections/things/locate');

  // t-SNE in 2-D, then again with a lower perplexity. A server built before t-SNE landed answers 501
  // not_implemented: then the page must show that error, and the t-SNE view is not checked further.
  await page.selectOption('#dim', '2');
  await waitProjected(page, 2);
  await page.selectOption('#method', 'tsne');
  await page.waitForFunction(() => ['ready', 'error'].includes(document.querySelector('#status').dataset.state));
  const tsneError = (await page.isVisible('#error')) ? await page.textContent('#error') : '';
  if (tsneError.endsWith('(not_implemented)')) {
    console.log(`2-D t-SNE: not checked, the server says: ${tsneError}`);
  } else {
    assert.equal(tsneError, '', 'no error from the t-SNE projection');
    assert.equal(Number(await page.$eval('#scatter', (c) => c.dataset.pointCount)), n);
    await page.fill('#perplexity', '10');
    await page.click('#project');
    await waitReady(page);
    assert.ok(await page.isHidden('#error'), 'a successful projection clears the error');
    assert.equal(Number(await page.$eval('#scatter', (c) => c.dataset.pointCount)), n);
    const pixelsTsne = await drawnPixels(page);
    assert.ok(pixelsTsne > n * 15, `t-SNE: ${pixelsTsne} drawn pixels`);
    console.log(`2-D t-SNE: ${pixelsTsne} pixels drawn`);
  }

  // The model: its words are the points; neighbours come from the model.
  const modelKey = await page.$eval('#source', (s) => [...s.options].find((o) => o.value.startsWith('model:') && !o.disabled)?.value);
  assert.ok(modelKey, 'the word-vector model is offered');
  await page.selectOption('#method', 'pca');
  await page.selectOption('#source', modelKey);
  await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'ready' && document.querySelector('#source-info').textContent.startsWith('word vectors'));
  assert.equal(Number(await page.$eval('#scatter', (c) => c.dataset.pointCount)), n);
  assert.ok(await page.isDisabled('#locate'));
  await clickPoint(page, 'hammer');
  await page.waitForFunction(() => document.querySelectorAll('#neighbors li').length > 0);
  rows = await neighbourRows(page);
  assert.equal(rows.length, 10);
  checkScores(rows);
  assert.ok(GROUPS.tool.includes(rows[0].id), `nearest to hammer is a tool (got ${rows[0].id})`);
  assert.ok(!rows.some((r) => r.id === 'hammer'));

  assert.deepEqual(pageErrors, [], 'no script errors in the page');
}

async function main() {
  const missing = prerequisites();
  if (missing.length > 0) {
    const required = process.env.SEMSPACE_BROWSER_TEST === '1';
    console.error(`projector browser test ${required ? 'FAILED' : 'skipped'}: missing ${missing.join('; ')}`);
    return required ? 1 : SKIP;
  }
  const { chromium } = await import('playwright-core');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semspace-projector-'));
  let server;
  let browser;
  let page;
  try {
    server = await startServer(dir);
    browser = await chromium.launch({ executablePath: browserPath, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(20_000);
    await test(page, server.url);
    console.log('projector browser test: 1 passed, 0 failed');
    return 0;
  } catch (error) {
    console.error(error.stack ?? error);
    if (page) {
      fs.mkdirSync(artefacts, { recursive: true });
      const shot = path.join(artefacts, 'projector-failure.png');
      await page.screenshot({ path: shot }).catch(() => {});
      console.error(`screenshot of the failure: ${shot}`);
      console.error(`page error box: ${await page.textContent('#error').catch(() => '?')}`);
    }
    if (server) console.error(`server stderr:\n${server.stderr()}`);
    return 1;
  } finally {
    if (browser) await browser.close();
    if (server) await stopChild(server.child);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
