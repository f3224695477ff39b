import type { SignalingClient } from "@switchboard/client";
import type { Notices } from "./views/notices.js";

export interface CallControllerOptions {
  client: SignalingClient;
  root: HTMLElement;
  notices: Notices;
  onChange(): void;
  mount(element: HTMLElement): void;
}

export interface CallController {
  readonly inCall: boolean;
  call(name: string): void;
}

// Placeholder until the SDK's CallManager lands.
export function createCallController(options: CallControllerOptions): CallController {
  return {
    inCall: false,
    call: (name) => options.notices.show(`Calling ${name} is not available yet.`, "warning"),
  };
}
