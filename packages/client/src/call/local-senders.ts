/**
 * Which of a peer connection's senders carry our camera and microphone (the local stream's
 * tracks), by kind. A device switch replaces exactly these: any other sender (a screen share
 * added later) is not ours to touch. Whatever attaches the local tracks registers their
 * senders here, so this stays the one place that knows them.
 */
export class LocalSenders {
  readonly #byKind = new Map<string, RTCRtpSender>();

  add(kind: string, sender: RTCRtpSender): void {
    this.#byKind.set(kind, sender);
  }

  /**
   * Sends `track` on our sender of its kind: RTCRtpSender.replaceTrack, same kind on the same
   * transceiver, so there is no renegotiation and no gap. False: no such sender (yet: tracks
   * attached later are taken from the local stream, which already holds the new one).
   */
  async replace(track: MediaStreamTrack): Promise<boolean> {
    const sender = this.#byKind.get(track.kind);
    if (!sender) return false;
    if (sender.track !== track) await sender.replaceTrack(track);
    return true;
  }
}
