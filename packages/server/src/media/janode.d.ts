// janode (the Janus client) ships no types: what packages/server/src/media uses of it, no more.

declare module "janode" {
  import type { EventEmitter } from "node:events";
  import type Handle from "janode/handle";

  export interface JanodeConfig {
    address: { url: string; apisecret?: string };
    /** Attempts after the first one (janode's own retrying; 0 here: the adapter retries itself). */
    max_retries?: number;
    retry_time_secs?: number;
    ws_options?: { handshakeTimeout?: number };
  }

  /** One WebSocket to Janus. Emits `EVENT.CONNECTION_ERROR` (Error) when it goes away unasked. */
  export interface Connection extends EventEmitter {
    create(keepAliveSeconds?: number): Promise<Session>;
    getInfo(): Promise<Record<string, unknown>>;
    close(): Promise<void>;
  }

  /** A Janus session. Emits `EVENT.SESSION_DESTROYED` when it ends, also when its connection goes. */
  export interface Session extends EventEmitter {
    readonly id: number;
    attach<H extends Handle>(plugin: { id: string; Handle: new (session: Session, id: number) => H }): Promise<H>;
    destroy(): Promise<void>;
  }

  export type JanusMessage = {
    janus: string;
    transaction?: string;
    plugindata?: { plugin: string; data: Record<string, unknown> };
    jsep?: { type: string; sdp: string };
  };

  const Janode: {
    connect(config: JanodeConfig): Promise<Connection>;
    Logger: { setLevel(level: "none" | "error" | "warning" | "info" | "verbose" | "debug"): void };
    EVENT: {
      CONNECTION_ERROR: "connection_error";
      SESSION_DESTROYED: "session_destroyed";
      HANDLE_DETACHED: "handle_detached";
      HANDLE_HANGUP: "handle_hangup";
      HANDLE_WEBRTCUP: "handle_webrtcup";
    };
  };
  export default Janode;
}

declare module "janode/handle" {
  import type { EventEmitter } from "node:events";
  import type { JanusMessage, Session } from "janode";

  /**
   * A handle on a plugin. janode calls `handleMessage` with each plugin message (a reply or an
   * event); a subclass closes the transaction a reply belongs to and emits the rest.
   */
  export default class Handle extends EventEmitter {
    constructor(session: Session, id: number);
    readonly id: number;
    handleMessage(message: JanusMessage): unknown;
    ownsTransaction(transaction: string): boolean;
    closeTransactionWithSuccess(transaction: string, message: JanusMessage): void;
    closeTransactionWithError(transaction: string, error: Error): void;
    /** Resolves with the message that closed its transaction; rejects after `timeoutMs` (0: never). */
    sendRequest(request: { janus: string; [field: string]: unknown }, timeoutMs?: number): Promise<JanusMessage>;
    detach(): Promise<void>;
  }
}
