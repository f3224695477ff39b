import { Histogram } from "prom-client";

/**
 * Seconds. A login on one node takes well under a millisecond; in a cluster it waits for
 * Redis (a round trip or two); in a join storm it waits behind the others.
 */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** How long logins take: from handling the `username` message to the login being complete (its ack sent). */
export class LoginDuration {
  readonly histogram = new Histogram({
    name: "switchboard_login_duration_seconds",
    help: "Completed logins: from the username message to the ack, the cluster store's round trips included.",
    buckets: BUCKETS,
    registers: [],
  });

  /** Runs `login` and times it if it succeeds (a refused login is counted in errors_total by its code). */
  time(login: () => Promise<void>): Promise<void> {
    const started = performance.now();
    const done = login();
    done.then(
      () => this.histogram.observe((performance.now() - started) / 1000),
      () => {},
    );
    return done;
  }
}
