import { h } from "../dom.js";

export interface EndedView {
  readonly element: HTMLElement;
  /** Shows the screen: `title`, what happened (`text`), and one way on (`action`). */
  show(title: string, text: string, action: { label: string; run(): void }): void;
}

/**
 * The screen after the server ended the session for good (removed by a moderator, a sign-in
 * that ran out): it says why, does not reconnect, and offers one way on.
 */
export function createEndedView(): EndedView {
  const title = h("h1", { attrs: { id: "ended-title" } });
  const text = h("p", { className: "ended-text", attrs: { "data-testid": "ended-text" } });
  // Named before it is shown, like every control (`show` says where it leads).
  const action = h("button", { className: "button button-primary", text: "Continue", attrs: { type: "button" } });
  let run: () => void = () => {};
  action.addEventListener("click", () => run());
  const element = h("section", { className: "ended", attrs: { "aria-labelledby": "ended-title", role: "alert", hidden: true } }, [
    h("div", { className: "ended-card" }, [title, text, action]),
  ]);
  return {
    element,
    show(heading, body, next) {
      title.textContent = heading;
      text.textContent = body;
      action.textContent = next.label;
      run = next.run;
      element.hidden = false;
      action.focus();
    },
  };
}
