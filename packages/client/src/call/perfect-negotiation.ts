/**
 * The decisions of W3C/MDN "perfect negotiation", as pure functions so they can be tested
 * without a browser. `Call` applies them to a real RTCPeerConnection.
 * https://w3c.github.io/webrtc-pc/#perfect-negotiation-example
 */

/**
 * Which side yields when both offer at once. Roles must be opposite on the two sides and need
 * no extra message, so they come from the names both sides know: the lexicographically smaller
 * name (UTF-16 code-unit order, the same on every JavaScript engine) is polite.
 * An article (legacy) client knows nothing of rollback, so against one we are always polite.
 */
export function isPolite(localName: string, remoteName: string, remoteIsLegacy: boolean): boolean {
  if (remoteIsLegacy) return true;
  return localName < remoteName;
}

export interface NegotiationFlags {
  /** We are between starting setLocalDescription() for an offer and sending it. */
  makingOffer: boolean;
  /** We are applying a remote answer (signalingState is briefly still have-local-offer). */
  isSettingRemoteAnswerPending: boolean;
  signalingState: RTCSignalingState;
}

/** A remote offer collides when we are not in a state to take it: we are offering ourselves. */
export function isOfferCollision(descriptionType: RTCSdpType, flags: NegotiationFlags): boolean {
  const readyForOffer =
    !flags.makingOffer && (flags.signalingState === "stable" || flags.isSettingRemoteAnswerPending);
  return descriptionType === "offer" && !readyForOffer;
}

/**
 * The impolite side ignores a colliding offer (its own offer wins); the polite side accepts it,
 * and setRemoteDescription() rolls its own offer back implicitly.
 */
export function shouldIgnoreOffer(polite: boolean, offerCollision: boolean): boolean {
  return !polite && offerCollision;
}
