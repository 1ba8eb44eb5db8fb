// How each point looks given the page's state: its colour-by colour, larger when it matches the search or is a
// neighbour of the selected point, largest when selected; while a search or a selection is active, the other
// points fade so the focused ones stand out.
export const SIZE_NORMAL = 7;
export const SIZE_FOCUSED = 11;
export const SIZE_SELECTED = 15;
export const FADED_COLOUR = '#dcdcdc';
export const SELECTED_COLOUR = '#111111';

/**
 * @param {string[]} baseColours colour per point from the palette
 * @param {{matches: Set<number>, neighbors: Set<number>, selected: number}} focus selected is -1 for none
 * @returns {{colours: string[], sizes: Float32Array}}
 */
export function stylePoints(baseColours, { matches, neighbors, selected }) {
  const focusing = matches.size > 0 || selected >= 0;
  const sizes = new Float32Array(baseColours.length);
  const colours = baseColours.map((colour, i) => {
    if (i === selected) {
      sizes[i] = SIZE_SELECTED;
      return SELECTED_COLOUR;
    }
    if (matches.has(i) || neighbors.has(i)) {
      sizes[i] = SIZE_FOCUSED;
      return colour;
    }
    sizes[i] = SIZE_NORMAL;
    return focusing ? FADED_COLOUR : colour;
  });
  return { colours, sizes };
}
