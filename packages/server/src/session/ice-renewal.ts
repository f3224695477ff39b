import type { IceServerProvider } from "../ice/ice-servers.js";
import { encodeMessage } from "../wire/outgoing.js";
import type { Frame } from "../wire/frame.js";

/** With a TURN secret, a modern user gets its own credentials at login and again before each expiry. */
export class IceRenewal {
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly iceServers: IceServerProvider) {}

  start(user: string, send: (frame: Frame) => void): void {
    const { iceServers } = this;
    if (!iceServers.issuesCredentials) return;
    const renew = () => send(encodeMessage({ type: "ice-servers", ...iceServers.forUser(user) }));
    renew();
    this.#timer = setInterval(renew, iceServers.renewalDelayMs());
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
