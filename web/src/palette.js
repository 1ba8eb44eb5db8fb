// Categorical colours for "colour by": the most frequent categories get their own colour, the rest share "other".
// Colours are Tableau 10 (distinct, colour-blind tolerant), written as hex so the view can parse them directly.

export const CATEGORY_COLOURS = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f',
  '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
];
export const OTHER_COLOUR = '#5f6368';
export const MISSING_COLOUR = '#c7c7c7';
export const DEFAULT_COLOUR = '#3b6fb6';
export const OTHER_LABEL = 'other';
export const MISSING_LABEL = '(none)';

/**
 * Assigns colours to categorical values.
 * @param {Array<string|undefined>} values one value per point; undefined when the point lacks the field
 * @param {number} maxCategories categories beyond this many (by frequency) are grouped as "other"
 * @returns {{colours: string[], legend: Array<{label: string, colour: string, count: number}>}}
 *   colours[i] is the colour of point i; the legend lists named categories by frequency (ties by name), then
 *   "other" and "(none)" when present.
 */
export function assignPalette(values, maxCategories = CATEGORY_COLOURS.length) {
  const counts = new Map();
  for (const value of values) {
    if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  // More categories than colours would repeat colours and mislead; the rarer ones share the "other" grey.
  const named = ranked.slice(0, Math.min(maxCategories, CATEGORY_COLOURS.length));
  const colourOf = new Map(named.map(([label], i) => [label, CATEGORY_COLOURS[i]]));

  let otherCount = 0;
  let missingCount = 0;
  const colours = values.map((value) => {
    if (value === undefined) {
      missingCount += 1;
      return MISSING_COLOUR;
    }
    const colour = colourOf.get(value);
    if (colour !== undefined) return colour;
    otherCount += 1;
    return OTHER_COLOUR;
  });
  const legend = named.map(([label, count]) => ({ label, colour: colourOf.get(label), count }));
  if (otherCount > 0) legend.push({ label: OTHER_LABEL, colour: OTHER_COLOUR, count: otherCount });
  if (missingCount > 0) legend.push({ label: MISSING_LABEL, colour: MISSING_COLOUR, count: missingCount });
  return { colours, legend };
}
