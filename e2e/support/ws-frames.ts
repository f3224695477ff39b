/** A WebSocket frame as a client sent it, unmasked: `opcode` 1 is text, 8 is close. */
export interface ClientFrame {
  opcode: number;
  payload: Buffer;
}

export const OPCODE_TEXT = 1;
export const OPCODE_CLOSE = 8;

/**
 * Reads what a client sends on one TCP connection: `null` while it is not (yet) known to be a
 * WebSocket, then its frames (RFC 6455 §5.2) once the upgrade request's head has passed. No
 * compression (the server turns permessage-deflate off) and no fragments (browsers send small
 * messages whole) to deal with.
 */
export function createClientFrameReader(onFrame: (frame: ClientFrame) => void): { push(chunk: Buffer): boolean | null } {
  let buffer = Buffer.alloc(0);
  let webSocket: boolean | null = null;
  return {
    /** Takes the next bytes; says whether the connection is a WebSocket (null: not known yet). */
    push(chunk) {
      if (webSocket === false) return false;
      buffer = Buffer.concat([buffer, chunk]);
      if (webSocket === null) {
        const headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0) return null;
        webSocket = /\r\nupgrade:\s*websocket\r\n/i.test(buffer.subarray(0, headEnd + 2).toString("latin1"));
        buffer = buffer.subarray(headEnd + 4);
        if (!webSocket) return false;
      }
      for (let frame = nextFrame(buffer); frame; frame = nextFrame(buffer)) {
        buffer = buffer.subarray(frame.size);
        onFrame(frame);
      }
      return true;
    },
  };
}

function nextFrame(bytes: Buffer): (ClientFrame & { size: number }) | null {
  if (bytes.length < 2) return null;
  let length = bytes[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (bytes.length < 4) return null;
    length = bytes.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (bytes.length < 10) return null;
    length = Number(bytes.readBigUInt64BE(2));
    offset = 10;
  }
  const masked = (bytes[1]! & 0x80) !== 0;
  const mask = masked ? bytes.subarray(offset, offset + 4) : null;
  if (masked) offset += 4;
  if (bytes.length < offset + length) return null;
  const payload = Buffer.from(bytes.subarray(offset, offset + length));
  if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
  return { opcode: bytes[0]! & 0x0f, payload, size: offset + length };
}
