import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkProjection, checkNeighbors, checkLocation } from '../../src/responses.js';

test('a projection answer passes through, metadata defaulting to {}', () => {
  const answer = { method: 'pca', dim: 2, points: [{ id: 'a', coords: [1, 2], metadata: { g: 'x' } }, { id: 7, coords: [0, 0] }] };
  assert.deepEqual(checkProjection(answer, 2, 'p'), {
    dim: 2,
    points: [{ id: 'a', coords: [1, 2], metadata: { g: 'x' } }, { id: 7, coords: [0, 0], metadata: {} }],
  });
});

test('malformed projection answers are named precisely', () => {
  assert.throws(() => checkProjection({ dim: 4, points: [] }, 2, 'p'), { code: 'bad_response', message: 'p: the server\'s answer has "dim" 4 (expected 2 or 3)' });
  assert.throws(() => checkProjection({ dim: 2 }, 2, 'p'), { message: /has no "points" list/ });
  assert.throws(() => checkProjection({ dim: 3, points: [{ id: 'a', coords: [1, 2] }] }, 3, 'p'), { message: /"coords" of points\[0\] that are not 3 finite numbers/ });
  assert.throws(() => checkProjection({ points: [{ id: 'a', coords: [1, null] }] }, 2, 'p'), { message: /points\[0\]/ });
  assert.throws(() => checkProjection({ points: [{ coords: [1, 2] }] }, 2, 'p'), { message: /no "id" in points\[0\]/ });
});

test('neighbour answers: collections name points by id, models by word', () => {
  assert.deepEqual(checkNeighbors({ result: [{ id: 3, score: 0.5, metadata: {} }] }, 'id', 'n'), [{ id: 3, score: 0.5 }]);
  assert.deepEqual(checkNeighbors({ result: [{ word: 'queen', score: 0.7 }] }, 'word', 'n'), [{ id: 'queen', score: 0.7 }]);
  assert.throws(() => checkNeighbors({ result: [{ word: 'queen', score: 0.7 }] }, 'id', 'n'), { message: /no "id" in result\[0\]/ });
  assert.throws(() => checkNeighbors({ result: [{ id: 'a', score: '0.7' }] }, 'id', 'n'), { message: /numeric "score"/ });
  assert.throws(() => checkNeighbors({}, 'id', 'n'), { message: /no "result" list/ });
});

test('location answers', () => {
  assert.deepEqual(checkLocation({ coords: [1, 2, 3], neighbors: [{ id: 'a', score: 1 }] }, 3, 'l'), { coords: [1, 2, 3], neighbors: [{ id: 'a', score: 1 }] });
  assert.throws(() => checkLocation({ coords: [1, 2] }, 3, 'l'), { message: /"coords" that are not 3 finite numbers/ });
});

test('random answers (a small fuzz): either accepted with the promised shape, or refused with an ApiError', () => {
  let seed = 21;
  const rand = (n) => (seed = (seed * 48271) % 2147483647) % n;
  const value = (depth) => {
    switch (rand(depth > 3 ? 6 : 9)) {
      case 0: return null;
      case 1: return rand(2) === 0;
      case 2: return rand(1000) / 7 - 50;
      case 3: return [NaN, Infinity, -0][rand(3)];
      case 4: return ['a', '', 'id', 'coords'][rand(4)];
      case 5: return undefined;
      case 6: return Array.from({ length: rand(4) }, () => value(depth + 1));
      default: {
        const keys = ['id', 'coords', 'points', 'dim', 'result', 'score', 'word', 'neighbors', 'metadata'];
        return Object.fromEntries(Array.from({ length: rand(5) }, () => [keys[rand(keys.length)], value(depth + 1)]));
      }
    }
  };
  const refusedOrFine = (fn, check) => {
    let out;
    try {
      out = fn();
    } catch (error) {
      assert.equal(error.name, 'ApiError', error.stack);
      return;
    }
    check(out);
  };
  for (let trial = 0; trial < 3000; trial += 1) {
    const answer = value(0);
    const dim = 2 + rand(2);
    refusedOrFine(() => checkProjection(answer, dim, 'p'), (out) => {
      assert.ok(out.points.every((p) => p.coords.length === out.dim && p.coords.every(Number.isFinite)));
    });
    refusedOrFine(() => checkNeighbors(answer, 'id', 'n'), (out) => assert.ok(out.every((r) => typeof r.score === 'number')));
    refusedOrFine(() => checkLocation(answer, dim, 'l'), (out) => assert.equal(out.coords.length, dim));
  }
});
