// The WebGL scatter: draws points with per-point colour and size in a 2-D (orthographic, pan + zoom) or 3-D
// (perspective, orbit + zoom + pan) scene, a marker for a located text, and reports hover and click by
// screen-space picking. It knows nothing of the API or of what the points mean.
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { nearestOnScreen } from './picking.js';

const VERTEX_SHADER = `
  attribute float size;
  attribute vec3 color;
  varying vec3 vColor;
  uniform float pixelRatio;
  void main() {
    vColor = color;
    gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
    gl_PointSize = size * pixelRatio;
  }`;
// Round points with a thin dark rim, so overlapping points stay distinguishable.
const FRAGMENT_SHADER = `
  varying vec3 vColor;
  void main() {
    vec2 p = gl_PointCoord * 2.0 - 1.0;
    float r = dot(p, p);
    if (r > 1.0) discard;
    gl_FragColor = vec4(r > 0.7 ? vColor * 0.7 : vColor, 1.0);
  }`;

// Colours go to the shader as written (sRGB hex), not converted to linear light: the page's palette is what shows.
THREE.ColorManagement.enabled = false;

const PICK_RADIUS_PX = 8;
const CLICK_SLOP_PX = 4;

export class ScatterView {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {{onHover: (index: number, x: number, y: number) => void, onClick: (index: number) => void}} handlers
   */
  constructor(canvas, handlers) {
    this.canvas = canvas;
    this.handlers = handlers;
    // preserveDrawingBuffer keeps the last frame readable (screenshots, the browser test's pixel check).
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(window.devicePixelRatio);
    this.renderer.setClearColor(0xffffff, 1);
    this.scene = new THREE.Scene();
    this.material = new THREE.ShaderMaterial({
      vertexShader: VERTEX_SHADER,
      fragmentShader: FRAGMENT_SHADER,
      uniforms: { pixelRatio: { value: window.devicePixelRatio } },
      depthTest: true,
    });
    this.points = null;
    this.marker = null;
    this.dim = 2;
    this.positions = new Float32Array(0);
    this.screen = new Float32Array(0);
    this.screenStale = true;
    this.#makeCamera(2);
    this.#listen();
    new ResizeObserver(() => this.#resize()).observe(canvas);
    this.#resize();
  }

  get pointCount() {
    return this.positions.length / 3;
  }

  /**
   * Replaces the points. Positions are already fitted to the cube [-1, 1]^dim (layout.js).
   * @param {number[][]} positions 3 numbers per point (z = 0 in 2-D)
   * @param {number} dim 2 or 3
   */
  setPoints(positions, dim) {
    if (this.points) {
      this.scene.remove(this.points);
      this.points.geometry.dispose();
    }
    this.positions = new Float32Array(positions.length * 3);
    positions.forEach((p, i) => this.positions.set(p, i * 3));
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(this.positions, 3));
    geometry.setAttribute('color', new THREE.BufferAttribute(new Float32Array(positions.length * 3).fill(0.5), 3));
    geometry.setAttribute('size', new THREE.BufferAttribute(new Float32Array(positions.length).fill(7), 1));
    this.points = new THREE.Points(geometry, this.material);
    this.scene.add(this.points);
    if (dim !== this.dim) this.#makeCamera(dim);
    this.setMarker(null);
    this.resetCamera();
  }

  /**
   * Sets each point's look.
   * @param {string[]} colours CSS hex colour per point
   * @param {Float32Array|number[]} sizes pixel size per point
   */
  setStyle(colours, sizes) {
    if (!this.points) return;
    const colour = this.points.geometry.getAttribute('color');
    const size = this.points.geometry.getAttribute('size');
    const c = new THREE.Color();
    colours.forEach((hex, i) => {
      c.set(hex);
      colour.setXYZ(i, c.r, c.g, c.b);
      size.setX(i, sizes[i]);
    });
    colour.needsUpdate = true;
    size.needsUpdate = true;
    this.render();
  }

  /** Shows a marker for a located text at a fitted position, or removes it (null). */
  setMarker(position) {
    if (this.marker) {
      this.scene.remove(this.marker);
      this.marker.geometry.dispose();
      this.marker = null;
    }
    if (position) {
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute('position', new THREE.BufferAttribute(new Float32Array(position), 3));
      geometry.setAttribute('color', new THREE.BufferAttribute(new Float32Array([0.13, 0.13, 0.14]), 3));
      geometry.setAttribute('size', new THREE.BufferAttribute(new Float32Array([20]), 1));
      this.marker = new THREE.Points(geometry, this.material);
      this.marker.renderOrder = 1;
      this.scene.add(this.marker);
    }
    this.render();
  }

  /** @returns {{x: number, y: number}|null} where a fitted position is on the canvas, in CSS pixels */
  toScreen(position) {
    const v = new THREE.Vector3(...position).project(this.camera);
    if (v.z > 1) return null;
    const { width, height } = this.canvas.getBoundingClientRect();
    return { x: ((v.x + 1) / 2) * width, y: ((1 - v.y) / 2) * height };
  }

  /** @returns {{x: number, y: number}|null} where point `index` is on the canvas */
  screenPosition(index) {
    return this.toScreen([...this.positions.subarray(index * 3, index * 3 + 3)]);
  }

  resetCamera() {
    this.controls.reset();
    if (this.dim === 2) {
      this.camera.position.set(0, 0, 10);
    } else {
      this.camera.position.set(2.0, 1.5, 3.3);
    }
    this.camera.zoom = 1;
    this.camera.lookAt(0, 0, 0);
    this.controls.target.set(0, 0, 0);
    this.camera.updateProjectionMatrix();
    this.controls.update();
    this.render();
  }

  render() {
    this.renderer.render(this.scene, this.camera);
    this.screenStale = true;
    this.canvas.dispatchEvent(new Event('rendered'));
  }

  #makeCamera(dim) {
    this.dim = dim;
    if (this.controls) this.controls.dispose();
    const aspect = Math.max(this.canvas.clientWidth, 1) / Math.max(this.canvas.clientHeight, 1);
    if (dim === 2) {
      this.camera = new THREE.OrthographicCamera(-1.1 * aspect, 1.1 * aspect, 1.1, -1.1, 0.1, 100);
    } else {
      this.camera = new THREE.PerspectiveCamera(45, aspect, 0.01, 100);
    }
    this.controls = new OrbitControls(this.camera, this.canvas);
    this.controls.screenSpacePanning = true;
    this.controls.zoomToCursor = true;
    if (dim === 2) {
      // A flat map: left drag pans, the wheel zooms, nothing rotates.
      this.controls.enableRotate = false;
      this.controls.mouseButtons = { LEFT: THREE.MOUSE.PAN, MIDDLE: THREE.MOUSE.DOLLY, RIGHT: THREE.MOUSE.PAN };
      this.controls.touches = { ONE: THREE.TOUCH.PAN, TWO: THREE.TOUCH.DOLLY_PAN };
    }
    this.controls.addEventListener('change', () => this.render());
    this.#resize();
  }

  #resize() {
    const width = Math.max(this.canvas.clientWidth, 1);
    const height = Math.max(this.canvas.clientHeight, 1);
    this.renderer.setSize(width, height, false);
    const aspect = width / height;
    if (this.camera.isOrthographicCamera) {
      this.camera.left = -1.1 * aspect;
      this.camera.right = 1.1 * aspect;
    } else {
      this.camera.aspect = aspect;
    }
    this.camera.updateProjectionMatrix();
    this.render();
  }

  /** Projects every point to the screen once per rendered frame, for picking. */
  #screenPositions() {
    if (!this.screenStale) return this.screen;
    const n = this.pointCount;
    if (this.screen.length !== n * 2) this.screen = new Float32Array(n * 2);
    const { width, height } = this.canvas.getBoundingClientRect();
    const v = new THREE.Vector3();
    for (let i = 0; i < n; i += 1) {
      v.fromArray(this.positions, i * 3).project(this.camera);
      const visible = v.z <= 1 && v.z >= -1;
      this.screen[2 * i] = visible ? ((v.x + 1) / 2) * width : NaN;
      this.screen[2 * i + 1] = visible ? ((1 - v.y) / 2) * height : NaN;
    }
    this.screenStale = false;
    return this.screen;
  }

  #pick(event) {
    const rect = this.canvas.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    return { index: nearestOnScreen(this.#screenPositions(), x, y, PICK_RADIUS_PX), x, y };
  }

  #listen() {
    let down = null;
    this.canvas.addEventListener('pointerdown', (event) => {
      down = { x: event.clientX, y: event.clientY };
    });
    this.canvas.addEventListener('pointerup', (event) => {
      // A press that did not move is a click; one that moved was a pan or a rotation.
      if (down && Math.hypot(event.clientX - down.x, event.clientY - down.y) <= CLICK_SLOP_PX) {
        const { index } = this.#pick(event);
        this.handlers.onClick(index);
      }
      down = null;
    });
    this.canvas.addEventListener('pointermove', (event) => {
      if (down) return;
      const { index, x, y } = this.#pick(event);
      this.handlers.onHover(index, x, y);
    });
    this.canvas.addEventListener('pointerleave', () => this.handlers.onHover(-1, 0, 0));
  }
}
