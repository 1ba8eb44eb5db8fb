import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stylePoints, SIZE_NORMAL, SIZE_FOCUSED, SIZE_SELECTED, FADED_COLOUR, SELECTED_COLOUR } from '../../src/point-style.js';

const base = ['#aa0000', '#00aa00', '#0000aa', '#aaaa00'];

test('no search and no selection: palette colours at normal size', () => {
  const { colours, sizes } = stylePoints(base, { matches: new Set(), neighbors: new Set(), selected: -1 });
  assert.deepEqual(colours, base);
  assert.deepEqual([...sizes], [SIZE_NORMAL, SIZE_NORMAL, SIZE_NORMAL, SIZE_NORMAL]);
});

test('matches and neighbours keep their colour and grow; the rest fade; the selected point stands out', () => {
  const { colours, sizes } = stylePoints(base, { matches: new Set([1]), neighbors: new Set([2]), selected: 3 });
  assert.deepEqual(colours, [FADED_COLOUR, base[1], base[2], SELECTED_COLOUR]);
  assert.deepEqual([...sizes], [SIZE_NORMAL, SIZE_FOCUSED, SIZE_FOCUSED, SIZE_SELECTED]);
});
