import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";

/**
 * The browser side of an SFU participant, bare: a page of its own with the two peer connections
 * the protocol describes (a publisher sending a small fake camera, as three simulcast layers, and
 * a microphone; a subscriber receiving what the media server offers). The test carries the SDPs
 * between it and the server side, in place of the client SDK.
 */
export class SfuEndpoint {
  private constructor(readonly page: Page) {}

  /** Opens the blank page at `url` (see serveBlankPage): getUserMedia needs a secure context. */
  static async open(page: Page, url: string): Promise<SfuEndpoint> {
    await page.goto(url);
    return new SfuEndpoint(page);
  }

  /**
   * A fresh publisher connection (the old one, if any, closed): camera (3 simulcast layers, rids
   * q/h/f at 1/4, 1/2 and full size of 320x240) and microphone. Resolves with the offer once ICE
   * gathering is complete (the candidates are in it), and which mid carries which source.
   */
  async publishOffer(): Promise<{ sdp: string; tracks: { mid: string; source: "camera" | "microphone" }[] }> {
    return this.page.evaluate(async () => {
      const state = window as unknown as EndpointWindow;
      state.publisher?.close();
      state.stream ??= await navigator.mediaDevices.getUserMedia({
        audio: true,
        video: { width: 320, height: 240, frameRate: 15 },
      });
      const pc = new RTCPeerConnection();
      state.publisher = pc;
      const camera = pc.addTransceiver(state.stream.getVideoTracks()[0]!, {
        direction: "sendonly",
        sendEncodings: [
          { rid: "q", scaleResolutionDownBy: 4 },
          { rid: "h", scaleResolutionDownBy: 2 },
          { rid: "f", scaleResolutionDownBy: 1 },
        ],
      });
      const microphone = pc.addTransceiver(state.stream.getAudioTracks()[0]!, { direction: "sendonly" });
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      return {
        sdp: pc.localDescription!.sdp,
        tracks: [
          { mid: camera.mid!, source: "camera" as const },
          { mid: microphone.mid!, source: "microphone" as const },
        ],
      };

      function gathered(connection: RTCPeerConnection): Promise<void> {
        if (connection.iceGatheringState === "complete") return Promise.resolve();
        return new Promise((resolve) =>
          connection.addEventListener("icegatheringstatechange", () => {
            if (connection.iceGatheringState === "complete") resolve();
          }),
        );
      }
    });
  }

  /** The media server's answer to the publisher's offer. */
  async acceptPublisherAnswer(sdp: string): Promise<void> {
    await this.page.evaluate(async (answer) => {
      await (window as unknown as EndpointWindow).publisher!.setRemoteDescription({ type: "answer", sdp: answer });
    }, sdp);
  }

  /**
   * Applies the media server's offer to the subscriber connection (created on the first one, or
   * again with `fresh`: a new epoch) and resolves with the answer, its candidates gathered.
   */
  async answerSubscriberOffer(sdp: string, options: { fresh?: boolean } = {}): Promise<string> {
    return this.page.evaluate(
      async ({ offer, fresh }) => {
        const state = window as unknown as EndpointWindow;
        if (fresh) {
          state.subscriber?.close();
          state.subscriber = undefined;
        }
        state.subscriber ??= new RTCPeerConnection();
        const pc = state.subscriber;
        await pc.setRemoteDescription({ type: "offer", sdp: offer });
        await pc.setLocalDescription(await pc.createAnswer());
        if (pc.iceGatheringState !== "complete") {
          await new Promise<void>((resolve) =>
            pc.addEventListener("icegatheringstatechange", () => {
              if (pc.iceGatheringState === "complete") resolve();
            }),
          );
        }
        return pc.localDescription!.sdp;
      },
      { offer: sdp, fresh: options.fresh ?? false },
    );
  }

  /** Per received video m-line of the subscriber connection: frames decoded so far and the latest frame's width. */
  async receivedVideo(): Promise<ReceivedVideo[]> {
    return this.page.evaluate(async () => {
      const pc = (window as unknown as EndpointWindow).subscriber;
      if (!pc) return [];
      const videos: ReceivedVideo[] = [];
      for (const transceiver of pc.getTransceivers()) {
        if (transceiver.receiver.track.kind !== "video" || transceiver.mid === null) continue;
        const report = await transceiver.receiver.getStats();
        report.forEach((stats: { type: string; framesDecoded?: number; frameWidth?: number }) => {
          if (stats.type !== "inbound-rtp") return;
          videos.push({ mid: transceiver.mid!, framesDecoded: stats.framesDecoded ?? 0, frameWidth: stats.frameWidth ?? 0 });
        });
      }
      return videos;
    });
  }

  /** Closes both peer connections (the camera stays open for the next publishOffer). */
  async closeConnections(): Promise<void> {
    await this.page.evaluate(() => {
      const state = window as unknown as EndpointWindow;
      state.publisher?.close();
      state.subscriber?.close();
      state.publisher = undefined;
      state.subscriber = undefined;
    });
  }
}

export interface ReceivedVideo {
  mid: string;
  framesDecoded: number;
  frameWidth: number;
}

interface EndpointWindow {
  stream?: MediaStream;
  publisher?: RTCPeerConnection;
  subscriber?: RTCPeerConnection;
}

/** An http server on `host` serving an empty page, the origin the endpoints' pages come from. */
export async function serveBlankPage(host: string): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end("<!doctype html><title>SFU endpoint</title>");
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
