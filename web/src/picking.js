// Screen-space picking: the point under the cursor is the nearest projected point within a pixel radius. This
// works the same for the 2-D and 3-D cameras and for points drawn at a fixed pixel size.

/**
 * @param {Float32Array|number[]} screen x0, y0, x1, y1, ... in CSS pixels; NaN for points behind the camera
 * @param {number} x cursor x
 * @param {number} y cursor y
 * @param {number} radius pixels
 * @returns {number} index of the nearest point within radius, or -1
 */
export function nearestOnScreen(screen, x, y, radius) {
  let best = -1;
  let bestDistance = radius * radius;
  for (let i = 0; i * 2 < screen.length; i += 1) {
    const dx = screen[2 * i] - x;
    const dy = screen[2 * i + 1] - y;
    const distance = dx * dx + dy * dy;
    if (distance <= bestDistance) {
      best = i;
      bestDistance = distance;
    }
  }
  return best;
}
