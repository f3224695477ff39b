import type { AppPage } from "./app-page.js";

const SAMPLE_EVERY_MS = 200;

export interface FrameReport {
  name: string;
  /** Frames decoded while watched. */
  rise: number;
  /** The longest time between two rises (at the sampling's resolution, 200 ms). */
  longestStallMs: number;
}

export interface FrameWatch {
  /** Stops sampling: one report per user, in the order given; throws if a sample failed. */
  stop(): Promise<FrameReport[]>;
}

/**
 * Samples each user's inbound `framesDecoded` every 200 ms until `stop()`: an
 * `expectMediaFlowing` before and after an event cannot tell whether video froze in between.
 * A failed sample (the page closed after a failed test) ends that user's sampling quietly;
 * stop() reports it.
 */
export function watchFrames(...users: AppPage[]): FrameWatch {
  let watching = true;
  const loops = users.map(async (user): Promise<FrameReport | Error> => {
    try {
      const first = await user.framesDecoded();
      let last = first;
      let risenAt = Date.now();
      let longestStallMs = 0;
      while (watching) {
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
        const frames = await user.framesDecoded();
        const now = Date.now();
        longestStallMs = Math.max(longestStallMs, now - risenAt);
        if (frames > last) risenAt = now;
        last = frames;
      }
      return { name: user.name, rise: last - first, longestStallMs };
    } catch (error) {
      return error as Error;
    }
  });
  return {
    async stop() {
      watching = false;
      const reports = await Promise.all(loops);
      const failure = reports.find((report) => report instanceof Error);
      if (failure) throw failure;
      return reports as FrameReport[];
    },
  };
}
