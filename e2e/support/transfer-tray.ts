import { createCipheriv, createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Locator, Page } from "playwright-core";

const DEFAULT_TIMEOUT = 30_000;

/** `size` deterministic pseudo-random bytes (AES-CTR over zeros with a key made of `seed`). */
export function deterministicBytes(size: number, seed: string): Buffer {
  const key = createHash("sha256").update(seed).digest();
  return createCipheriv("aes-256-ctr", key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

export const sha256Hex = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/**
 * Test-only: records every RTCDataChannel a page creates in `window.__dataChannels`, so a test
 * can see that the sender's channel closed. Install before the app loads.
 */
const CHANNEL_RECORDER = `(() => {
  const created = [];
  window.__dataChannels = created;
  const create = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function (...args) {
    const channel = create.apply(this, args);
    created.push(channel);
    return channel;
  };
})();`;

export async function recordDataChannels(page: Page): Promise<void> {
  await page.addInitScript(CHANNEL_RECORDER);
}

export interface ProgressRecord {
  direction: string;
  peer: string;
  name: string;
  values: number[];
}

/**
 * The app's file-transfer tray as a user sees it: entries (`.transfer`, with `data-state`,
 * `data-direction`, `data-peer`), their buttons by accessible name, their progress bars'
 * aria-valuenow as a MutationObserver in the page saw them change.
 */
export class TransferTray {
  constructor(readonly page: Page) {}

  entry(direction: "outgoing" | "incoming", peer: string, name: string): Locator {
    return this.page.locator(`.transfer[data-direction="${direction}"][data-peer="${peer}"]`).filter({ has: this.page.locator(".transfer-name", { hasText: name }) });
  }

  async waitForState(direction: "outgoing" | "incoming", peer: string, name: string, state: string, timeout = DEFAULT_TIMEOUT): Promise<void> {
    await this.entry(direction, peer, name).and(this.page.locator(`[data-state="${state}"]`)).waitFor({ timeout });
  }

  async status(direction: "outgoing" | "incoming", peer: string, name: string): Promise<string> {
    return (await this.entry(direction, peer, name).locator(".transfer-status").textContent()) ?? "";
  }

  /**
   * Picks a file in the file input of `toolbar` ("Call controls" or "Group call controls"): bytes
   * from the test, or a file on disk (`path`: much faster for large files, as it is not copied
   * through the DevTools protocol).
   */
  async pick(toolbar: string, file: { name: string; buffer: Buffer } | { path: string }): Promise<void> {
    const input = this.page.getByRole("toolbar", { name: toolbar }).getByLabel("Choose files to send");
    await input.setInputFiles("path" in file ? file.path : { name: file.name, mimeType: "application/octet-stream", buffer: file.buffer });
  }

  /**
   * Drops a file of `size` random bytes (made in the page) on `selector` with a synthetic drop
   * event carrying a DataTransfer; returns its SHA-256 as the page computed it.
   */
  async drop(selector: string, name: string, size: number): Promise<string> {
    return this.page.evaluate(
      async ({ selector, name, size }) => {
        const bytes = new Uint8Array(size);
        for (let offset = 0; offset < size; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65_536)));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name, { type: "application/octet-stream" }));
        const target = document.querySelector(selector);
        if (!target) throw new Error(`nothing matches ${selector}`);
        target.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
        target.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
        const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
        return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
      },
      { selector, name, size },
    );
  }

  async accept(name: string, from: string): Promise<void> {
    await this.page.getByRole("button", { name: `Accept ${name} from ${from}` }).click({ timeout: DEFAULT_TIMEOUT });
  }

  async decline(name: string, from: string): Promise<void> {
    await this.page.getByRole("button", { name: `Decline ${name} from ${from}` }).click({ timeout: DEFAULT_TIMEOUT });
  }

  /** Saves the received file through its "Save … (verified)" link; returns the downloaded bytes. */
  async save(name: string): Promise<Buffer> {
    const [download] = await Promise.all([this.page.waitForEvent("download"), this.page.getByRole("link", { name: `Save ${name} (verified)` }).click()]);
    return readFile(await download.path());
  }

  async saveLinks(name: string): Promise<number> {
    return this.page.getByRole("link", { name: new RegExp(`^Save ${name}`) }).count();
  }

  /** From now on, every aria-valuenow a progress bar takes is recorded (see progress()). */
  async recordProgress(): Promise<void> {
    await this.page.evaluate(() => {
      const records: ProgressRecord[] = [];
      const byEntry = new Map<Element, ProgressRecord>();
      (window as unknown as { __progress: ProgressRecord[] }).__progress = records;
      new MutationObserver((mutations) => {
        for (const { target } of mutations) {
          const bar = target as HTMLElement;
          const entry = bar.closest<HTMLElement>(".transfer");
          if (bar.getAttribute("role") !== "progressbar" || !entry) continue;
          let record = byEntry.get(entry);
          if (!record) {
            record = { direction: entry.dataset.direction ?? "", peer: entry.dataset.peer ?? "", name: entry.querySelector(".transfer-name")?.textContent ?? "", values: [] };
            byEntry.set(entry, record);
            records.push(record);
          }
          record.values.push(Number(bar.getAttribute("aria-valuenow")));
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["aria-valuenow"] });
    });
  }

  async progress(name: string): Promise<number[]> {
    const records = await this.page.evaluate(() => (window as unknown as { __progress: ProgressRecord[] }).__progress);
    return records.filter((record) => record.name === name).flatMap((record) => record.values);
  }

  /**
   * Arms a click on the button named `label` as soon as the entry's progress bar reaches
   * `percent` (in the page, so the transfer cannot finish in between); resolves when armed.
   */
  async clickWhenProgress(label: string, percent: number): Promise<void> {
    await this.page.evaluate(
      ({ label, percent }) => {
        new MutationObserver((mutations, observer) => {
          for (const { target } of mutations) {
            const bar = target as HTMLElement;
            if (bar.getAttribute("role") !== "progressbar" || Number(bar.getAttribute("aria-valuenow")) < percent) continue;
            const button = [...(bar.closest(".transfer")?.querySelectorAll("button") ?? [])].find((b) => b.getAttribute("aria-label") === label);
            if (!button) continue;
            observer.disconnect();
            button.click();
            return;
          }
        }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["aria-valuenow"] });
      },
      { label, percent },
    );
  }

  /** readyState of the data channels this page created (recordDataChannels). */
  async channelStates(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { __dataChannels: RTCDataChannel[] }).__dataChannels.map((channel) => channel.readyState));
  }
}

/** Progress only ever rose, and got to `last`. */
export function risingTo(values: number[]): { rising: boolean; last: number | undefined; distinct: number } {
  return { rising: values.every((value, i) => i === 0 || value >= values[i - 1]!), last: values.at(-1), distinct: new Set(values).size };
}
