/**
 * Where a logged-in idle user's server memory goes: starts Switchboard (this build, or `--cli`)
 * as the bench does, takes a V8 heap snapshot, logs in `--users` modern users who confirm what
 * they received (as the idle workload does), takes a second snapshot, and prints the process's
 * memory and the heap's self size per user by constructor, the difference of the two snapshots.
 *
 *   npm run bench:heap -- [--users 5000] [--mode logged-in|connected] [--cli PATH] [--top 40] [--keep]
 */
import { readFileSync, rmSync } from "node:fs";
import { parseArgs } from "node:util";
import { closeAll, connectMany, type Connection } from "./clients/index.js";
import { confirmation, connectAnonymous, switchboardAdapter } from "./clients/switchboard.js";
import { startServer } from "./servers.js";
import { names, sleep, waitQuiet } from "./workloads/common.js";

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Per kind of heap object (constructor, closure name, string, array...): count and bytes. */
type Census = Map<string, { count: number; bytes: number }>;

/** Summarizes a heap snapshot file by what each object is; strings and code are lumped together. */
function census(file: string): Census {
  const heap = JSON.parse(readFileSync(file, "utf8")) as HeapSnapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((field) => fields.indexOf(field)) as [number, number, number];
  const result: Census = new Map();
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + typeAt]!]!;
    const name = heap.strings[heap.nodes[i + nameAt]!]!;
    const key =
      type === "object" || type === "native" ? name
      : type === "closure" ? `closure ${name || "(anonymous)"}`
      : type.endsWith("string") ? `(${type})`
      : type === "hidden" || type === "array" || type === "object shape" ? `(${type}) ${name.slice(0, 60)}`
      : `(${type})`;
    const entry = result.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += heap.nodes[i + sizeAt]!;
    result.set(key, entry);
  }
  return result;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: "string", default: "5000" },
      mode: { type: "string", default: "logged-in" },
      cli: { type: "string" },
      top: { type: "string", default: "40" },
      keep: { type: "boolean", default: false },
    },
  });
  const users = Number(values.users);
  const server = await startServer("switchboard", { cpu: undefined, nofile: undefined, profileDir: undefined, switchboardCli: values.cli });
  let connections: Connection[] = [];
  const files: string[] = [];
  try {
    await sleep(300);
    const before = await server.stats(true);
    files.push(await server.heapSnapshot());
    const login = values.mode === "connected" ? { ...switchboardAdapter, connect: (url: string) => connectAnonymous(url) } : switchboardAdapter;
    connections = await connectMany(login, server.url, names(users, "h"), 128, () => () => {});
    await waitQuiet(connections, 500, 30_000);
    if (values.mode !== "connected") {
      for (const connection of connections) connection.send(confirmation(connection));
      await waitQuiet(connections, 500, 30_000);
    }
    const after = await server.stats(true);
    files.push(await server.heapSnapshot());
    const kb = (bytes: number) => (bytes / users / 1024).toFixed(2);
    console.log(`${users} users (${values.mode}), per user: RSS ${kb(after.rss - before.rss)} KB, heap used ${kb(after.heapUsed - before.heapUsed)} KB, ` +
      `heap committed ${kb(after.heapTotal - before.heapTotal)} KB, external ${kb(after.external - before.external)} KB`);
    const [a, b] = [census(files[0]!), census(files[1]!)];
    const rows = [...b].map(([key, { count, bytes }]) => ({ key, count: count - (a.get(key)?.count ?? 0), bytes: bytes - (a.get(key)?.bytes ?? 0) }));
    rows.sort((x, y) => y.bytes - x.bytes);
    const total = rows.reduce((n, row) => n + row.bytes, 0);
    console.log(`heap snapshot difference: ${(total / users).toFixed(0)} bytes per user\n`);
    console.log("| what | per user | bytes per user |\n|---|---|---|");
    for (const row of rows.slice(0, Number(values.top))) console.log(`| ${row.key.replaceAll("|", "\\|")} | ${(row.count / users).toFixed(2)} | ${(row.bytes / users).toFixed(0)} |`);
  } finally {
    await server.stop();
    await closeAll(connections);
    if (!values.keep) for (const file of files) rmSync(file, { force: true });
    else console.log(`\nsnapshots: ${files.join(" ")}`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
