import { createServer, request as forward, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";

/** The cookie that names the user to the front, as a deployment's login session would. */
export const USER_COOKIE = "front-user";

export interface TokenFront {
  /** http://127.0.0.1:<port>: open the app here. */
  readonly url: string;
  /** The tokens `tokenPath` served, oldest first. */
  readonly served: readonly ServedToken[];
  /** Whose WebSocket upgrades went through (the user cookie's name, or ""), oldest first. */
  readonly upgrades: readonly string[];
  close(): Promise<void>;
}

export interface ServedToken {
  user: string;
  token: string;
  /** The request's headers (cookies, cache-control). */
  headers: IncomingHttpHeaders;
}

export interface TokenFrontOptions {
  /** Where the Switchboard server listens (http://127.0.0.1:<port>). */
  target: string;
  /** The path that serves fresh tokens (the server's JWT_RENEW_URL). */
  tokenPath: string;
  /** A fresh token for `user`, or null to refuse (503): the identity service. */
  mint(user: string): Promise<string | null>;
}

/**
 * A deployment's front in miniature, on 127.0.0.1: a reverse proxy to the Switchboard server
 * (plain requests through http.request, the WebSocket upgrade as piped sockets, each with
 * X-Forwarded-For), except for `GET <tokenPath>`, which it answers itself as the identity
 * service behind it would: a fresh token for the user its cookie names, as the body.
 */
export async function startTokenFront(options: TokenFrontOptions): Promise<TokenFront> {
  const target = new URL(options.target);
  const served: ServedToken[] = [];
  const upgrades: string[] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };
  const headersFor = (incoming: IncomingMessage) => ({ ...incoming.headers, "x-forwarded-for": incoming.socket.remoteAddress ?? "" });

  const front = createServer((incoming, outgoing) => {
    if (incoming.method === "GET" && new URL(incoming.url ?? "/", "http://front").pathname === options.tokenPath) {
      const user = cookie(incoming.headers.cookie, USER_COOKIE);
      const minting = user === null ? Promise.resolve(null) : options.mint(user);
      void minting.then((token) => {
        if (user === null || token === null) return void outgoing.writeHead(user === null ? 401 : 503).end();
        served.push({ user, token, headers: incoming.headers });
        outgoing.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" }).end(token);
      });
      return;
    }
    const upstream = forward({ host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: headersFor(incoming) }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    upstream.on("error", () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  front.on("connection", track);
  front.on("upgrade", (incoming: IncomingMessage, client: Socket, head: Buffer) => {
    upgrades.push(cookie(incoming.headers.cookie, USER_COOKIE) ?? "");
    const upstream = connect(Number(target.port), target.hostname, () => {
      const raw = [...incoming.rawHeaders, "X-Forwarded-For", incoming.socket.remoteAddress ?? ""];
      const headers = raw.flatMap((value, i) => (i % 2 === 0 ? [`${value}: ${raw[i + 1]}\r\n`] : []));
      upstream.write(`${incoming.method} ${incoming.url} HTTP/1.1\r\n${headers.join("")}\r\n`);
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on("error", drop).on("close", drop);
    client.on("error", drop).on("close", drop);
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
    served,
    upgrades,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        front.close(() => resolve());
      }),
  };
}

/** The value of cookie `name` in a Cookie header, or null. */
function cookie(header: string | undefined, name: string): string | null {
  for (const pair of (header ?? "").split(";")) {
    const [key, ...value] = pair.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return null;
}
