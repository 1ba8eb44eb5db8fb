// The metadata fields a "colour by" dropdown offers, and each point's value for one of them. Nested objects are
// reached by dotted paths ("album.label"), as in the collection filter language; arrays and objects themselves
// are not categories.

/** @returns {boolean} whether a metadata value can be a category */
function isCategorical(value) {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function collect(object, prefix, fields) {
  for (const [key, value] of Object.entries(object)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      collect(value, path, fields);
    } else if (isCategorical(value)) {
      fields.add(path);
    }
  }
}

/**
 * @param {Array<{metadata?: object}>} points
 * @returns {string[]} dotted paths of the categorical fields present in any point, sorted by name
 */
export function colourFields(points) {
  const fields = new Set();
  for (const point of points) {
    if (point.metadata && typeof point.metadata === 'object') collect(point.metadata, '', fields);
  }
  return [...fields].sort();
}

/**
 * @param {object|undefined} metadata
 * @param {string} path dotted path
 * @returns {string|undefined} the value as a category label, undefined when absent or not categorical
 */
export function fieldValue(metadata, path) {
  let value = metadata;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !(key in value)) return undefined;
    value = value[key];
  }
  return isCategorical(value) ? String(value) : undefined;
}
