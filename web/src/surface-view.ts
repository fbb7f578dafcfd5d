/**
 * The 3D surface (three.js) with the optimizers' paths lying on it, orbit and zoom with the mouse.
 * Heights are log(1 + (f − f_min)/s) / log(1 + (f_max − f_min)/s) with s the median of f − f_min over
 * the window: nearly linear for the seed's bowl, compressed for Rosenbrock's walls, so both stay
 * readable. The path points use the same transform and sit just above the surface.
 */

import { interpolateTurbo } from "d3";
import {
  AmbientLight,
  BufferAttribute,
  BufferGeometry,
  Color,
  DirectionalLight,
  DoubleSide,
  Line,
  LineBasicMaterial,
  Mesh,
  MeshBasicMaterial,
  MeshLambertMaterial,
  PerspectiveCamera,
  Points,
  PointsMaterial,
  Scene,
  SphereGeometry,
  Vector2,
  WebGLRenderer,
} from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import type { Landscape } from "../../src/landscapes/index.js";
import type { PathRun } from "./compute.js";
import { type SampledLandscape, sampleLandscape } from "./landscape-grid.js";
import type { Window2 } from "./state.js";

const N = 96;

/**
 * Whether WebGL runs on the CPU (SwiftShader, llvmpipe: headless Chromium, machines without a GPU).
 * There multisampling costs more than the rest of a frame (measured: 8 fps with it, 36 without, in
 * headless Chromium), so the surface is drawn without it.
 */
function softwareWebGL(): boolean {
  const gl = document.createElement("canvas").getContext("webgl");
  if (gl === null) return true;
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  const renderer = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : "";
  gl.getExtension("WEBGL_lose_context")?.loseContext();
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer);
}
const HEIGHT = 0.5;

export class SurfaceView {
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(40, 1, 0.01, 100);
  private readonly controls: OrbitControls;
  private surface: Mesh | null = null;
  private sampled: SampledLandscape | null = null;
  private key = "";
  private landscape: Landscape | null = null;
  private window: Window2 | null = null;
  private paths: { line: Line; head: Mesh; positions: Float32Array; stepsRun: number }[] = [];

  constructor(readonly canvas: HTMLCanvasElement) {
    // Software GL (no GPU): no antialiasing and 0.75 of the pixels, which keeps playback near 50 fps here.
    const software = softwareWebGL();
    this.renderer = new WebGLRenderer({ canvas, antialias: !software, preserveDrawingBuffer: false });
    this.renderer.setPixelRatio(software ? 0.75 : Math.min(2, window.devicePixelRatio || 1));
    this.scene.background = new Color("#ffffff");
    this.scene.add(new AmbientLight(0xffffff, 1.6));
    const light = new DirectionalLight(0xffffff, 1.4);
    light.position.set(1, 2, 1.5);
    this.scene.add(light);
    this.camera.position.set(0.85, 1.4, 1.55);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.target.set(0, 0.05, 0);
    this.controls.addEventListener("change", () => this.render());
  }

  /** Moves the camera towards (factor < 1) or away from the target. */
  zoom(factor: number): void {
    const offset = this.camera.position.clone().sub(this.controls.target).multiplyScalar(factor);
    this.camera.position.copy(this.controls.target).add(offset);
    this.controls.update();
    this.render();
  }

  /** The starting camera. */
  resetCamera(): void {
    this.camera.position.set(0.85, 1.4, 1.55);
    this.controls.target.set(0, 0.05, 0);
    this.controls.update();
    this.render();
  }

  /** Maps a landscape point to scene coordinates (x right, y up, z towards the viewer). */
  private toScene(x: number, y: number, f: number): [number, number, number] {
    const w = this.window as Window2;
    const sx = (x - w.x[0]) / (w.x[1] - w.x[0]) - 0.5;
    const sz = -((y - w.y[0]) / (w.y[1] - w.y[0]) - 0.5);
    return [sx, HEIGHT * this.height(f), sz];
  }

  /** The height transform (see the module comment), in [0, 1] over the window. */
  private height(f: number): number {
    const { lo, scale, top } = this.heights;
    if (!Number.isFinite(f)) return 1;
    return Math.min(1.05, Math.max(0, Math.log1p(Math.max(0, f - lo) / scale) / top));
  }

  private heights = { lo: 0, scale: 1, top: 1 };

  private rebuildSurface(landscape: Landscape, window: Window2): void {
    this.landscape = landscape;
    this.window = window;
    this.sampled = sampleLandscape(landscape, window, N, false);
    const sorted = this.sampled.sorted;
    const lo = sorted[0] ?? 0;
    const hi = sorted[sorted.length - 1] ?? 1;
    const scale = Math.max(1e-12, (sorted[sorted.length >> 1] ?? 1) - lo);
    this.heights = { lo, scale, top: Math.max(1e-12, Math.log1p((hi - lo) / scale)) };
    const { grid } = this.sampled;
    const positions = new Float32Array(grid.nx * grid.ny * 3);
    const colors = new Float32Array(grid.nx * grid.ny * 3);
    const color = new Color();
    for (let j = 0; j < grid.ny; j++) {
      for (let i = 0; i < grid.nx; i++) {
        const v = grid.values[j * grid.nx + i];
        const x = grid.x[0] + ((i + 0.5) * (grid.x[1] - grid.x[0])) / grid.nx;
        const y = grid.y[0] + ((j + 0.5) * (grid.y[1] - grid.y[0])) / grid.ny;
        const [sx, sy, sz] = this.toScene(x, y, v);
        const o = 3 * (j * grid.nx + i);
        positions[o] = sx;
        positions[o + 1] = sy;
        positions[o + 2] = sz;
        color.setStyle(interpolateTurbo(0.1 + 0.8 * (sy / HEIGHT)), "srgb");
        colors[o] = color.r;
        colors[o + 1] = color.g;
        colors[o + 2] = color.b;
      }
    }
    const index: number[] = [];
    for (let j = 0; j < grid.ny - 1; j++) {
      for (let i = 0; i < grid.nx - 1; i++) {
        const a = j * grid.nx + i;
        index.push(a, a + grid.nx, a + 1, a + 1, a + grid.nx, a + grid.nx + 1);
      }
    }
    const geometry = new BufferGeometry();
    geometry.setAttribute("position", new BufferAttribute(positions, 3));
    geometry.setAttribute("color", new BufferAttribute(colors, 3));
    geometry.setIndex(index);
    geometry.computeVertexNormals();
    if (this.surface) {
      this.scene.remove(this.surface);
      this.surface.geometry.dispose();
    }
    this.surface = new Mesh(
      geometry,
      new MeshLambertMaterial({ vertexColors: true, side: DoubleSide, transparent: false }),
    );
    this.scene.add(this.surface);
  }

  /** Draws the surface and the paths up to the cursor. Rebuilds the mesh only when the landscape or window changed. */
  /**
   * Draws the surface and the paths up to the cursor. The mesh is rebuilt only when the landscape or
   * window changed, the paths only when the runs changed (`version`); playback just moves the draw
   * range and the heads.
   */
  draw(
    landscape: Landscape,
    window: Window2,
    runs: readonly PathRun[],
    cursor: number,
    version: number,
  ): void {
    const key = `${window.x.join()},${window.y.join()}`;
    if (landscape !== this.landscape || key !== this.key) {
      this.key = key;
      this.rebuildSurface(landscape, window);
      this.pathsVersion = -1;
    }
    if (version !== this.pathsVersion) {
      this.pathsVersion = version;
      this.rebuildPaths(runs);
    }
    for (const path of this.paths) {
      const last = Math.max(0, Math.min(cursor, path.stepsRun));
      path.line.geometry.setDrawRange(0, last + 1);
      path.head.position.set(
        path.positions[3 * last],
        path.positions[3 * last + 1],
        path.positions[3 * last + 2],
      );
    }
    this.render();
  }

  private pathsVersion = -1;

  private rebuildPaths(runs: readonly PathRun[]): void {
    for (const { line, head } of this.paths) {
      this.scene.remove(line, head);
      line.geometry.dispose();
      (line.material as LineBasicMaterial).dispose();
      for (const child of line.children) ((child as Points).material as PointsMaterial).dispose();
      (head.material as MeshBasicMaterial).dispose();
    }
    this.paths = [];
    for (const run of runs) {
      const t = run.trajectory;
      if (t === null) continue;
      const positions = new Float32Array((t.stepsRun + 1) * 3);
      for (let k = 0; k <= t.stepsRun; k++) {
        const [sx, sy, sz] = this.toScene(t.iterates[2 * k], t.iterates[2 * k + 1], t.loss[k]);
        positions[3 * k] = Math.max(-0.6, Math.min(0.6, sx));
        positions[3 * k + 1] = sy + 0.012;
        positions[3 * k + 2] = Math.max(-0.6, Math.min(0.6, sz));
      }
      const geometry = new BufferGeometry();
      geometry.setAttribute("position", new BufferAttribute(positions, 3));
      const line = new Line(geometry, new LineBasicMaterial({ color: run.color }));
      // The dots share the line's geometry, so its draw range cuts both.
      line.add(
        new Points(geometry, new PointsMaterial({ color: run.color, size: 4, sizeAttenuation: false })),
      );
      const head = new Mesh(this.headGeometry, new MeshBasicMaterial({ color: run.color }));
      this.scene.add(line, head);
      this.paths.push({ line, head, positions, stepsRun: t.stepsRun });
    }
  }

  render(): void {
    const width = Math.max(1, this.canvas.clientWidth);
    const height = Math.max(1, this.canvas.clientHeight);
    const size = this.renderer.getSize(this.sizeScratch);
    if (size.x !== width || size.y !== height) {
      this.renderer.setSize(width, height, false);
      this.camera.aspect = width / height;
      this.camera.updateProjectionMatrix();
    }
    this.renderer.render(this.scene, this.camera);
  }

  private readonly sizeScratch = new Vector2();
  private readonly headGeometry = new SphereGeometry(0.014, 12, 8);
}
