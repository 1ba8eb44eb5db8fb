// Which points a search box query highlights: a case-insensitive substring match on the point id (the word, for
// models), ignoring surrounding spaces. An empty query matches nothing, so clearing the box clears the highlight.

/**
 * @param {Array<string|number>} ids point ids in drawing order
 * @param {string} query
 * @returns {number[]} indices of the matching points, ascending
 */
export function matchIds(ids, query) {
  const needle = query.trim().toLowerCase();
  if (needle === '') return [];
  const matches = [];
  ids.forEach((id, i) => {
    if (String(id).toLowerCase().includes(needle)) matches.push(i);
  });
  return matches;
}
