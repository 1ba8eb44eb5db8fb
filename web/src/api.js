// The HTTP API of `semspace serve` (docs/http-api.md), as the page uses it. Relative URLs only: the page is
// served by the server it talks to. Every failure becomes an ApiError carrying the server's code and message.

export class ApiError extends Error {
  /** @param {string} code snake_case code from the server, or a local one @param {string} message @param {number} status */
  constructor(code, message, status = 0) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

/**
 * Turns a response into its JSON body, or throws ApiError: the server's {"error": {"code", "message"}} when it
 * sent one, else the HTTP status.
 */
export async function readJson(response, what) {
  const text = await response.text();
  let body;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = body && typeof body === 'object' ? body.error : undefined;
    if (error && typeof error.message === 'string') {
      throw new ApiError(String(error.code ?? 'error'), `${what}: ${error.message}`, response.status);
    }
    throw new ApiError('http_error', `${what}: HTTP ${response.status} ${response.statusText}`.trim(), response.status);
  }
  if (body === undefined) throw new ApiError('bad_response', `${what}: the server's answer is not JSON`, response.status);
  return body;
}

export function createApi(fetchImpl = (...args) => fetch(...args)) {
  async function call(method, path, body, what) {
    let response;
    try {
      response = await fetchImpl(path, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new ApiError('network_error', `${what}: the server cannot be reached (${cause.message})`);
    }
    return readJson(response, what);
  }
  const seg = encodeURIComponent;
  return {
    models: () => call('GET', 'models', undefined, 'listing models'),
    collections: () => call('GET', 'collections', undefined, 'listing collections'),
    projectCollection: (name, params) =>
      call('POST', `collections/${seg(name)}/project`, params, `projecting collection '${name}'`),
    projectModel: (model, params) => call('POST', `models/${seg(model)}/project`, params, `projecting model '${model}'`),
    searchById: (name, id, k) =>
      call('POST', `collections/${seg(name)}/search`, { id, k }, `neighbours of '${id}' in '${name}'`),
    modelNeighbors: (model, word, k) =>
      call('POST', `models/${seg(model)}/neighbors`, { word, k }, `neighbours of '${word}' in model '${model}'`),
    locate: (name, text, params) =>
      call('POST', `collections/${seg(name)}/locate`, { text, ...params }, `placing the text in '${name}'`),
  };
}
