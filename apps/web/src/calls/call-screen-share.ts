import type { Notices } from "../views/notices.js";
import type { ScreenShareButton } from "../views/screen-share-button.js";
import type { Presentation, ScreenTiles } from "../views/screen-tiles.js";
import { screenShareFailure } from "../media/screen-media.js";
import type { PortCall } from "./call-port.js";

export interface CallScreenShare {
  /** Follows this call's screen shares; returns the disposer. */
  adopt(call: PortCall): () => void;
  /** The toggle: shares, or stops sharing. */
  toggle(): void;
  /** The call is over: no shares on show. */
  reset(): void;
}

/** A 1:1 call's screen shares in the UI: the toggle's state, the tiles, and a calm word when the user cancels. */
export function createCallScreenShare(view: { button: ScreenShareButton; tiles: ScreenTiles }, notices: Notices): CallScreenShare {
  let call: PortCall | null = null;
  let mine: MediaStream | null = null;
  let theirs: MediaStream | null = null;

  function render(): void {
    const shown: Presentation[] = [];
    if (theirs && call) shown.push({ presenter: call.peer, self: false, stream: theirs });
    if (mine) shown.push({ presenter: "", self: true, stream: mine });
    view.tiles.render(shown);
    view.button.setSharing(mine !== null);
  }

  function reset(): void {
    call = null;
    mine = theirs = null;
    render();
  }

  return {
    adopt(next) {
      call = next;
      return next.onScreenShare((self, stream) => {
        if (call !== next) return;
        if (self) mine = stream;
        else theirs = stream;
        render();
      });
    },
    toggle() {
      const current = call;
      if (!current) return;
      if (mine) return current.stopScreenShare();
      current.startScreenShare().catch((error: unknown) => {
        if (call !== current) return;
        const { message, kind } = screenShareFailure(error);
        notices.show(message, kind);
      });
    },
    reset,
  };
}
