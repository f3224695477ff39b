import { PROTOCOL_VERSION, type IceServer, type ModeratedMessage, type WelcomeMessage } from "@switchboard/protocol";
import type { OutgoingMessage } from "./signaling-types.js";

/**
 * What the client keeps of its server session across connections: who we are, what the last
 * welcome said, and how to take the session back after a drop (the resume token, and how many
 * frames arrived since the session's first welcome, numbered as the server numbers them).
 */
export class SessionMemory {
  /** Our name once logged in (the server's final choice), else null. */
  name: string | null = null;
  /** The server's id for the current socket. */
  sessionId: string | null = null;
  welcome: WelcomeMessage | null = null;
  /** From the welcome, replaced by each `ice-servers` (fresh TURN credentials). */
  iceServers: IceServer[] = [];
  /** The password of the room we log into (options.password, then joinRoom()'s or our own setPassword()'s). */
  roomPassword: string | undefined;
  /** The `moderated` that removed us, once it came (the close that follows says no more). */
  removal: ModeratedMessage | null = null;
  #resumeToken: string | null = null;
  #received = 0;
  #counting = false;

  /**
   * The `hello` for a new connection: resuming when the server offered that, in `room` if
   * given, with the sign-in token and the room's password when there are.
   */
  hello(room: string | null, token?: string): OutgoingMessage {
    const resume = this.#resumeToken === null ? {} : { resume: this.#resumeToken, received: this.#received };
    const password = this.roomPassword;
    return {
      type: "hello",
      protocol: PROTOCOL_VERSION,
      ...resume,
      ...(room === null ? {} : { room }),
      ...(token === undefined ? {} : { token }),
      ...(password === undefined ? {} : { password }),
    };
  }

  /** The handshake's welcome arrived. */
  welcomed(welcome: WelcomeMessage): void {
    this.welcome = welcome;
    this.#resumeToken = welcome.resumeToken ?? null;
    this.iceServers = welcome.iceServers;
  }

  /** Frames after this welcome are numbered: from 0 on a new session, continuing on a resumed one. */
  startCounting(welcome: WelcomeMessage): void {
    if (welcome.resumed !== true) this.#received = 0;
    this.#counting = true;
  }

  /** The socket is gone: nothing more arrives on it. */
  stopCounting(): void {
    this.#counting = false;
  }

  /** One frame arrived; every frame after the welcome counts, valid or not (the server's numbering does not judge). */
  frameReceived(): void {
    if (this.#counting) this.#received += 1;
  }

  get received(): number {
    return this.#received;
  }
}
