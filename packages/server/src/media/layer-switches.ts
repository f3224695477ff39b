/**
 * Simulcast layer switches until Janus makes them. Janus asks the publisher for a keyframe once
 * per switch and switches on the next keyframe of the wanted layer; a publisher's encoder may skip
 * a request that closely follows another (a switch down, then up at once), and the switch would
 * then wait for a keyframe that never comes. So a switch Janus has not reported (its `substream`
 * event) after `retryMs` is asked again, up to `maxAttempts` times in all.
 */
export class LayerSwitches {
  private readonly pending = new Map<string, { layer: number; attempts: number; timer: NodeJS.Timeout }>();

  constructor(
    private readonly ask: (mid: string, layer: number) => void,
    private readonly retryMs = 1_000,
    private readonly maxAttempts = 3,
  ) {}

  /** `layer` was just asked for on `mid`. */
  asked(mid: string, layer: number): void {
    this.forget(mid);
    this.schedule(mid, layer, 1);
  }

  /** Janus relays `layer` on `mid` now. */
  reached(mid: string, layer: number): void {
    if (this.pending.get(mid)?.layer === layer) this.forget(mid);
  }

  clear(): void {
    for (const mid of [...this.pending.keys()]) this.forget(mid);
  }

  private schedule(mid: string, layer: number, attempts: number): void {
    if (attempts >= this.maxAttempts) return;
    const timer = setTimeout(() => {
      this.pending.delete(mid);
      this.ask(mid, layer);
      this.schedule(mid, layer, attempts + 1);
    }, this.retryMs);
    timer.unref();
    this.pending.set(mid, { layer, attempts, timer });
  }

  private forget(mid: string): void {
    clearTimeout(this.pending.get(mid)?.timer);
    this.pending.delete(mid);
  }
}
