import type { Publisher, PublisherNews } from "./videoroom-messages.js";

/** A publisher stream to receive: Janus's feed and the publisher's mid. */
export interface StreamRef {
  feed: number;
  mid: string;
}

interface Feed {
  display: string;
  /** The media m-lines it sends now (no data channels, none disabled). */
  mids: string[];
}

/**
 * The publishers of one Janus videoroom, as this node's publisher handles in it hear of them:
 * every handle hears of every other publisher, so together they know them all. Janus's display
 * name of a feed is the Switchboard user's name.
 */
export class RoomFeeds {
  // Insertion order: the newest feed of a name comes last.
  private readonly feeds = new Map<number, Feed>();

  /** Takes in publishers listed on a join or announced; says whether anything changed. */
  addPublishers(publishers: readonly Publisher[]): boolean {
    let changed = false;
    for (const publisher of publishers) {
      if (publisher.display === undefined) continue;
      const mids = publisher.streams.filter((stream) => stream.type !== "data" && !stream.disabled).map((stream) => stream.mid);
      const known = this.feeds.get(publisher.id);
      if (known && known.display === publisher.display && sameList(known.mids, mids)) continue;
      if (known) Object.assign(known, { display: publisher.display, mids });
      else this.feeds.set(publisher.id, { display: publisher.display, mids });
      changed = true;
    }
    return changed;
  }

  /** Takes in an event of a publisher handle; says whether the room's publishers changed. */
  apply(news: PublisherNews): boolean {
    let changed = news.publishers ? this.addPublishers(news.publishers) : false;
    for (const gone of [news.unpublished, news.leaving, news.kicked]) {
      if (typeof gone === "number" && this.feeds.delete(gone)) changed = true;
    }
    return changed;
  }

  /**
   * The streams `self` should receive: those of the other participants of the call. A name with
   * two feeds (a publisher of a crashed node that Janus has not timed out yet) counts its newest.
   */
  wantedBy(self: string, participants: ReadonlySet<string>): StreamRef[] {
    const newest = new Map<string, number>();
    for (const [feed, { display }] of this.feeds) {
      if (display !== self && participants.has(display)) newest.set(display, feed);
    }
    return [...newest.values()].flatMap((feed) => this.feeds.get(feed)!.mids.map((mid) => ({ feed, mid })));
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
