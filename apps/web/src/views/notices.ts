import { h } from "../dom.js";

export type NoticeKind = "info" | "warning" | "error";

export interface Notices {
  readonly element: HTMLElement;
  show(text: string, kind?: NoticeKind, timeoutMs?: number): void;
}

/** Short-lived messages (call declined, camera missing). Errors are announced assertively. */
export function createNotices(): Notices {
  const polite = h("div", { className: "sr-only", attrs: { role: "status", "aria-live": "polite" } });
  const list = h("ul", { className: "notices", attrs: { "aria-label": "Notifications" } });
  const element = h("div", { className: "notice-area" }, [list, polite]);
  return {
    element,
    show(text, kind = "info", timeoutMs = kind === "error" ? 10_000 : 6_000) {
      const close = h("button", { className: "notice-close", text: "×", attrs: { type: "button", "aria-label": "Dismiss notification" } });
      const item = h("li", { className: `notice notice-${kind}`, attrs: kind === "error" ? { role: "alert" } : {} }, [
        h("span", { className: "notice-text", text }),
        close,
      ]);
      close.addEventListener("click", () => item.remove());
      list.append(item);
      if (kind !== "error") polite.textContent = text;
      setTimeout(() => item.remove(), timeoutMs);
      while (list.childElementCount > 4) list.firstElementChild?.remove();
    },
  };
}
