// Fits projected coordinates into the view's fixed cube [-1, 1]^dim: centred on the bounding box and scaled by
// its largest side, so the aspect ratio of the projection is kept. A located text is mapped by the same fit.

/**
 * @param {number[][]} coords one array of `dim` numbers per point
 * @param {number} dim 2 or 3
 * @returns {{center: number[], scale: number}} apply as (c - center) * scale
 */
export function fitToCube(coords, dim) {
  const lo = new Array(dim).fill(Infinity);
  const hi = new Array(dim).fill(-Infinity);
  for (const c of coords) {
    for (let d = 0; d < dim; d += 1) {
      lo[d] = Math.min(lo[d], c[d]);
      hi[d] = Math.max(hi[d], c[d]);
    }
  }
  if (coords.length === 0) return { center: new Array(dim).fill(0), scale: 1 };
  const center = lo.map((l, d) => (l + hi[d]) / 2);
  const extent = Math.max(...hi.map((h, d) => h - lo[d]));
  // A single point or identical points: any scale works; keep 1 rather than dividing by zero.
  return { center, scale: extent > 0 ? 2 / extent : 1 };
}

/** @returns {number[]} c mapped into the cube, padded with 0 to 3 components for the 3-D scene */
export function applyFit(fit, c) {
  const out = [0, 0, 0];
  for (let d = 0; d < fit.center.length; d += 1) out[d] = (c[d] - fit.center[d]) * fit.scale;
  return out;
}
