// Checks that the server's answers have the shape the page draws from, so a mismatch shows as a clear message
// naming the field rather than as a script error deep in the view.
import { ApiError } from './api.js';

function fail(what, message) {
  throw new ApiError('bad_response', `${what}: the server's answer ${message}`);
}

const isCoords = (c, dim) => Array.isArray(c) && c.length === dim && c.every((x) => typeof x === 'number' && Number.isFinite(x));

/** @returns {{dim: number, points: Array<{id, coords: number[], metadata: object}>}} */
export function checkProjection(answer, requestedDim, what) {
  const dim = answer?.dim ?? requestedDim;
  if (dim !== 2 && dim !== 3) fail(what, `has "dim" ${JSON.stringify(dim)} (expected 2 or 3)`);
  if (!Array.isArray(answer?.points)) fail(what, 'has no "points" list');
  answer.points.forEach((p, i) => {
    if (typeof p?.id !== 'string' && typeof p?.id !== 'number') fail(what, `has no "id" in points[${i}]`);
    if (!isCoords(p.coords, dim)) fail(what, `has "coords" of points[${i}] that are not ${dim} finite numbers`);
  });
  return { dim, points: answer.points.map((p) => ({ id: p.id, coords: p.coords, metadata: p.metadata ?? {} })) };
}

/**
 * @param {string} idField "id" for collection search, "word" for model neighbours
 * @returns {Array<{id, score: number}>}
 */
export function checkNeighbors(answer, idField, what) {
  if (!Array.isArray(answer?.result)) fail(what, 'has no "result" list');
  return answer.result.map((r, i) => {
    if (r?.[idField] === undefined) fail(what, `has no "${idField}" in result[${i}]`);
    if (typeof r.score !== 'number') fail(what, `has no numeric "score" in result[${i}]`);
    return { id: r[idField], score: r.score };
  });
}

/** @returns {{coords: number[], neighbors: Array<{id, score: number}>}} */
export function checkLocation(answer, dim, what) {
  if (!isCoords(answer?.coords, dim)) fail(what, `has "coords" that are not ${dim} finite numbers`);
  const neighbors = answer.neighbors === undefined ? [] : checkNeighbors({ result: answer.neighbors }, 'id', what);
  return { coords: answer.coords, neighbors };
}
