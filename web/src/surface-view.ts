/**
 * The 3D surface (three.js) with the optimizers' paths lying on it, orbit and zoom with the mouse.
 * Heights are log(1 + (f − f_min)/s) / log(1 + (f_max − f_min)/s) with s the median of f − f_min over
 * the window: nearly linear for the seed's bowl, compressed for Rosenbrock's walls, so both stay
 * readable. The path points use the same transform and sit just above the surface.
 */

import { interpolateTurbo, ticks } from "d3";
import {
  AmbientLight,
  ArrowHelper,
  BufferAttribute,
  BufferGeometry,
  CanvasTexture,
  Color,
  ConeGeometry,
  DirectionalLight,
  DoubleSide,
  Group,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
  MeshLambertMaterial,
  PerspectiveCamera,
  Scene,
  SphereGeometry,
  Sprite,
  SpriteMaterial,
  Vector2,
  Vector3,
  WebGLRenderer,
} from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import { Line2 } from "three/examples/jsm/lines/Line2.js";
import { LineGeometry } from "three/examples/jsm/lines/LineGeometry.js";
import { LineMaterial } from "three/examples/jsm/lines/LineMaterial.js";
import type { Landscape } from "../../src/landscapes/index.js";
import type { Internals, PathRun } from "./compute.js";
import { shortNumber } from "./dom.js";
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
/** Pieces per step of a path on the surface (their heights follow f between the iterates). */
const SUB = 6;

/** A text label facing the camera (a sprite with a canvas texture). */
function label(text: string, x: number, y: number, z: number): Sprite {
  const canvas = document.createElement("canvas");
  canvas.width = 128;
  canvas.height = 32;
  const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
  ctx.font = "22px sans-serif";
  ctx.fillStyle = "#222";
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(text, 64, 16);
  const sprite = new Sprite(new SpriteMaterial({ map: new CanvasTexture(canvas), depthTest: false }));
  sprite.position.set(x, y, z);
  sprite.scale.set(0.16, 0.04, 1);
  return sprite;
}

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
  /** Per run: a thick line (Line2) following the surface, its head, and where it left the window (if it did). */
  private paths: {
    line: Line2;
    head: Mesh;
    exit: Mesh | null;
    /** Scene positions of iterate k (inside the window) at positions[3k…]. */
    positions: Float32Array;
    /** Iterates drawn: up to the last one inside the window. */
    inside: number;
  }[] = [];
  private readonly axes = new Group();
  private readonly arrows = new Group();
  private readonly glyphs = new Group();
  private arrowsKey = "";

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
    this.camera.position.set(0.8, 1.85, 1.2);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.target.set(0, 0.05, 0);
    // From 55° above the floor both walls of a steep valley show (from lower, the near wall is seen edge-on).
    this.controls.update();
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
    this.camera.position.set(0.8, 1.85, 1.2);
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
    arrows = false,
    internals: readonly (Internals | null)[] | null = null,
  ): void {
    const key = `${window.x.join()},${window.y.join()}`;
    if (landscape !== this.landscape || key !== this.key) {
      this.key = key;
      this.rebuildSurface(landscape, window);
      this.rebuildAxes();
      this.pathsVersion = -1;
      this.arrowsKey = "";
    }
    const arrowsKey = arrows ? key : "";
    if (arrowsKey !== this.arrowsKey) {
      this.arrowsKey = arrowsKey;
      this.rebuildArrows(arrows);
    }
    if (version !== this.pathsVersion) {
      this.pathsVersion = version;
      this.rebuildPaths(runs);
    }
    for (const path of this.paths) {
      const last = Math.max(0, Math.min(cursor, path.inside));
      // Line2 draws one instance per segment, SUB segments per step.
      (path.line.geometry as LineGeometry).instanceCount = last * SUB;
      path.head.position.set(
        path.positions[3 * last],
        path.positions[3 * last + 1],
        path.positions[3 * last + 2],
      );
      if (path.exit) path.exit.visible = cursor > path.inside;
    }
    this.drawInternals(runs, internals);
    this.render();
  }

  /** The map's internals glyphs on the surface: −g (grey) and the next step (the run's colour) at the cursor. */
  private drawInternals(runs: readonly PathRun[], internals: readonly (Internals | null)[] | null): void {
    for (const child of [...this.glyphs.children]) {
      this.glyphs.remove(child);
      (child as ArrowHelper).dispose();
    }
    if (!internals || this.window === null || this.landscape === null) return;
    const w = this.window;
    internals.forEach((item, i) => {
      if (!item) return;
      const f = this.landscape?.f(Float64Array.of(item.point[0], item.point[1])) ?? Number.NaN;
      const [sx, sy, sz] = this.toScene(item.point[0], item.point[1], f);
      const origin = new Vector3(sx, sy + 0.02, sz);
      const flat = (dx: number, dy: number) =>
        new Vector3(dx / (w.x[1] - w.x[0]), 0, -dy / (w.y[1] - w.y[0]));
      const g = flat(-item.gradient[0], -item.gradient[1]);
      if (g.length() > 0)
        this.glyphs.add(new ArrowHelper(g.clone().normalize(), origin, 0.08, 0x333333, 0.02, 0.012));
      if (item.step) {
        const step = flat(item.step[0], item.step[1]);
        const length = step.length();
        if (length > 0 && Number.isFinite(length))
          this.glyphs.add(
            new ArrowHelper(
              step.normalize(),
              origin,
              Math.min(0.6, length),
              runs[i]?.color ?? "#000",
              0.025,
              0.015,
            ),
          );
      }
    });
    if (!this.scene.children.includes(this.glyphs)) this.scene.add(this.glyphs);
  }

  /** Axes on the base of the box: x and y ticks along two edges, f ticks on a vertical edge. */
  private rebuildAxes(): void {
    for (const child of [...this.axes.children]) {
      this.axes.remove(child);
      if (child instanceof Sprite) {
        child.material.map?.dispose();
        child.material.dispose();
      }
    }
    const w = this.window as Window2;
    const box = new Float32Array([
      -0.5,
      0,
      0.5,
      0.5,
      0,
      0.5,
      0.5,
      0,
      0.5,
      0.5,
      0,
      -0.5,
      0.5,
      0,
      -0.5,
      -0.5,
      0,
      -0.5,
      -0.5,
      0,
      -0.5,
      -0.5,
      0,
      0.5,
      -0.5,
      0,
      -0.5,
      -0.5,
      HEIGHT,
      -0.5,
    ]);
    const frame = new BufferGeometry();
    frame.setAttribute("position", new BufferAttribute(box, 3));
    this.axes.add(new LineSegments(frame, new LineBasicMaterial({ color: "#444444" })));
    for (const t of ticks(w.x[0], w.x[1], 5)) {
      const [sx] = this.toScene(t, w.y[0], Number.NaN);
      this.axes.add(label(shortNumber(t), sx, -0.02, 0.58));
    }
    for (const t of ticks(w.y[0], w.y[1], 5)) {
      const [, , sz] = this.toScene(w.x[0], t, Number.NaN);
      this.axes.add(label(shortNumber(t), -0.6, -0.02, sz));
    }
    this.axes.add(label("x", 0, -0.09, 0.64), label("y", -0.68, -0.09, 0));
    const { lo, scale, top } = this.heights;
    for (const h of [0, 0.5, 1]) {
      const f = lo + scale * Math.expm1(h * top);
      this.axes.add(label(`f ${shortNumber(f)}`, -0.62, HEIGHT * h, -0.5));
    }
    if (!this.scene.children.includes(this.axes)) this.scene.add(this.axes);
  }

  /** −∇f as arrows lying on the surface (the map's gradient arrows, 9 × 9). */
  private rebuildArrows(on: boolean): void {
    for (const child of [...this.arrows.children]) {
      this.arrows.remove(child);
      (child as ArrowHelper).dispose();
    }
    if (!on || this.landscape === null || this.window === null) return;
    const w = this.window;
    const p = new Float64Array(2);
    const g = new Float64Array(2);
    const n = 9;
    const found: { x: number; y: number; gx: number; gy: number; norm: number }[] = [];
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        p[0] = w.x[0] + ((i + 0.5) * (w.x[1] - w.x[0])) / n;
        p[1] = w.y[0] + ((j + 0.5) * (w.y[1] - w.y[0])) / n;
        this.landscape.grad(p, g);
        const norm = Math.hypot(g[0], g[1]);
        if (Number.isFinite(norm) && norm > 0) found.push({ x: p[0], y: p[1], gx: g[0], gy: g[1], norm });
      }
    const largest = Math.max(...found.map((a) => a.norm));
    for (const a of found) {
      const f = this.landscape.f(Float64Array.of(a.x, a.y));
      const [sx, sy, sz] = this.toScene(a.x, a.y, f);
      // Scene x follows x, scene z follows −y: −∇f points (−g_x, +g_y) in scene x, z.
      const direction = new Vector3(-a.gx / (w.x[1] - w.x[0]), 0, a.gy / (w.y[1] - w.y[0])).normalize();
      const length = 0.07 * Math.sqrt(a.norm / largest) + 0.01;
      this.arrows.add(
        new ArrowHelper(direction, new Vector3(sx, sy + 0.01, sz), length, 0x222222, 0.02, 0.012),
      );
    }
    if (!this.scene.children.includes(this.arrows)) this.scene.add(this.arrows);
  }

  private pathsVersion = -1;

  /**
   * Thick lines (Line2, 4 px) that follow the surface: each step is cut into SUB pieces whose heights are f on the
   * way, so the path lies on the surface instead of cutting through it. A path that leaves the window stops at its
   * last iterate inside and gets a red cone there, shown once the timeline passes it.
   */
  private rebuildPaths(runs: readonly PathRun[]): void {
    for (const { line, head, exit } of this.paths) {
      this.scene.remove(line, head);
      line.geometry.dispose();
      line.material.dispose();
      (head.material as MeshBasicMaterial).dispose();
      if (exit) {
        this.scene.remove(exit);
        (exit.material as MeshBasicMaterial).dispose();
      }
    }
    this.paths = [];
    const w = this.window as Window2;
    const landscape = this.landscape as Landscape;
    const inWindow = (x: number, y: number) =>
      Number.isFinite(x) && Number.isFinite(y) && x >= w.x[0] && x <= w.x[1] && y >= w.y[0] && y <= w.y[1];
    const p = new Float64Array(2);
    const size = this.renderer.getSize(this.sizeScratch);
    for (const run of runs) {
      const t = run.trajectory;
      if (t === null) continue;
      let inside = 0;
      while (inside < t.stepsRun && inWindow(t.iterates[2 * inside + 2], t.iterates[2 * inside + 3]))
        inside++;
      if (!inWindow(t.iterates[0], t.iterates[1])) inside = 0;
      const positions = new Float32Array((inside + 1) * 3);
      const line: number[] = [];
      for (let k = 0; k <= inside; k++) {
        const [sx, sy, sz] = this.toScene(t.iterates[2 * k], t.iterates[2 * k + 1], t.loss[k]);
        positions.set([sx, sy + 0.012, sz], 3 * k);
        if (k === inside) {
          line.push(sx, sy + 0.012, sz);
          break;
        }
        for (let s = 0; s < SUB; s++) {
          const u = s / SUB;
          p[0] = t.iterates[2 * k] + u * (t.iterates[2 * k + 2] - t.iterates[2 * k]);
          p[1] = t.iterates[2 * k + 1] + u * (t.iterates[2 * k + 3] - t.iterates[2 * k + 1]);
          const [qx, qy, qz] = this.toScene(p[0], p[1], landscape.f(p));
          line.push(qx, qy + 0.012, qz);
        }
      }
      if (line.length < 6) line.push(line[0], line[1], line[2]);
      const geometry = new LineGeometry();
      geometry.setPositions(line);
      const material = new LineMaterial({ color: run.color, linewidth: 4 });
      material.resolution.set(size.x, size.y);
      const line2 = new Line2(geometry, material);
      const head = new Mesh(this.headGeometry, new MeshBasicMaterial({ color: run.color }));
      let exit: Mesh | null = null;
      if (inside < t.stepsRun) {
        exit = new Mesh(this.exitGeometry, new MeshBasicMaterial({ color: "#D55E00" }));
        exit.position.set(positions[3 * inside], positions[3 * inside + 1] + 0.03, positions[3 * inside + 2]);
        exit.rotation.x = Math.PI;
        this.scene.add(exit);
      }
      this.scene.add(line2, head);
      this.paths.push({ line: line2, head, exit, positions, inside });
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
      for (const path of this.paths) path.line.material.resolution.set(width, height);
    }
    this.renderer.render(this.scene, this.camera);
  }

  private readonly sizeScratch = new Vector2();
  private readonly headGeometry = new SphereGeometry(0.016, 12, 8);
  private readonly exitGeometry = new ConeGeometry(0.018, 0.05, 10);
}
