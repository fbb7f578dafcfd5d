/**
 * The timeline's playback: advances the cursor on animation frames at a speed in steps per second,
 * and records frame intervals and drawing times (the performance report reads them).
 */
export interface PlaybackHooks {
  steps(): number;
  cursor(): number;
  /** Speed factor: 1× plays a whole run in 5 s (at least 6 steps a second). */
  speed(): number;
  /** Shows step k (draws the views). */
  show(cursor: number): void;
  /** Called with true when playback starts, false when it stops. */
  playing(on: boolean): void;
}

export class Playback {
  private on = false;
  private clock = 0;
  private position = 0;
  /** Intervals between animation frames while playing, in ms. */
  frames: number[] = [];
  /** Time `show` took on each frame that moved the cursor, in ms. */
  frameWork: number[] = [];

  constructor(private readonly hooks: PlaybackHooks) {}

  get playing(): boolean {
    return this.on;
  }

  play(): void {
    if (this.on) return;
    this.on = true;
    this.hooks.playing(true);
    const steps = this.hooks.steps();
    this.position = this.hooks.cursor() >= steps ? 0 : this.hooks.cursor();
    if (this.position !== this.hooks.cursor()) this.hooks.show(this.position);
    this.clock = performance.now();
    this.frames = [];
    this.frameWork = [];
    const frame = (now: number) => {
      if (!this.on) return;
      // A frame's timestamp can precede the performance.now() taken in play(): never step backwards.
      const dt = Math.max(0, now - this.clock);
      this.clock = now;
      this.frames.push(dt);
      const total = this.hooks.steps();
      const perSecond = Math.max(6, total / 5) * this.hooks.speed();
      this.position = Math.min(total, Math.max(0, this.position + (perSecond * dt) / 1000));
      const cursor = Math.floor(this.position);
      if (cursor !== this.hooks.cursor()) {
        const began = performance.now();
        this.hooks.show(cursor);
        this.frameWork.push(performance.now() - began);
      }
      if (cursor >= total) {
        this.pause();
        return;
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  pause(): void {
    if (!this.on) return;
    this.on = false;
    this.hooks.playing(false);
  }
}
