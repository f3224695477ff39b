import { describeMediaError, type MediaProblem } from "./media-errors.js";

export interface LocalMedia {
  /** null: receive-only (no camera and no microphone could be opened). */
  stream: MediaStream | null;
  /** "audio+video", "audio", "video" or "none". */
  kind: "audio+video" | "audio" | "video" | "none";
  /** Problems met on the way; empty when everything was granted. */
  problems: MediaProblem[];
}

type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>;

/** A 1:1 call's camera size. */
export const VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 } };

/**
 * A group call sends one copy of the camera per participant (a mesh): ask for less. `?video=WxH` (or
 * `WxH@fps`) in the page URL caps it further (slow uplinks; the e2e suite's many users on two cores).
 */
export function groupVideoConstraints(search: string = globalThis.location?.search ?? ""): MediaTrackConstraints {
  const size = /^(\d{2,4})x(\d{2,4})(?:@(\d{1,2}))?$/.exec(new URLSearchParams(search).get("video") ?? "");
  if (size) {
    const [, width, height, frameRate] = size;
    return { width: { ideal: Number(width) }, height: { ideal: Number(height) }, ...(frameRate ? { frameRate: { ideal: Number(frameRate) } } : {}) };
  }
  return { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } };
}

/**
 * Opens camera and microphone, falling back to microphone only, then camera only, then
 * receive-only, so a call still works without a camera. Every failure is reported. `video` and
 * `audio` may name preferred devices (see DeviceController.constraints).
 */
export async function openLocalMedia(
  getUserMedia: GetUserMedia | undefined = navigator.mediaDevices?.getUserMedia.bind(navigator.mediaDevices),
  video: MediaTrackConstraints = VIDEO,
  audio: MediaTrackConstraints | true = true,
): Promise<LocalMedia> {
  const problems: MediaProblem[] = [];
  if (!getUserMedia) {
    problems.push(describeMediaError(new TypeError("mediaDevices unavailable")));
    return { stream: null, kind: "none", problems };
  }
  try {
    return { stream: await getUserMedia({ audio, video }), kind: "audio+video", problems };
  } catch (error) {
    problems.push(describeMediaError(error));
    // Permission refused for the pair: asking again for one device rarely helps, but a missing
    // or busy camera is common, so try each device alone.
  }
  try {
    return { stream: await getUserMedia({ audio, video: false }), kind: "audio", problems };
  } catch (error) {
    problems.push(describeMediaError(error, "microphone"));
  }
  try {
    return { stream: await getUserMedia({ audio: false, video }), kind: "video", problems };
  } catch (error) {
    problems.push(describeMediaError(error, "camera"));
  }
  return { stream: null, kind: "none", problems };
}

/** What to say when the call continues with less than camera + microphone. */
export function fallbackNotice(media: LocalMedia): string | null {
  const first = media.problems[0];
  if (!first) return null;
  switch (media.kind) {
    case "audio":
      return `${first.message} The call continues with audio only.`;
    case "video":
      return `${first.message} The call continues without your microphone.`;
    case "none":
      return `${first.message} You can still see and hear the other person, but they can't see or hear you.`;
    default:
      return null;
  }
}

export function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
