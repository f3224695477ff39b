import type { Page } from "playwright-core";

/**
 * Page instrumentation for "from the callee's Accept click to both remote videos playing".
 * Times are epoch milliseconds from the page's high-resolution clock (performance.timeOrigin +
 * a DOM timestamp), so the two users' pages, on one machine, compare to well under a millisecond.
 *
 * - The click: a capturing listener stamps the Accept button's click event (`event.timeStamp`),
 *   i.e. when Chromium dispatched the user's input, before the app's handler runs.
 * - Playing: `requestVideoFrameCallback` on the call's remote <video> fires when its first frame
 *   is presented, which needs a decoded frame: exactly what the user sees.
 */
const ARM_SCRIPT = () => {
  const state: { click: number | null; firstFrame: number | null } = { click: null, firstFrame: null };
  (window as unknown as { __acceptTiming: typeof state }).__acceptTiming = state;
  const epoch = (domTime: number) => performance.timeOrigin + domTime;
  document.addEventListener(
    "click",
    (event) => {
      const button = (event.target as Element | null)?.closest("button");
      if (state.click === null && button?.getAttribute("aria-label")?.startsWith("Accept call from")) state.click = epoch(event.timeStamp);
    },
    { capture: true },
  );
  const video = document.querySelector<HTMLVideoElement>(".remote-video");
  video?.requestVideoFrameCallback((now) => {
    state.firstFrame = epoch(now);
  });
};

/** Arms both pages before the call is placed. */
export async function armAcceptTiming(...pages: Page[]): Promise<void> {
  await Promise.all(pages.map((page) => page.evaluate(ARM_SCRIPT)));
}

interface Marks {
  click: number | null;
  firstFrame: number | null;
}

async function marks(page: Page): Promise<Marks> {
  return page.evaluate(() => (window as unknown as { __acceptTiming: Marks }).__acceptTiming);
}

export interface AcceptToMedia {
  /** From the Accept click to the later of the two remote videos' first frame. */
  bothMs: number;
  /** ... to the caller's first frame of the callee, and the callee's of the caller. */
  callerSeesMs: number;
  calleeSeesMs: number;
}

/** Waits until both remote videos presented a frame; times from the Accept click. */
export async function acceptToMedia(caller: Page, callee: Page, timeout = 15_000): Promise<AcceptToMedia> {
  const poll = { timeout, polling: 10 };
  const presented = () => (window as unknown as { __acceptTiming: Marks }).__acceptTiming.firstFrame !== null;
  await Promise.all([caller.waitForFunction(presented, undefined, poll), callee.waitForFunction(presented, undefined, poll)]);
  const [callerMarks, calleeMarks] = await Promise.all([marks(caller), marks(callee)]);
  const click = calleeMarks.click;
  if (click === null) throw new Error("acceptToMedia: the Accept click was not seen");
  const callerSeesMs = callerMarks.firstFrame! - click;
  const calleeSeesMs = calleeMarks.firstFrame! - click;
  return { bothMs: Math.max(callerSeesMs, calleeSeesMs), callerSeesMs, calleeSeesMs };
}
