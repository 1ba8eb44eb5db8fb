import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApi, ApiError } from '../../src/api.js';

function fakeFetch(status, body, calls) {
  return async (url, init) => {
    calls.push({ url, init });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, statusText: 'X' });
  };
}

test('requests use relative URLs, escape names and send JSON bodies', async () => {
  const calls = [];
  const api = createApi(fakeFetch(200, { result: [] }, calls));
  await api.searchById('my docs', 'a/b', 10);
  await api.modelNeighbors('org/name', 'king', 5);
  await api.models();
  assert.equal(calls[0].url, 'collections/my%20docs/search');
  assert.deepEqual(JSON.parse(calls[0].init.body), { id: 'a/b', k: 10 });
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[1].url, 'models/org%2Fname/neighbors');
  assert.deepEqual(JSON.parse(calls[1].init.body), { word: 'king', k: 5 });
  assert.equal(calls[2].url, 'models');
  assert.equal(calls[2].init.method, 'GET');
});

test("the server's error code and message reach the page", async () => {
  const api = createApi(fakeFetch(404, { error: { code: 'collection_not_found', message: "collection 'x' does not exist" } }, []));
  await assert.rejects(api.projectCollection('x', { method: 'pca', dim: 2 }), (error) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.code, 'collection_not_found');
    assert.equal(error.status, 404);
    assert.equal(error.message, "projecting collection 'x': collection 'x' does not exist");
    return true;
  });
});

test('errors without a JSON body, bodies that are not JSON, and unreachable servers', async () => {
  await assert.rejects(createApi(fakeFetch(502, 'Bad Gateway', [])).models(), { code: 'http_error', status: 502 });
  await assert.rejects(createApi(fakeFetch(200, '<html>', [])).models(), { code: 'bad_response' });
  const down = createApi(async () => {
    throw new TypeError('Failed to fetch');
  });
  await assert.rejects(down.collections(), { code: 'network_error', message: /cannot be reached \(Failed to fetch\)/ });
});
