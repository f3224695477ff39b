import type { Locator, Page } from "playwright-core";
import type { AppPage } from "./app-page.js";

const DEFAULT_TIMEOUT = 15_000;

/**
 * Moderation in apps/web as a user sees it: the room's "Moderation" panel and the user list's
 * buttons (moderators only), the dialog asking for a removal's reason, the notices in the chat,
 * and the screen of a removed user.
 */
export class ModerationPage {
  constructor(readonly app: AppPage) {}

  get page(): Page {
    return this.app.page;
  }

  get panel(): Locator {
    return this.page.getByRole("region", { name: "Moderation" });
  }

  /** Which of the moderator's controls are on screen: the room's panel, and the user rows' buttons. */
  async controlsShown(): Promise<{ panel: boolean; userButtons: number }> {
    const userButtons = await this.page.locator(".user-row").getByRole("button", { name: /^(Remove .+…|Ask .+ to mute)$/ }).count();
    return { panel: await this.panel.isVisible(), userButtons };
  }

  /** Waits until the controls show (`shown`) or are gone. */
  async waitForControls(shown: boolean, timeout = DEFAULT_TIMEOUT): Promise<void> {
    await this.panel.waitFor({ state: shown ? "visible" : "hidden", timeout });
  }

  async askToMute(name: string): Promise<void> {
    await this.page.getByRole("button", { name: `Ask ${name} to mute`, exact: true }).click();
  }

  /** "Remove…" on `name`'s row, then the reason in the dialog. */
  async remove(name: string, reason: string): Promise<void> {
    await this.page.getByRole("button", { name: `Remove ${name}…`, exact: true }).click();
    const dialog = this.page.getByRole("dialog", { name: `Remove ${name}` });
    await dialog.getByLabel(`Reason (${name} sees it)`).fill(reason);
    await dialog.getByRole("button", { name: "Remove", exact: true }).click();
  }

  async lock(): Promise<void> {
    await this.panel.getByRole("button", { name: "Lock room" }).click();
  }

  async endCall(): Promise<void> {
    await this.panel.getByRole("button", { name: "End call for everyone" }).click();
  }

  /** Waits for a notice in the public chat with exactly `text`. */
  async waitForChatNotice(text: string, timeout = DEFAULT_TIMEOUT): Promise<void> {
    await this.page.locator(".chat-notice").filter({ hasText: new RegExp(`^${escapeRegExp(text)}$`) }).first().waitFor({ timeout });
  }

  /** The ended screen's text (after a removal), once it shows. */
  async endedText(timeout = DEFAULT_TIMEOUT): Promise<string> {
    await this.page.locator('#app[data-phase="ended"]').waitFor({ state: "attached", timeout });
    return (await this.page.getByTestId("ended-text").textContent()) ?? "";
  }

  /** Whether each audio track the page sends in its open peer connections is enabled. */
  async outgoingAudioEnabled(): Promise<boolean[]> {
    return this.page.evaluate(() =>
      (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections
        .filter((pc) => pc.connectionState !== "closed")
        .flatMap((pc) => pc.getSenders())
        .filter((sender) => sender.track?.kind === "audio")
        .map((sender) => sender.track!.enabled),
    );
  }

  /** Peer connections of the page that are not closed. */
  async openPeerConnections(): Promise<number> {
    return this.page.evaluate(
      () => (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections.filter((pc) => pc.connectionState !== "closed").length,
    );
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
