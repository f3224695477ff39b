import type { CallMessage } from "@switchboard/protocol";
import type { SignalingClient } from "../signaling/signaling-client.js";
import type { IncomingCallMessage } from "../signaling/signaling-types.js";
import { TypedEmitter, type Disposer } from "../typed-emitter.js";
import { Call, type NegotiationMessage } from "./call.js";
import { CallContinuity } from "./call-continuity.js";
import { CallSession, type CallSessionController } from "./call-session.js";
import type { CallEndReason } from "./call-state.js";
import { DEFAULT_CALL_MANAGER_OPTIONS, type CallManagerEvents, type CallManagerOptions, type LocalMedia } from "./call-manager-options.js";
import { MediaOwnership } from "./media-ownership.js";
import { isPolite } from "./perfect-negotiation.js";
import { reportSetupOnConnect } from "./setup-report.js";
import { sharedCallOptions } from "./shared-call-options.js";
import { isGroupCallId } from "../group/group-roles.js";

export { DEFAULT_CALL_MANAGER_OPTIONS, type CallManagerEvents, type CallManagerOptions, type LocalMedia };

/** The callee keeps ringing this much longer than the caller, so the caller's cancel wins. */
const CALLEE_RING_GRACE_MS = 2_000;

interface Timers {
  ring?: ReturnType<typeof setTimeout>;
  connect?: ReturnType<typeof setTimeout>;
}

/**
 * 1:1 calls over a SignalingClient, one at a time: ringing, a Call per accepted call, hang-up.
 *
 * Article clients (listed `legacy`) never ring: calling one sends the offer straight away, and
 * an offer from one (with no invite) rings here as an incoming call. Their messages carry no
 * call id, so calls are matched by the remote user's name.
 */
export class CallManager {
  readonly options: Readonly<CallManagerOptions>;
  readonly #events = new TypedEmitter<CallManagerEvents>();
  readonly #subscriptions: Disposer[];
  readonly #timers = new WeakMap<CallSession, Timers>();
  readonly #controller: CallSessionController = {
    accept: (session, stream) => this.#accept(session, stream),
    decline: (session) => this.#decline(session),
    hangUp: (session) => this.#hangUp(session),
    send: (session, message) => this.#sendTo(session.remote, { ...message, callId: session.id }),
  };
  /** Local media of outgoing calls, being obtained while it rings. */
  readonly #pendingStreams = new WeakMap<CallSession, Promise<MediaStream | null>>();
  /** What local media the SDK opened, so that it stops it when the call ends. */
  readonly #media = new MediaOwnership<CallSession>((session) => session.state === "ended");
  /** Signaling outages: which calls survive them (see CallContinuity). */
  readonly #continuity: CallContinuity;
  #current: CallSession | null = null;
  /** Lets go of our busy status (see SignalingClient.holdBusy) when the current call ends. */
  #releaseBusy: Disposer | null = null;

  constructor(
    readonly signaling: SignalingClient,
    options: Partial<CallManagerOptions> = {},
  ) {
    const createCallId = options.createCallId ?? (() => globalThis.crypto.randomUUID());
    this.options = Object.freeze({
      RTCPeerConnection: undefined,
      MediaStream: undefined,
      ...DEFAULT_CALL_MANAGER_OPTIONS,
      ...options,
      createCallId,
    });
    this.#subscriptions = [
      signaling.on("signal", (message) => this.#onSignal(message)),
      signaling.on("ice-servers", (iceServers) => {
        if (!this.options.rtcConfiguration.iceServers) this.#current?.call?.setIceServers([...iceServers]);
      }),
    ];
    this.#continuity = new CallContinuity(
      { signaling, current: () => this.#current, end: (session, reason, notify) => this.#end(session, reason, notify) },
      this.options.rejoinGraceMs,
    );
  }

  on<E extends keyof CallManagerEvents>(event: E, listener: CallManagerEvents[E]): Disposer {
    return this.#events.on(event, listener);
  }

  /** The call in progress (ringing or connected), or null. */
  get current(): CallSession | null {
    return this.#current;
  }

  /**
   * Calls `remote`. Rings (state "outgoing-ringing") until accepted, declined, cancelled or timed
   * out; an article client is offered to at once (state "connecting"). Throws if already in a
   * call, not logged in, or calling ourselves. `options.localStream` overrides the manager's
   * local media for this call, and stays the app's to stop.
   */
  call(remote: string, options: { localStream?: MediaStream | null; media?: { audio: boolean; video: boolean } } = {}): CallSession {
    const self = this.signaling.name;
    if (self === null) throw new Error("CallManager.call: log in first.");
    if (remote === self) throw new Error("CallManager.call: cannot call yourself.");
    if (this.#current) throw new Error(`CallManager.call: already in a call with ${this.#current.remote}.`);
    if (this.signaling.busy) throw new Error("CallManager.call: busy (in a group call).");
    const legacy = this.signaling.user(remote)?.legacy ?? false;
    const session = new CallSession({ id: this.options.createCallId(), remote, direction: "outgoing", legacy }, this.#controller);
    // Start getting the camera now, in parallel with ringing.
    const localStream = this.#localStream(session, options.localStream);
    this.#begin(session);

    if (legacy) {
      this.#startConnecting(session);
      void this.#startPeer(session, true, localStream);
      return session;
    }
    session.transition("outgoing-ringing");
    this.#timersOf(session).ring = setTimeout(() => this.#end(session, "no-answer", true), this.options.ringTimeoutMs);
    const media = options.media ?? { audio: true, video: true };
    this.signaling.request({ type: "call-invite", target: remote, callId: session.id, media }).catch((error: unknown) => {
      const code = (error as { code?: unknown }).code;
      const reason = code === "unknown-target" ? "unavailable" : code === "connection-lost" || code === "closed" ? "signaling-lost" : "error";
      if (session.state === "outgoing-ringing") this.#end(session, reason, false);
    });
    this.#pendingStreams.set(session, localStream);
    // The offer follows the invite (same socket, same target: in order), media held.
    if (this.options.connectWhileRinging) void this.#startPeer(session, true, localStream);
    return session;
  }

  /** Hangs up any call and stops listening to signaling. */
  dispose(): void {
    if (this.#current) this.#hangUp(this.#current);
    for (const dispose of this.#subscriptions.splice(0)) dispose();
    this.#continuity.dispose();
  }

  // --- incoming signals ------------------------------------------------------------------------

  #onSignal(message: IncomingCallMessage): void {
    if (isGroupCallId(message.callId)) return; // A group call's pair: GroupCall's.
    const session = this.#current;
    const partner = session?.remote === message.from ? session : null;
    // Article clients send no callId; a modern partner's stale messages carry an old one.
    const sameCall = partner !== null && (message.callId === undefined || partner.legacy || message.callId === partner.id);
    switch (message.type) {
      case "call-invite":
        return this.#onInvite(message);
      case "call-accept":
        if (sameCall && partner.state === "outgoing-ringing") void this.#onAccepted(partner);
        return;
      case "call-decline":
        if (sameCall && partner.state === "outgoing-ringing") this.#end(partner, message.reason, false);
        return;
      case "call-cancel":
        if (sameCall && partner.direction === "incoming") this.#end(partner, "cancelled", false);
        return;
      case "hang-up":
        if (sameCall) this.#end(partner, remoteEndReason(message.reason), false);
        return;
      case "media-state":
        if (sameCall) partner.remoteScreen(message.screen ?? null);
        return;
      case "video-offer":
      case "video-answer":
      case "new-ice-candidate":
        if (sameCall && message.type === "video-offer") this.#answerWhileRinging(partner);
        if (sameCall) partner.deliver(message as NegotiationMessage);
        else if (message.type === "video-offer" && message.callId === undefined) this.#onArticleOffer(message);
        // An offer for a call that ended here while the other side was away: tell it so.
        else if (message.type === "video-offer" && message.callId !== partner?.id) this.#sendTo(message.from, { type: "hang-up", callId: message.callId });
        return;
    }
  }

  #onInvite(invite: Extract<IncomingCallMessage, { type: "call-invite" }>): void {
    const current = this.#current;
    if (current?.remote === invite.from && current.state === "outgoing-ringing") {
      // Both called each other at once: the polite side takes the other's call, the impolite
      // side ignores this invite and will get an accept for its own.
      if (isPolite(this.signaling.name ?? "", invite.from, false)) {
        current.detach();
        current.adoptId(invite.callId);
        void this.#accept(current, this.#pendingStreams.get(current));
      }
      return;
    }
    if (current) {
      if (current.remote !== invite.from || current.id !== invite.callId) {
        this.#sendTo(invite.from, { type: "call-decline", callId: invite.callId, reason: "busy" });
      }
      return;
    }
    if (this.signaling.busy) {
      // In a group call: busy for 1:1 calls.
      this.#sendTo(invite.from, { type: "call-decline", callId: invite.callId, reason: "busy" });
      return;
    }
    const session = new CallSession(
      { id: invite.callId, remote: invite.from, direction: "incoming", legacy: false, media: invite.media },
      this.#controller,
    );
    this.#ringIn(session);
  }

  /** An offer with no invite: an article client calling (it expects an answer, no ringing). */
  #onArticleOffer(offer: Extract<IncomingCallMessage, { type: "video-offer" }>): void {
    if (this.#current || this.signaling.busy) {
      // The article's client knows no "busy": a hang-up ends its attempt.
      this.#sendTo(offer.from, { type: "hang-up" });
      return;
    }
    const session = new CallSession(
      { id: this.options.createCallId(), remote: offer.from, direction: "incoming", legacy: true },
      this.#controller,
    );
    session.deliver(offer as NegotiationMessage);
    this.#ringIn(session);
  }

  #ringIn(session: CallSession): void {
    this.#begin(session);
    session.transition("incoming-ringing");
    const ringMs = this.options.ringTimeoutMs + CALLEE_RING_GRACE_MS;
    this.#timersOf(session).ring = setTimeout(() => this.#end(session, "no-answer", false), ringMs);
    this.#events.emit("incoming-call", session);
  }

  // --- the user's actions ----------------------------------------------------------------------

  async #accept(session: CallSession, explicit: MediaStream | null | undefined | Promise<MediaStream | null>): Promise<void> {
    const glare = session.direction === "outgoing" && session.state === "outgoing-ringing";
    if (session.state !== "incoming-ringing" && !glare) {
      throw new Error(`CallSession.accept: the call is ${session.state}, not ringing.`);
    }
    this.#startConnecting(session);
    const stream = explicit instanceof Promise ? explicit : this.#localStream(session, explicit);
    // Accept at once: the caller starts its media while our camera opens. An offer that comes
    // before our peer connection exists waits in the session.
    if (!session.legacy) this.#sendTo(session.remote, { type: "call-accept", callId: session.id });
    const call = session.call;
    if (!call) return this.#startPeer(session, false, stream);
    const media = await stream;
    if (!session.active) return;
    await call.sendMedia(media);
    this.#connectedAlready(session);
  }

  #decline(session: CallSession): void {
    if (session.state !== "incoming-ringing") return;
    if (session.legacy) this.#sendTo(session.remote, { type: "hang-up" });
    else this.#sendTo(session.remote, { type: "call-decline", callId: session.id, reason: "declined" });
    this.#end(session, "declined", false);
  }

  #hangUp(session: CallSession): void {
    if (session.state === "incoming-ringing") return this.#decline(session);
    this.#end(session, session.state === "outgoing-ringing" ? "cancelled" : "hung-up", true);
  }

  // --- call life -------------------------------------------------------------------------------

  async #onAccepted(session: CallSession): Promise<void> {
    this.#startConnecting(session);
    const call = session.call;
    if (call) {
      await call.sendMedia();
      this.#connectedAlready(session);
    } else if (!this.options.connectWhileRinging) {
      await this.#startPeer(session, true, this.#pendingStreams.get(session) ?? Promise.resolve(null));
    }
    // Else the peer connection is on its way (camera still opening) and starts unheld.
  }

  /** The callee, on the caller's offer while it rings: a peer connection that answers it, media held. */
  #answerWhileRinging(session: CallSession): void {
    if (!this.options.connectWhileRinging || session.state !== "incoming-ringing" || session.call || session.legacy) return;
    this.#createCall(session, false, null);
  }

  /** Creates the Call once local media is known; the initiator's tracks start negotiation. */
  async #startPeer(session: CallSession, initiator: boolean, localStream: Promise<MediaStream | null>): Promise<void> {
    const id = session.id;
    const stream = await localStream;
    // Ended while the camera was opening, or another start won: the accept (if it came first),
    // or the answer to the other side's invite (glare: we took its id).
    if (!session.active || session.call || session.id !== id) return;
    this.#createCall(session, initiator, stream);
  }

  /** A Call for `session`; while it still rings its media is held until the accept. */
  #createCall(session: CallSession, initiator: boolean, stream: MediaStream | null): void {
    let call: Call;
    try {
      call = new Call({
        remote: session.remote,
        callId: session.legacy ? undefined : session.id,
        polite: isPolite(this.signaling.name ?? "", session.remote, session.legacy),
        initiator,
        localStream: stream,
        holdMedia: isRinging(session),
        send: (message) => this.signaling.send(message),
        ...sharedCallOptions(this.options, this.signaling.iceServers),
      });
    } catch (error) {
      this.#events.emit("error", error);
      this.#end(session, "error", true);
      return;
    }
    // A call dropped for another (invite glare) no longer speaks for the session.
    call.on("connection-state", (state) => {
      if (state === "connected" && session.call === call) this.#connectedAlready(session);
    });
    call.on("ended", (reason) => {
      if (session.call === call) this.#end(session, reason, true);
    });
    call.on("error", (error) => this.#events.emit("error", error));
    session.attach(call);
  }

  /** Accepted: ringing is over, and the media connection has connectTimeoutMs to come up. */
  #startConnecting(session: CallSession): void {
    this.#clearRing(session);
    session.transition("connecting");
    this.#timersOf(session).connect = setTimeout(() => {
      if (session.state === "connecting") this.#end(session, "connection-failed", true);
    }, this.options.connectTimeoutMs);
  }

  /** "connected" once accepted and the peer connection is (maybe since ringing) connected. */
  #connectedAlready(session: CallSession): void {
    if (session.state !== "connecting" || session.call?.connectionState !== "connected") return;
    clearTimeout(this.#timersOf(session).connect);
    session.transition("connected");
  }

  #begin(session: CallSession): void {
    this.#current = session;
    reportSetupOnConnect(session, this.signaling, "direct");
    this.#releaseBusy = this.signaling.holdBusy();
    this.#events.emit("call", session);
  }

  /** Ends `session`; `notify` tells the other side (cancel while ringing, else hang-up). */
  #end(session: CallSession, reason: CallEndReason, notify: boolean): void {
    if (!session.active) return;
    const timers = this.#timersOf(session);
    clearTimeout(timers.ring);
    clearTimeout(timers.connect);
    if (notify) {
      if (session.state === "outgoing-ringing") this.#sendTo(session.remote, { type: "call-cancel", callId: session.id });
      else if (session.legacy) this.#sendTo(session.remote, { type: "hang-up" });
      // A failed connection says so, so the other side does not report a plain hang-up.
      else this.#sendTo(session.remote, { type: "hang-up", callId: session.id, ...(reason === "connection-failed" ? { reason } : {}) });
    }
    this.#pendingStreams.delete(session);
    this.#continuity.forget(session);
    if (this.#current === session) {
      this.#current = null;
      this.#releaseBusy?.();
      this.#releaseBusy = null;
    }
    session.finish(reason);
    this.#media.release(session);
  }

  // --- helpers ---------------------------------------------------------------------------------

  /**
   * Resolves the local stream: `explicit` if given (the app's, never stopped here), else the
   * manager's `localMedia` (stopped at the call's end when a function opened it; see
   * MediaOwnership); failures mean receive-only.
   */
  #localStream(session: CallSession, explicit: MediaStream | null | undefined): Promise<MediaStream | null> {
    const source = explicit !== undefined ? explicit : this.options.localMedia;
    const stream = this.#media.acquire(session, source, (error) => this.#events.emit("error", error));
    session.useLocalStream(stream);
    return stream;
  }

  #sendTo(target: string, message: Omit<CallMessage, "target" | "name"> & { type: CallMessage["type"] }): void {
    this.signaling.send({ ...message, target });
  }

  #timersOf(session: CallSession): Timers {
    let timers = this.#timers.get(session);
    if (!timers) this.#timers.set(session, (timers = {}));
    return timers;
  }

  #clearRing(session: CallSession): void {
    clearTimeout(this.#timersOf(session).ring);
  }
}

function isRinging(session: CallSession): boolean {
  return session.state === "outgoing-ringing" || session.state === "incoming-ringing";
}

/** A `hang-up`'s reason: "gone" from the server, "connection-failed" from a peer whose media failed. */
function remoteEndReason(reason: string | undefined): CallEndReason {
  return reason === "gone" || reason === "connection-failed" ? reason : "remote-hung-up";
}
