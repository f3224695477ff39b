import type { SignalingClient } from "@switchboard/client";
import { createModerationPanel } from "../views/moderation-panel.js";
import type { Notices } from "../views/notices.js";
import type { PromptDialog } from "../views/prompt-dialog.js";
import { moderatedText } from "./moderated-text.js";

export interface ModerationControllerOptions {
  client: SignalingClient;
  notices: Notices;
  /** Where the room hears of moderators' actions (the public chat's notices). */
  notice(text: string): void;
  prompt: PromptDialog;
  /** Mutes our microphone the way the mute button does (the peers are told). */
  muteMicrophone(): void;
  /** We became, or stopped being, a moderator: the user list redraws its buttons. */
  onChange(): void;
  mount(panel: HTMLElement): void;
}

export interface ModerationController {
  /** We moderate our room now (the last room-state lists us). */
  readonly moderating: boolean;
  askToMute(name: string): void;
  /** Asks for a reason (a dialog), then removes `name`. */
  remove(name: string): void;
}

/** The limit the protocol puts on a removal's reason. */
const REASON_MAX_LENGTH = 200;

/**
 * Moderation from the UI's side: the room controls and the user list's buttons for moderators
 * only (they come and go with each room-state, e.g. when the role passes on), everyone's notices
 * of what moderators did, and complying with a request to mute.
 */
export function createModerationController(options: ModerationControllerOptions): ModerationController {
  const { client, notices, prompt } = options;
  const moderation = client.moderation;
  let moderating = moderation.isModerator;
  const panel = createModerationPanel({
    lock: () => act(moderation.lock(), "lock the room"),
    unlock: () => act(moderation.unlock(), "unlock the room"),
    setPassword: () => void setPassword(),
    clearPassword: () => act(moderation.setPassword(null), "clear the password"),
    endCall: () => act(moderation.endCall(), "end the call"),
  });
  options.mount(panel.element);

  function render(): void {
    const state = client.roomState;
    panel.render({
      moderator: moderation.isModerator,
      locked: state?.locked ?? false,
      passwordProtected: state?.passwordProtected ?? false,
      callActive: client.groupCall.length > 0,
    });
    if (moderation.isModerator === moderating) return;
    moderating = moderation.isModerator;
    options.onChange();
  }

  function act(done: Promise<void>, what: string): void {
    done.catch((error: Error) => notices.show(`Could not ${what}: ${error.message}`, "error"));
  }

  async function setPassword(): Promise<void> {
    const password = await prompt.ask({ title: "Set a room password", label: "Password for new joins", confirm: "Set password", secret: true, required: true, maxLength: 256 });
    if (password !== null) act(moderation.setPassword(password), "set the password");
  }

  client.on("room-state", render);
  client.on("group-call", render);
  // Another room: nothing of the old one's state holds until the new one's room-state.
  client.on("room", render);
  client.on("moderated", (event) => {
    const text = moderatedText(event, client.name);
    options.notice(text);
    if (event.action !== "mute" || event.target !== client.name) return;
    options.muteMicrophone();
    notices.show(text, "warning");
  });
  render();

  return {
    get moderating() {
      return moderating;
    },
    askToMute(name) {
      act(moderation.askToMute(name), `ask ${name} to mute`);
    },
    remove(name) {
      void prompt
        .ask({ title: `Remove ${name}`, label: `Reason (${name} sees it)`, confirm: "Remove", danger: true, maxLength: REASON_MAX_LENGTH })
        .then((reason) => {
          if (reason !== null) act(moderation.remove(name, reason.trim() || undefined), `remove ${name}`);
        });
    },
  };
}
