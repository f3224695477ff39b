/**
 * Flashes the tab's title while the page is hidden (another tab in front, window minimized), so
 * a ringing call shows in the tab strip; it stops, and the title comes back, when the page is
 * seen again or the ringing ends.
 */
export interface TitleFlash {
  start(text: string): void;
  stop(): void;
}

const FLASH_INTERVAL_MS = 1_000;

export function createTitleFlash(doc: Document = document): TitleFlash {
  let text: string | null = null;
  let original = doc.title;
  let timer: ReturnType<typeof setInterval> | undefined;

  function halt(): void {
    clearInterval(timer);
    timer = undefined;
    if (doc.title === text) doc.title = original;
  }

  function update(): void {
    if (text === null || !doc.hidden) return halt();
    if (timer !== undefined) return;
    original = doc.title;
    doc.title = text;
    timer = setInterval(() => {
      doc.title = doc.title === text ? original : text!;
    }, FLASH_INTERVAL_MS);
  }

  doc.addEventListener("visibilitychange", update);
  return {
    start(next) {
      halt();
      text = next;
      update();
    },
    stop() {
      halt();
      text = null;
    },
  };
}
