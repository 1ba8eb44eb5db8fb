// The projector page: wires the controls, the API and the scatter view together and holds the page's state.
// Test hooks: the canvas carries data-point-count, data-dim, data-highlight-count and data-located; #status
// carries data-state (loading, ready, error); window.semspaceProjector.screenPosition(id) says where a point is.
import { createApi, ApiError } from './api.js';
import { listSources } from './sources.js';
import { fitToCube, applyFit } from './layout.js';
import { assignPalette, DEFAULT_COLOUR } from './palette.js';
import { colourFields, fieldValue } from './metadata-fields.js';
import { matchIds } from './search-match.js';
import { stylePoints } from './point-style.js';
import { renderNeighbors } from './neighbor-list.js';
import { renderLegend } from './legend.js';
import { ScatterView } from './scatter-view.js';
import { checkProjection, checkNeighbors, checkLocation } from './responses.js';

const NEIGHBOR_COUNT = 10;
const SEED = 42;

const $ = (id) => document.getElementById(id);
const ui = {
  error: $('error'),
  source: $('source'),
  sourceInfo: $('source-info'),
  method: $('method'),
  dim: $('dim'),
  limit: $('limit'),
  perplexity: $('perplexity'),
  project: $('project'),
  resetView: $('reset-view'),
  colourBy: $('colour-by'),
  legend: $('legend'),
  search: $('search'),
  searchCount: $('search-count'),
  locateText: $('locate-text'),
  locate: $('locate'),
  locateInfo: $('locate-info'),
  neighborsTitle: $('neighbors-title'),
  neighborsHint: $('neighbors-hint'),
  neighbors: $('neighbors'),
  canvas: $('scatter'),
  tooltip: $('tooltip'),
  markerLabel: $('marker-label'),
  status: $('status'),
  help: $('help'),
};

const api = createApi();
const state = {
  sources: [],
  source: null,
  points: [], // [{id, coords, metadata}] as the server sent them
  indexOf: new Map(), // String(id) -> index
  fit: null,
  baseColours: [],
  matches: new Set(),
  neighbors: new Set(),
  selected: -1,
  located: null, // {position, text}
  // Sequence numbers: answers to superseded requests are dropped. A new projection supersedes both kinds; a
  // neighbour or locate request only the previous one of those, so clicking a point never cancels a projection.
  projectionRequest: 0,
  detailRequest: 0,
  projecting: false, // while true, the status line belongs to the projection
};

const view = new ScatterView(ui.canvas, { onHover: showTooltip, onClick: selectPoint });
ui.canvas.addEventListener('rendered', placeMarkerLabel);
window.semspaceProjector = {
  screenPosition(id) {
    const index = state.indexOf.get(String(id));
    return index === undefined ? null : view.screenPosition(index);
  },
};

function setStatus(stateName, text) {
  ui.status.dataset.state = stateName;
  ui.status.textContent = text;
}

// Status for a neighbour or locate request; a projection in flight keeps the status line to itself.
function setDetailStatus(stateName, text) {
  if (!state.projecting) setStatus(stateName, text);
}

function showError(error) {
  const text = error instanceof ApiError ? `${error.message} (${error.code})` : String(error?.message ?? error);
  ui.error.textContent = text;
  ui.error.hidden = false;
  setStatus('error', 'error');
}

function clearError() {
  ui.error.hidden = true;
  ui.error.textContent = '';
}

function projectionParams() {
  return {
    method: ui.method.value,
    dim: Number(ui.dim.value),
    limit: Number(ui.limit.value),
    perplexity: Number(ui.perplexity.value),
    seed: SEED,
  };
}

function restyle() {
  const { colours, sizes } = stylePoints(state.baseColours, state);
  view.setStyle(colours, sizes);
  ui.canvas.dataset.highlightCount = String(state.matches.size);
}

function applyColourBy() {
  const field = ui.colourBy.value;
  if (field === '') {
    state.baseColours = state.points.map(() => DEFAULT_COLOUR);
    renderLegend(ui.legend, []);
  } else {
    const { colours, legend } = assignPalette(state.points.map((p) => fieldValue(p.metadata, field)));
    state.baseColours = colours;
    renderLegend(ui.legend, legend);
  }
  restyle();
}

function fillColourFields() {
  const previous = ui.colourBy.value;
  const fields = colourFields(state.points);
  const options = [new Option('(none)', '')].concat(fields.map((f) => new Option(f, f)));
  ui.colourBy.replaceChildren(...options);
  ui.colourBy.value = fields.includes(previous) ? previous : fields[0] ?? '';
}

function applySearch() {
  const matches = matchIds(
    state.points.map((p) => p.id),
    ui.search.value,
  );
  state.matches = new Set(matches);
  ui.searchCount.textContent = ui.search.value.trim() === '' ? '' : `${matches.length} matching point${matches.length === 1 ? '' : 's'}`;
  restyle();
}

function clearSelection() {
  state.selected = -1;
  state.neighbors = new Set();
  ui.neighborsTitle.textContent = 'Nearest neighbours';
  ui.neighbors.replaceChildren();
  ui.neighborsHint.hidden = false;
}

function showNeighbors(title, neighbors) {
  ui.neighborsTitle.textContent = title;
  state.neighbors = new Set(neighbors.map((n) => state.indexOf.get(String(n.id))).filter((i) => i !== undefined));
  ui.neighborsHint.hidden = true;
  renderNeighbors(ui.neighbors, neighbors, (id) => {
    const index = state.indexOf.get(String(id));
    if (index !== undefined) selectPoint(index);
  });
  restyle();
}

async function selectPoint(index) {
  const request = ++state.detailRequest;
  if (index < 0) {
    // A click on empty space clears the selection.
    clearSelection();
    restyle();
    return;
  }
  const point = state.points[index];
  const source = state.source;
  state.selected = index;
  state.neighbors = new Set();
  restyle();
  ui.neighborsTitle.textContent = `Nearest neighbours of ${point.id}`;
  ui.neighbors.replaceChildren();
  setDetailStatus('loading', `neighbours of ${point.id}…`);
  try {
    const what = `neighbours of ${point.id}`;
    const neighbors =
      source.kind === 'collection'
        ? checkNeighbors(await api.searchById(source.name, point.id, NEIGHBOR_COUNT), 'id', what)
        : checkNeighbors(await api.modelNeighbors(source.name, String(point.id), NEIGHBOR_COUNT), 'word', what);
    if (request !== state.detailRequest) return;
    clearError();
    showNeighbors(`Nearest neighbours of ${point.id}`, neighbors);
    setDetailStatus('ready', `${state.points.length} points`);
  } catch (error) {
    if (request === state.detailRequest) showError(error);
  }
}

function showTooltip(index, x, y) {
  if (index < 0) {
    ui.tooltip.hidden = true;
    return;
  }
  const point = state.points[index];
  ui.tooltip.textContent = String(point.id);
  ui.tooltip.style.left = `${x}px`;
  ui.tooltip.style.top = `${y}px`;
  ui.tooltip.hidden = false;
}

function placeMarkerLabel() {
  const at = state.located ? view.toScreen(state.located.position) : null;
  if (!at) {
    ui.markerLabel.hidden = true;
    return;
  }
  ui.markerLabel.style.left = `${at.x}px`;
  ui.markerLabel.style.top = `${at.y}px`;
  ui.markerLabel.hidden = false;
}

function setLocated(located) {
  state.located = located;
  ui.markerLabel.textContent = located ? located.text : '';
  ui.canvas.dataset.located = located ? 'true' : 'false';
  view.setMarker(located ? located.position : null);
  placeMarkerLabel();
}

async function project() {
  const source = state.source;
  if (!source) return;
  if (!source.projectable) {
    showError(new ApiError('not_projectable', `${source.name}: ${source.info}`));
    return;
  }
  const params = projectionParams();
  const request = ++state.projectionRequest;
  state.detailRequest += 1;
  state.projecting = true;
  setStatus('loading', `projecting ${source.name} (${params.method === 'pca' ? 'PCA' : 't-SNE'}, ${params.dim}-D)…`);
  ui.project.disabled = true;
  try {
    const answer =
      source.kind === 'collection'
        ? await api.projectCollection(source.name, params)
        : await api.projectModel(source.name, params);
    if (request !== state.projectionRequest) return;
    state.projecting = false;
    clearError();
    const { dim, points } = checkProjection(answer, params.dim, `projecting ${source.name}`);
    state.points = points;
    state.indexOf = new Map(state.points.map((p, i) => [String(p.id), i]));
    state.fit = fitToCube(
      state.points.map((p) => p.coords),
      dim,
    );
    clearSelection();
    state.located = null;
    view.setPoints(
      state.points.map((p) => applyFit(state.fit, p.coords)),
      dim,
    );
    setLocated(null);
    ui.locateInfo.textContent = '';
    ui.canvas.dataset.pointCount = String(state.points.length);
    ui.canvas.dataset.dim = String(dim);
    ui.help.textContent = dim === 2 ? 'Drag to pan, wheel to zoom.' : 'Drag to rotate, right-drag to pan, wheel to zoom.';
    fillColourFields();
    applyColourBy();
    applySearch();
    setStatus('ready', `${state.points.length} points`);
  } catch (error) {
    if (request === state.projectionRequest) {
      state.projecting = false;
      showError(error);
    }
  } finally {
    if (request === state.projectionRequest) ui.project.disabled = false;
  }
}

async function locate() {
  const source = state.source;
  const text = ui.locateText.value.trim();
  if (!source || source.kind !== 'collection' || text === '' || !state.fit) return;
  const params = projectionParams();
  const request = ++state.detailRequest;
  setDetailStatus('loading', 'placing the text…');
  try {
    const answer = checkLocation(await api.locate(source.name, text, params), params.dim, 'placing the text');
    if (request !== state.detailRequest) return;
    clearError();
    setLocated({ text, position: applyFit(state.fit, answer.coords) });
    ui.locateInfo.textContent = `placed at (${answer.coords.map((c) => Number(c).toFixed(2)).join(', ')})`;
    clearSelection();
    showNeighbors(`Nearest neighbours of “${text}”`, answer.neighbors);
    setDetailStatus('ready', `${state.points.length} points`);
  } catch (error) {
    if (request === state.detailRequest) showError(error);
  }
}

function chooseSource() {
  state.source = state.sources.find((s) => s.key === ui.source.value) ?? null;
  ui.sourceInfo.textContent = state.source?.info ?? '';
  const canLocate = Boolean(state.source?.canLocate);
  ui.locate.disabled = !canLocate;
  ui.locateText.disabled = !canLocate;
  ui.locateText.placeholder = canLocate ? 'a text to embed' : 'needs a collection with a model';
  project();
}

async function start() {
  setStatus('loading', 'loading models and collections…');
  try {
    const [models, collections] = await Promise.all([api.models(), api.collections()]);
    state.sources = listSources(models, collections);
  } catch (error) {
    showError(error);
    return;
  }
  if (state.sources.length === 0) {
    showError(new ApiError('empty', 'the server has no models or collections to show'));
    return;
  }
  ui.source.replaceChildren(
    ...state.sources.map((s) => {
      const option = new Option(s.label, s.key);
      option.disabled = !s.projectable;
      return option;
    }),
  );
  ui.source.value = (state.sources.find((s) => s.projectable) ?? state.sources[0]).key;
  chooseSource();
}

ui.source.addEventListener('change', chooseSource);
ui.method.addEventListener('change', () => {
  ui.perplexity.disabled = ui.method.value !== 'tsne';
  project();
});
ui.dim.addEventListener('change', project);
ui.limit.addEventListener('change', project);
ui.perplexity.addEventListener('change', project);
ui.project.addEventListener('click', project);
ui.resetView.addEventListener('click', () => view.resetCamera());
ui.colourBy.addEventListener('change', applyColourBy);
ui.search.addEventListener('input', applySearch);
ui.locate.addEventListener('click', locate);
ui.locateText.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') locate();
});
ui.perplexity.disabled = ui.method.value !== 'tsne';
start();
