// Renders a list of nearest neighbours (id and score); clicking an entry calls back with its id.

/**
 * @param {HTMLOListElement} list
 * @param {Array<{id: string|number, score: number}>} neighbors best first
 * @param {(id: string|number) => void} onPick
 */
export function renderNeighbors(list, neighbors, onPick) {
  list.replaceChildren(
    ...neighbors.map(({ id, score }) => {
      const item = document.createElement('li');
      item.dataset.id = String(id);
      item.tabIndex = 0;
      const name = document.createElement('span');
      name.className = 'id';
      name.textContent = String(id);
      const value = document.createElement('span');
      value.className = 'score';
      value.textContent = Number(score).toFixed(3);
      item.append(name, value);
      item.addEventListener('click', () => onPick(id));
      item.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') onPick(id);
      });
      return item;
    }),
  );
}
