import { afterEach, beforeEach, vi } from "vitest";
import { Hub, type HubOptions } from "../../src/hub/hub.js";
import type { Peer } from "../../src/hub/peer.js";
import { FrameParts, type Frame } from "../../src/wire/frame.js";
import type { ProtocolError } from "../../src/wire/protocol-error.js";

const decoder = new TextDecoder();

/** A peer for the hub's unit tests: keeps every message it is sent, decoded. */
export class TestPeer implements Peer {
  readonly id: string;
  name: string | null = null;
  readonly inbox: Record<string, unknown>[] = [];
  constructor(
    id: string,
    readonly modern = false,
  ) {
    this.id = id;
  }
  send(frame: Frame): void {
    this.inbox.push(JSON.parse(typeof frame === "string" ? frame : decoder.decode(frame instanceof FrameParts ? frame.join() : frame)));
  }
  of(type: string) {
    return this.inbox.filter((m) => m.type === type);
  }
}

/** Logs a TestPeer in; its id says where, so two rooms' "sam"s differ. */
export function logIn(hub: Hub, name: string, room?: string, modern = true): TestPeer {
  const peer = new TestPeer(`${room ?? "lobby"}/${name}`, modern);
  peer.name = hub.login(peer, name, room);
  return peer;
}

/** What `fn` threw (a hub refuses with a ProtocolError), or undefined. */
export function thrownBy(fn: () => void): ProtocolError | undefined {
  try {
    fn();
  } catch (error) {
    return error as ProtocolError;
  }
  return undefined;
}

/** The hub options the unit tests use unless they say otherwise. */
const TEST_HUB_OPTIONS: HubOptions = { presenceIntervalMs: 100, historySize: 10, historyMaxBytes: 64 * 1024, maxChatTextLength: 2000, maxMeshParticipants: 6 };

/** A fresh hub (`options` over the tests' defaults) for each test of the calling file, on vitest's fake timers. */
export function hubPerTest(options: Partial<HubOptions> = {}): { readonly hub: Hub } {
  let hub: Hub | undefined;
  beforeEach(() => {
    vi.useFakeTimers();
    hub = new Hub({ ...TEST_HUB_OPTIONS, ...options });
  });
  afterEach(() => {
    hub?.close();
    vi.useRealTimers();
  });
  return {
    get hub() {
      if (!hub) throw new Error("no hub outside a test");
      return hub;
    },
  };
}
