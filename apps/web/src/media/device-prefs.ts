import type { DeviceKind } from "@switchboard/client";
import { z } from "zod";

/** The devices the user picked last, by kind; null: the browser's default. */
export type DevicePrefs = Record<DeviceKind, string | null>;

const STORAGE_KEY = "switchboard.devices";
const NONE: DevicePrefs = { camera: null, microphone: null, speaker: null };

// What is stored may be anything (another version of the app, a hand edit): bounded, or forgotten.
const deviceId = z.string().min(1).max(256).nullable().catch(null);
const storedPrefs = z.object({ camera: deviceId, microphone: deviceId, speaker: deviceId });

/** Reads the remembered choices; anything unreadable counts as no choice. */
export function loadDevicePrefs(storage: Pick<Storage, "getItem"> | undefined = globalThis.localStorage): DevicePrefs {
  try {
    const parsed = storedPrefs.safeParse(JSON.parse(storage?.getItem(STORAGE_KEY) ?? "null"));
    return parsed.success ? parsed.data : { ...NONE };
  } catch {
    return { ...NONE };
  }
}

/** Remembers the choices for next time (a full or private-mode storage just forgets). */
export function saveDevicePrefs(prefs: DevicePrefs, storage: Pick<Storage, "setItem"> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(prefs));
  } catch {
    // Not remembered: the choice still holds for this page.
  }
}
