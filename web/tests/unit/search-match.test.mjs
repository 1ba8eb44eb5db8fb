import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchIds } from '../../src/search-match.js';

test('substring, case-insensitive, trimmed', () => {
  assert.deepEqual(matchIds(['Cat', 'dog', 'bobcat', 'CATFISH', 7], '  cat '), [0, 2, 3]);
});

test('integer ids match by their digits', () => {
  assert.deepEqual(matchIds([17, 'a7', 70, 'x'], '7'), [0, 1, 2]);
});

test('an empty or blank query matches nothing', () => {
  assert.deepEqual(matchIds(['a', 'b'], ''), []);
  assert.deepEqual(matchIds(['a', 'b'], '   '), []);
});

test('random ids agree with a filter reference', () => {
  const letters = 'abcAB';
  let seed = 11;
  const rand = (n) => (seed = (seed * 48271) % 2147483647) % n;
  const word = (len) => Array.from({ length: len }, () => letters[rand(letters.length)]).join('');
  for (let trial = 0; trial < 100; trial += 1) {
    const ids = Array.from({ length: rand(50) }, () => word(1 + rand(6)));
    const query = word(1 + rand(3));
    const expected = ids.flatMap((id, i) => (id.toLowerCase().indexOf(query.toLowerCase()) >= 0 ? [i] : []));
    assert.deepEqual(matchIds(ids, query), expected);
  }
});
