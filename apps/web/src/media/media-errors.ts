/** Human messages for camera/microphone failures (the DOMException names getUserMedia rejects with). */

export interface MediaProblem {
  /** The DOMException name, or "Error" when unknown. */
  name: string;
  /** What to tell the user. */
  message: string;
}

export function describeMediaError(error: unknown, what = "camera or microphone"): MediaProblem {
  const name = error instanceof Error || (typeof error === "object" && error !== null && "name" in error)
    ? String((error as { name: unknown }).name)
    : "Error";
  switch (name) {
    case "NotFoundError":
    case "DevicesNotFoundError":
      return { name, message: `No ${what} was found. Plug one in, or continue without it.` };
    case "NotAllowedError":
    case "PermissionDeniedError":
    case "SecurityError":
      return {
        name,
        message: `Access to your ${what} was blocked. Allow it in the browser's site settings, then try again.`,
      };
    case "NotReadableError":
    case "TrackStartError":
      return {
        name,
        message: `Your ${what} is in use by another application or could not be started. Close the other app and try again.`,
      };
    case "OverconstrainedError":
    case "ConstraintNotSatisfiedError":
      return { name, message: `Your ${what} does not support the requested settings.` };
    case "AbortError":
      return { name, message: `Starting your ${what} was interrupted. Try again.` };
    case "TypeError":
      return { name, message: "Camera and microphone need a secure (https) page." };
    default:
      return { name, message: `Your ${what} could not be started.` };
  }
}
