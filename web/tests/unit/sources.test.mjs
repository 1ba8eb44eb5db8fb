import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listSources } from '../../src/sources.js';

test('collections first, then models; only word-vector models project; locate needs a collection model', () => {
  const sources = listSources(
    {
      data: [
        { id: 'default', kind: 'word-vectors', dimension: 100 },
        { id: 'minilm', kind: 'transformer', dimension: 384 },
      ],
    },
    { collections: [{ name: 'demo', dimension: 100, metric: 'cosine', count: 5, model: 'default' }, { name: 'raw', dimension: 3, count: 2 }] },
  );
  assert.deepEqual(
    sources.map((s) => [s.key, s.projectable, s.canLocate]),
    [
      ['collection:demo', true, true],
      ['collection:raw', true, false],
      ['model:default', true, false],
      ['model:minilm', false, false],
    ],
  );
  assert.match(sources[0].info, /5 points, dimension 100, cosine, model default/);
});

test('missing lists give no sources', () => {
  assert.deepEqual(listSources({}, {}), []);
});
