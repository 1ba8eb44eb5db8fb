import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitToCube, applyFit } from '../../src/layout.js';

test('random projections fill the cube: centred, largest side exactly 2, aspect kept', () => {
  let seed = 5;
  const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (const dim of [2, 3]) {
    for (let trial = 0; trial < 30; trial += 1) {
      const scales = Array.from({ length: dim }, () => 0.1 + rand() * 100);
      const offsets = Array.from({ length: dim }, () => rand() * 1000 - 500);
      const coords = Array.from({ length: 2 + Math.floor(rand() * 50) }, () => scales.map((s, d) => offsets[d] + s * rand()));
      const fit = fitToCube(coords, dim);
      const fitted = coords.map((c) => applyFit(fit, c));
      const sides = [];
      for (let d = 0; d < dim; d += 1) {
        const values = fitted.map((p) => p[d]);
        const lo = Math.min(...values);
        const hi = Math.max(...values);
        assert.ok(Math.abs(lo + hi) < 1e-9, 'centred');
        sides.push(hi - lo);
        // the same scale on every axis: fitted side / original side is constant
        const original = coords.map((c) => c[d]);
        assert.ok(Math.abs((hi - lo) / (Math.max(...original) - Math.min(...original)) - fit.scale) < 1e-9);
      }
      assert.ok(Math.abs(Math.max(...sides) - 2) < 1e-9);
      if (dim === 2) assert.ok(fitted.every((p) => p[2] === 0));
    }
  }
});

test('identical points and no points do not divide by zero', () => {
  const fit = fitToCube([[3, 4], [3, 4]], 2);
  assert.deepEqual(applyFit(fit, [3, 4]), [0, 0, 0]);
  assert.deepEqual(fitToCube([], 3), { center: [0, 0, 0], scale: 1 });
});
