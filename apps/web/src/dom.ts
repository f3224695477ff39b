/**
 * The one way the app builds DOM. Text is only ever set with `textContent`; there is no
 * `innerHTML` anywhere in the app, so text from other users can never become markup.
 */

type Child = Node | string | null | undefined | false;

export interface ElementOptions {
  className?: string;
  text?: string;
  attrs?: Record<string, string | boolean | undefined>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  children: Child[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.className) element.className = options.className;
  if (options.text !== undefined) element.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : value);
  }
  for (const [type, listener] of Object.entries(options.on ?? {})) {
    element.addEventListener(type, listener as EventListener);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return element;
}

/** Replaces an element's children. */
export function replaceChildren(parent: Element, children: Node[]): void {
  parent.replaceChildren(...children);
}

/** A labelled button; `label` is its accessible name when the visible text is an icon. */
export function button(text: string, onClick: () => void, options: { className?: string; label?: string } = {}) {
  return h("button", {
    className: options.className ?? "button",
    text,
    attrs: { type: "button", "aria-label": options.label },
    on: { click: () => onClick() },
  });
}
