import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestOnScreen } from '../../src/picking.js';

test('the nearest point within the radius, none outside it, points off screen (NaN) never', () => {
  const screen = [10, 10, 20, 10, NaN, NaN, 14, 10];
  assert.equal(nearestOnScreen(screen, 13, 10, 8), 3);
  assert.equal(nearestOnScreen(screen, 11, 10, 8), 0);
  assert.equal(nearestOnScreen(screen, 100, 100, 8), -1);
  assert.equal(nearestOnScreen(screen, 28, 10, 8), 1);
  assert.equal(nearestOnScreen(screen, 29, 10, 8), -1);
});

test('random screens agree with a sort-based reference', () => {
  let seed = 9;
  const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (let trial = 0; trial < 200; trial += 1) {
    const n = Math.floor(rand() * 40);
    const screen = Array.from({ length: n * 2 }, () => Math.floor(rand() * 100));
    const [x, y, radius] = [rand() * 100, rand() * 100, 1 + rand() * 20];
    const ranked = Array.from({ length: n }, (_, i) => ({ i, d: Math.hypot(screen[2 * i] - x, screen[2 * i + 1] - y) }))
      .filter((p) => p.d <= radius)
      .sort((a, b) => a.d - b.d);
    const got = nearestOnScreen(screen, x, y, radius);
    if (ranked.length === 0) assert.equal(got, -1);
    else assert.ok(Math.abs(Math.hypot(screen[2 * got] - x, screen[2 * got + 1] - y) - ranked[0].d) < 1e-9);
  }
});
