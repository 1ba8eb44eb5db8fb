import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignPalette, CATEGORY_COLOURS, OTHER_COLOUR, MISSING_COLOUR } from '../../src/palette.js';

test('each category gets its own colour, most frequent first', () => {
  const { colours, legend } = assignPalette(['b', 'a', 'b', 'c', 'b', 'a']);
  assert.deepEqual(
    legend.map((e) => [e.label, e.count]),
    [['b', 3], ['a', 2], ['c', 1]],
  );
  assert.equal(colours[0], CATEGORY_COLOURS[0]);
  assert.equal(colours[1], CATEGORY_COLOURS[1]);
  assert.equal(colours[3], CATEGORY_COLOURS[2]);
  assert.equal(new Set(colours).size, 3);
});

test('ties are ordered by name, so colours do not depend on point order', () => {
  const one = assignPalette(['y', 'x', 'z']).legend.map((e) => e.label);
  const two = assignPalette(['z', 'y', 'x']).legend.map((e) => e.label);
  assert.deepEqual(one, ['x', 'y', 'z']);
  assert.deepEqual(two, one);
});

test('beyond the palette the rarer categories share "other"', () => {
  // 12 categories: category i appears 20 - i times, so the top ten are 0..9.
  const values = [];
  for (let i = 0; i < 12; i += 1) for (let n = 0; n < 20 - i; n += 1) values.push(`c${i}`);
  const { colours, legend } = assignPalette(values);
  assert.equal(legend.length, 11);
  assert.deepEqual(legend.at(-1), { label: 'other', colour: OTHER_COLOUR, count: 10 + 9 });
  assert.equal(colours[values.indexOf('c9')], CATEGORY_COLOURS[9]);
  assert.equal(colours[values.indexOf('c10')], OTHER_COLOUR);
  assert.equal(colours[values.indexOf('c11')], OTHER_COLOUR);
});

test('a smaller limit groups sooner; missing values are listed apart', () => {
  const { colours, legend } = assignPalette(['a', 'a', 'b', undefined, 'c'], 1);
  assert.deepEqual(
    legend.map((e) => e.label),
    ['a', 'other', '(none)'],
  );
  assert.deepEqual(colours, [CATEGORY_COLOURS[0], CATEGORY_COLOURS[0], OTHER_COLOUR, MISSING_COLOUR, OTHER_COLOUR]);
});

test('random inputs agree with a counting reference', () => {
  let seed = 3;
  const rand = (n) => (seed = (seed * 48271) % 2147483647) % n;
  for (let trial = 0; trial < 50; trial += 1) {
    const values = Array.from({ length: 1 + rand(200) }, () => (rand(10) === 0 ? undefined : `v${rand(1 + rand(25))}`));
    const { colours, legend } = assignPalette(values);
    const counts = {};
    for (const v of values) if (v !== undefined) counts[v] = (counts[v] ?? 0) + 1;
    const ranked = Object.keys(counts).sort((a, b) => counts[b] - counts[a] || (a < b ? -1 : 1));
    values.forEach((v, i) => {
      if (v === undefined) assert.equal(colours[i], MISSING_COLOUR);
      else if (ranked.indexOf(v) < 10) assert.equal(colours[i], CATEGORY_COLOURS[ranked.indexOf(v)]);
      else assert.equal(colours[i], OTHER_COLOUR);
    });
    assert.equal(legend.reduce((s, e) => s + e.count, 0), values.length);
  }
});
