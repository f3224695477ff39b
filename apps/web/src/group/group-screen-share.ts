import type { GroupCall } from "@switchboard/client";
import { screenShareFailure, openScreenCapture } from "../media/screen-media.js";
import type { Notices } from "../views/notices.js";
import type { ScreenShareButton } from "../views/screen-share-button.js";
import { createScreenTiles, type Presentation, type ScreenTiles } from "../views/screen-tiles.js";

export interface GroupScreenShare {
  /** Large tiles of the shares on show: everyone who presents, in join order, then you. */
  readonly tiles: ScreenTiles;
  /** The toggle: shares with everyone in the call, or stops. */
  toggle(): void;
  /** Brings the tiles and the toggle in line with the call (`joined` false: none). */
  render(joined: boolean): void;
}

/** The group call's screen shares in the UI; the SDK sends them and tells who presents (GroupPeer.screen). */
export function createGroupScreenShare(
  group: GroupCall,
  ui: { button: ScreenShareButton; notices: Notices; changed(): void },
): GroupScreenShare {
  const tiles = createScreenTiles();
  group.on("local-screen-share", () => ui.changed());

  return {
    tiles,
    toggle() {
      if (group.screenShare.stream) return group.screenShare.stop();
      group.screenShare.start(openScreenCapture).catch((error: unknown) => {
        if (!group.joined) return;
        const { message, kind } = screenShareFailure(error);
        ui.notices.show(message, kind);
      });
    },
    render(joined) {
      const shown: Presentation[] = [];
      if (joined) {
        for (const name of group.participants) {
          const screen = group.peers.get(name)?.screen;
          if (screen) shown.push({ presenter: name, self: false, stream: screen });
        }
        const mine = group.screenShare.stream;
        if (mine) shown.push({ presenter: "", self: true, stream: mine });
      }
      tiles.render(shown);
      ui.button.setSharing(joined && group.screenShare.stream !== null);
    },
  };
}
