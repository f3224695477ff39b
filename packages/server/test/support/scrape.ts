import { getMetricsFromIterator, type PromData, type PromHistogramData, type PromMetrics, type PromSummaryData } from "prom2javascript";

export type { PromMetrics };

/**
 * prom-client's statistics of the event-loop delay are NaN until its monitor took a sample (the
 * format allows NaN; prom2javascript does not parse it). Any other NaN is an error.
 */
const MAY_BE_NAN = /^nodejs_eventloop_lag_\w+ Nan$/;

/**
 * GET `url` (a /metrics URL) and parse it as Prometheus' text format, by metric name. The parser
 * checks each histogram too: every series' `+Inf` bucket must equal its count.
 */
export async function scrape(url: string, headers: Record<string, string> = {}): Promise<PromMetrics> {
  const response = await fetch(url, { headers: { connection: "close", ...headers } });
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
  const lines = (await response.text()).split("\n").filter((line) => !MAY_BE_NAN.test(line));
  const nan = lines.find((line) => /^[^#].* nan$/i.test(line));
  if (nan) throw new Error(`/metrics has a NaN: ${nan}`);
  return getMetricsFromIterator(lines[Symbol.iterator]());
}

type Series = PromData | PromHistogramData | PromSummaryData;

/** The series of `name` whose labels include `labels`; throws when there is none (an absent 0 proves nothing). */
function seriesOf(metrics: PromMetrics, name: string, labels: Record<string, string>): Series {
  const metric = metrics[name];
  if (!metric) throw new Error(`/metrics has no ${name}`);
  const series = (metric.data as Series[]).find((item) => Object.entries(labels).every(([key, value]) => item.labels[key] === value));
  if (!series) throw new Error(`${name} has no series with ${JSON.stringify(labels)}`);
  return series;
}

/** A counter's or a gauge's value. */
export const valueOf = (metrics: PromMetrics, name: string, labels: Record<string, string> = {}) => (seriesOf(metrics, name, labels) as PromData).value;

/** A histogram's series: `count`, `sum` and cumulative `buckets` by upper bound. */
export const histogramOf = (metrics: PromMetrics, name: string, labels: Record<string, string> = {}) =>
  seriesOf(metrics, name, labels) as PromHistogramData;
