// A stand-in for `semspace serve` while developing the page: the HTTP contract of docs/http-api.md over made-up
// data (4 groups of words in 16 dimensions) or over a word2vec text file (--model) and a JSONL of points whose
// text is one word (--points), plus the built page from --web. Its "projections" are fixed linear maps, not PCA
// or t-SNE. Tests use the real binary; this is only for `npm run mock` + `npm run dev`.
//   node dev/mock-server.mjs [--port 8090] [--web dist] [--model words.txt --points points.jsonl]
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const port = Number(option('--port', '8090'));
const webRoot = path.resolve(option('--web', 'dist'));

let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const groups = {
  animal: ['cat', 'dog', 'horse', 'cow', 'sheep', 'goat', 'lion', 'tiger', 'wolf', 'fox', 'catfish', 'bobcat'],
  food: ['bread', 'cheese', 'apple', 'pear', 'rice', 'soup', 'cake', 'butter', 'honey', 'salt'],
  colour: ['red', 'green', 'blue', 'yellow', 'purple', 'orange', 'black', 'white', 'grey', 'brown'],
  tool: ['hammer', 'saw', 'drill', 'wrench', 'chisel', 'axe', 'knife', 'spade', 'rake', 'scissors'],
};
let dim = 16;
const words = [];
if (option('--model')) {
  const [header, ...rows] = fs.readFileSync(option('--model'), 'utf8').trim().split('\n');
  dim = Number(header.split(' ')[1]);
  const vectors = new Map(rows.map((row) => row.split(' ')).map(([word, ...v]) => [word, v.map(Number)]));
  for (const line of fs.readFileSync(option('--points'), 'utf8').trim().split('\n')) {
    const point = JSON.parse(line);
    words.push({ id: point.id, vector: vectors.get(point.text), metadata: point.metadata ?? {} });
  }
} else {
  Object.entries(groups).forEach(([group, list], g) => {
    for (const word of list) {
      const vector = Array.from({ length: dim }, (_, d) => (d % 4 === g ? 2 : 0) + random() - 0.5);
      words.push({ id: word, vector, metadata: { group, letter: word[0] } });
    }
  });
}

const cosine = (a, b) => {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i += 1) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return ab / Math.sqrt(aa * bb);
};
const project = (vector, method, d) =>
  Array.from({ length: d }, (_, k) => (method === 'tsne' ? 10 : 1) * (vector[k] - vector[(k + 1) % 4]));
const nearest = (vector, k, exclude) =>
  words.filter((w) => w.id !== exclude).map((w) => ({ w, score: cosine(vector, w.vector) }))
    .sort((a, b) => b.score - a.score).slice(0, k);

class HttpError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}
const need = (condition, status, code, message) => { if (!condition) throw new HttpError(status, code, message); };

function route(method, url, body) {
  if (method === 'GET' && url === '/health') return { status: 'ok' };
  if (method === 'GET' && url === '/models') {
    return { object: 'list', data: [{ id: 'default', object: 'model', owned_by: 'semspace', kind: 'word-vectors', dimension: dim },
      { id: 'minilm', object: 'model', owned_by: 'semspace', kind: 'transformer', dimension: 384 }] };
  }
  const info = { name: 'things', dimension: dim, metric: 'cosine', count: words.length, model: 'default' };
  if (method === 'GET' && url === '/collections') return { collections: [info] };
  let m = url.match(/^\/(collections|models)\/([^/]+)(?:\/(\w+))?$/);
  need(m, 404, 'not_found', `no route ${method} ${url}`);
  const [, kind, name, action] = m;
  need(kind === 'collections' ? name === 'things' : name === 'default', 404, 'not_found', `'${decodeURIComponent(name)}' does not exist`);
  if (method === 'GET' && !action && kind === 'collections') return info;
  need(method === 'POST', 405, 'method_not_allowed', `${method} is not allowed here`);
  const d = body.dim ?? 2;
  const limit = body.limit ?? 5000;
  need(d === 2 || d === 3, 400, 'invalid_argument', '"dim" must be 2 or 3');
  need(Number.isInteger(limit) && limit >= 1, 400, 'invalid_argument', '"limit" must be a positive integer');
  const shown = words.slice(0, limit);
  if (action === 'project') {
    return { method: body.method, dim: d, points: shown.map((w) => ({ id: w.id, coords: project(w.vector, body.method, d), metadata: kind === 'models' ? {} : w.metadata })) };
  }
  if (action === 'neighbors') {
    const word = words.find((w) => w.id === body.word);
    need(word, 404, 'unknown_word', `"${body.word}" is not in the model's vocabulary`);
    return { result: nearest(word.vector, body.k ?? 10, word.id).map(({ w, score }) => ({ word: w.id, score })) };
  }
  if (action === 'search') {
    const word = words.find((w) => w.id === body.id);
    need(word, 404, 'point_not_found', `point ${JSON.stringify(body.id)} does not exist`);
    return { result: nearest(word.vector, body.k ?? 10, word.id).map(({ w, score }) => ({ id: w.id, score, metadata: w.metadata })) };
  }
  if (action === 'locate') {
    const known = String(body.text ?? '').toLowerCase().split(/\W+/).map((t) => words.find((w) => w.id === t)).filter(Boolean);
    need(known.length > 0, 400, 'no_known_words', 'the text has no word the model knows');
    const vector = Array.from({ length: dim }, (_, i) => known.reduce((s, w) => s + w.vector[i], 0) / known.length);
    const near = nearest(vector, 10);
    const total = near.reduce((s, n) => s + n.score, 0);
    const coords = Array.from({ length: d }, (_, k) => near.reduce((s, n) => s + n.score * project(n.w.vector, body.method, d)[k], 0) / total);
    return { coords, neighbors: near.map(({ w, score }) => ({ id: w.id, score })) };
  }
  throw new HttpError(404, 'not_found', `no route ${method} ${url}`);
}

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
http.createServer((request, response) => {
  let raw = '';
  request.on('data', (chunk) => { raw += chunk; });
  request.on('end', () => {
    const url = request.url.split('?')[0];
    const send = (status, type, data) => { response.writeHead(status, { 'Content-Type': type }); response.end(data); };
    const isApi = /^\/(health|models|collections)(\/|$)/.test(url);
    if (!isApi && request.method === 'GET') {
      const file = path.join(webRoot, url === '/' ? 'index.html' : path.normalize(url));
      if (!file.startsWith(webRoot) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) return send(404, 'text/plain', 'not found');
      return send(200, types[path.extname(file)] ?? 'application/octet-stream', fs.readFileSync(file));
    }
    try {
      const body = raw === '' ? {} : JSON.parse(raw);
      send(200, 'application/json', JSON.stringify(route(request.method, url, body)));
    } catch (error) {
      const status = error.status ?? 400;
      send(status, 'application/json', JSON.stringify({ error: { code: error.code ?? 'invalid_json', message: error.message } }));
    }
  });
}).listen(port, '127.0.0.1', () => console.log(`mock semspace serve on http://127.0.0.1:${port}/`));
