import { BusUnavailableError } from "../bus/bus.js";
import { ProtocolError } from "../wire/protocol-error.js";

/** A store operation for a user's request: the store being unreachable is the user's `unavailable`. */
export async function untilStored<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof BusUnavailableError) throw new ProtocolError("unavailable");
    throw error;
  }
}
