import { groupVideoConstraints } from "./local-media.js";

/**
 * What a screen share asks of the capture: 15 frames a second at most (text stays sharp, the
 * uplink is spared: a mesh sends one copy per participant). `?video=WxH@fps` in the page URL
 * caps it like the camera (the e2e suite's many users on two cores).
 */
export function screenVideoConstraints(search: string = globalThis.location?.search ?? ""): MediaTrackConstraints {
  const DEFAULT: MediaTrackConstraints = { frameRate: { max: 15 } };
  if (!new URLSearchParams(search).has("video")) return DEFAULT;
  const { width, height, frameRate } = groupVideoConstraints(search);
  const cap = (value: MediaTrackConstraints["width"]) => (typeof value === "object" && value.ideal !== undefined ? { max: value.ideal } : undefined);
  return { ...DEFAULT, ...definedOnly({ width: cap(width), height: cap(height), frameRate: cap(frameRate) }) };
}

/** Opens the screen capture: the browser asks which screen, window or tab. Call it from a click. */
export function openScreenCapture(): Promise<MediaStream> {
  return navigator.mediaDevices.getDisplayMedia({ video: screenVideoConstraints(), audio: false });
}

/** What to tell the user when a screen share did not start; closing the picker is no error. */
export function screenShareFailure(error: unknown): { message: string; kind: "info" | "warning" } {
  const name = typeof error === "object" && error !== null && "name" in error ? String((error as { name: unknown }).name) : "";
  if (name === "NotAllowedError" || name === "AbortError") return { message: "Screen sharing was cancelled.", kind: "info" };
  if (name === "NotFoundError") return { message: "There is no screen, window or tab to share.", kind: "warning" };
  if (name === "TypeError" && !navigator.mediaDevices?.getDisplayMedia) return { message: "This browser cannot share a screen.", kind: "warning" };
  return { message: `Your screen could not be shared: ${error instanceof Error ? error.message : String(error)}`, kind: "warning" };
}

function definedOnly<T extends object>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}
