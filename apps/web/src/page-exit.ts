/** The part of `window` that page-exit needs (a fake in tests). */
export interface PageLifecycle {
  addEventListener(type: "pagehide" | "pageshow", listener: (event: { persisted: boolean }) => void): void;
  readonly location: { reload(): void };
}

/**
 * Runs `leave` when the page goes away (the tab closed, a reload, a navigation elsewhere): on
 * `pagehide`, the last event a closing page reliably gets, before the browser tears it down, so
 * the others learn at once rather than when the teardown gets to the socket. A page the browser
 * kept in its back/forward cache and shows again has left by then: it is reloaded.
 */
export function leaveOnPageExit(leave: () => void, page: PageLifecycle = window): void {
  page.addEventListener("pagehide", () => leave());
  page.addEventListener("pageshow", (event) => {
    if (event.persisted) page.location.reload();
  });
}
