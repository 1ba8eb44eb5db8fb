import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colourFields, fieldValue } from '../../src/metadata-fields.js';

test('fields present in any point, nested by dotted path, arrays left out', () => {
  const points = [
    { metadata: { genre: 'jazz', year: 1959, album: { label: 'Blue Note', tracks: [1, 2] } } },
    { metadata: { genre: 'blues', live: true, tags: ['a'] } },
    { metadata: {} },
    {},
  ];
  assert.deepEqual(colourFields(points), ['album.label', 'genre', 'live', 'year']);
});

test('values become category labels; absent and non-categorical values are undefined', () => {
  const metadata = { genre: 'jazz', year: 1959, live: false, none: null, album: { label: 'Blue Note' }, tags: ['x'] };
  assert.equal(fieldValue(metadata, 'genre'), 'jazz');
  assert.equal(fieldValue(metadata, 'year'), '1959');
  assert.equal(fieldValue(metadata, 'live'), 'false');
  assert.equal(fieldValue(metadata, 'none'), 'null');
  assert.equal(fieldValue(metadata, 'album.label'), 'Blue Note');
  assert.equal(fieldValue(metadata, 'album'), undefined);
  assert.equal(fieldValue(metadata, 'tags'), undefined);
  assert.equal(fieldValue(metadata, 'missing'), undefined);
  assert.equal(fieldValue(metadata, 'genre.deeper'), undefined);
  assert.equal(fieldValue(undefined, 'genre'), undefined);
});
