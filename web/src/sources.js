// The choices of the "model or collection" dropdown, built from GET /models and GET /collections. Only
// word-vector models can be projected (their points are their words); collections always can.

/**
 * @param {{data?: Array<{id: string, kind?: string, dimension?: number}>}} models GET /models
 * @param {{collections?: Array<{name: string, dimension?: number, metric?: string, count?: number, model?: string}>}} collections
 * @returns {Array<{key: string, kind: 'collection'|'model', name: string, label: string, projectable: boolean, info: string}>}
 *   collections first (they carry metadata to colour by), then models
 */
export function listSources(models, collections) {
  const sources = [];
  for (const c of collections?.collections ?? []) {
    const parts = [`${c.count ?? '?'} points`, `dimension ${c.dimension ?? '?'}`];
    if (c.metric) parts.push(c.metric);
    if (c.model) parts.push(`model ${c.model}`);
    sources.push({
      key: `collection:${c.name}`,
      kind: 'collection',
      name: c.name,
      label: `${c.name} (collection)`,
      projectable: true,
      canLocate: Boolean(c.model),
      info: parts.join(', '),
    });
  }
  for (const m of models?.data ?? []) {
    const wordVectors = m.kind === undefined || m.kind === 'word-vectors';
    sources.push({
      key: `model:${m.id}`,
      kind: 'model',
      name: m.id,
      label: `${m.id} (${m.kind ?? 'model'})`,
      projectable: wordVectors,
      canLocate: false,
      info: wordVectors
        ? `word vectors, dimension ${m.dimension ?? '?'}: points are the most frequent words`
        : `a ${m.kind} model has no fixed set of points to project; pick a collection it fills`,
    });
  }
  return sources;
}
