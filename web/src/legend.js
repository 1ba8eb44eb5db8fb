// Renders the colour legend of the "colour by" field.

/** @param {HTMLUListElement} list @param {Array<{label: string, colour: string, count: number}>} entries */
export function renderLegend(list, entries) {
  list.replaceChildren(
    ...entries.map(({ label, colour, count }) => {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = colour;
      const text = document.createElement('span');
      text.textContent = `${label} (${count})`;
      item.append(swatch, text);
      return item;
    }),
  );
}
