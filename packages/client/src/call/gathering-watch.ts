/**
 * Spots a call that can never connect: candidate gathering finished without one local candidate
 * before the first connection. That is what a relay-only call (`iceTransportPolicy: "relay"`)
 * sees when the TURN server is unreachable or refuses our credentials: without it, the call
 * would sit in "connecting" until the connect timeout.
 *
 * Only before the first connection: during an ICE restart, an empty round (say, while the relay
 * server restarts) is left to ICE recovery, which retries until its own deadline.
 */
export class GatheringWatch {
  #candidates = 0;
  #everConnected = false;
  /** RTCPeerConnection `icecandidateerror`s of this round ("401 Unauthorized", "701 …"), for the error message. */
  readonly #errors: string[] = [];

  constructor(private readonly nothingGathered: (errors: readonly string[]) => void) {}

  candidate(): void {
    this.#candidates += 1;
  }

  candidateError(event: { errorCode?: number; errorText?: string; url?: string }): void {
    if (this.#errors.length < 8) this.#errors.push(`${event.errorCode ?? "?"} ${event.errorText ?? ""} (${event.url ?? "?"})`.trim());
  }

  connectionState(state: RTCPeerConnectionState): void {
    if (state === "connected") this.#everConnected = true;
  }

  gatheringState(state: RTCIceGatheringState): void {
    if (state === "gathering") {
      this.#candidates = 0;
      this.#errors.length = 0;
    } else if (state === "complete" && this.#candidates === 0 && !this.#everConnected) {
      this.nothingGathered([...this.#errors]);
    }
  }
}
