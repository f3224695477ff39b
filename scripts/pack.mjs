#!/usr/bin/env node
// `npm run pack [-- [--no-build] [destination]]`: the server as one npm package to install
// without this repository (`npm install -g <tarball>`, `npx <tarball>`), written to destination
// (default: the repository's root); prints the tarball's path.
//
// `npm pack -w packages/server` cannot make it: the workspace's packages are links in the root
// node_modules, so a bundleDependencies entry bundles nothing, and the web app lies outside the
// package. So the package is staged in a temporary directory:
//   dist/                         packages/server/dist
//   web/                          apps/web/dist (config.ts looks there first)
//   node_modules/@switchboard/…   the workspace packages the server imports, bundled (they are
//                                 not on the registry): what their own `npm pack` would ship
//   package.json                  the server's, with the bundled packages' dependencies moved
//                                 into it; npm installs these and all others from the registry.
// --no-build packs what is built (the test does: a build would rewrite apps/web/dist while
// other tests serve it).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const { values, positionals } = parseArgs({ options: { "no-build": { type: "boolean" } }, allowPositionals: true });
const destination = resolve(positionals[0] ?? root);

/** Runs npm; its output goes to stderr, but for what it prints on stdout when asked to `capture` it. */
function npmRun(args, cwd, capture = false) {
  const result = spawnSync(npm, args, { cwd, stdio: ["ignore", capture ? "pipe" : 2, 2], encoding: "utf8" });
  if (result.status !== 0) throw new Error(`"npm ${args.join(" ")}" failed`);
  return result.stdout;
}

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));
const writeJson = (path, value) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);

/** `path`, which the build makes. */
function built(path) {
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first`);
  return path;
}
const copy = (from, to) => cpSync(built(from), to, { recursive: true });

const stage = mkdtempSync(join(tmpdir(), "switchboard-pack-"));
try {
  if (!values["no-build"]) npmRun(["run", "build"], root);

  const rootManifest = readJson(join(root, "package.json"));
  const workspaces = new Map(rootManifest.workspaces.map((dir) => [readJson(join(root, dir, "package.json")).name, join(root, dir)]));
  const server = readJson(join(root, "packages/server/package.json"));
  const bundled = Object.keys(server.dependencies).filter((name) => workspaces.has(name));
  const dependencies = { ...server.dependencies };

  for (const name of bundled) {
    const dir = workspaces.get(name);
    const { dependencies: own = {}, ...manifest } = readJson(join(dir, "package.json"));
    const target = join(stage, "node_modules", name);
    mkdirSync(target, { recursive: true });
    for (const entry of manifest.files) copy(join(dir, entry), join(target, entry));
    for (const [dependency, range] of Object.entries(own)) {
      if (workspaces.has(dependency) && !bundled.includes(dependency)) throw new Error(`${name} needs ${dependency}: make it a dependency of the server too`);
      // Where both name one, the server's range stands (the narrower one, in practice).
      dependencies[dependency] ??= range;
    }
    // Its dependencies become the server's: npm counts a bundled package's own dependencies as
    // part of the bundle, and would install them from the tarball (as empty folders) where they
    // land beside it, in the package's node_modules (a global install).
    writeJson(join(target, "package.json"), manifest);
  }
  for (const bin of Object.values(server.bin)) built(join(root, "packages/server", bin));
  for (const entry of server.files) copy(join(root, "packages/server", entry), join(stage, entry));
  built(join(root, "apps/web/dist/index.html"));
  copy(join(root, "apps/web/dist"), join(stage, "web"));
  cpSync(join(root, "README.md"), join(stage, "README.md"));

  // No scripts (packages/server's prepack only refuses to pack there), no devDependencies.
  const { scripts, devDependencies, ...published } = server;
  Object.assign(published, {
    engines: server.engines ?? rootManifest.engines,
    files: [...server.files, "web"],
    dependencies,
    bundleDependencies: bundled,
  });
  writeJson(join(stage, "package.json"), published);
  mkdirSync(destination, { recursive: true });
  const [packed] = JSON.parse(npmRun(["pack", "--pack-destination", destination, "--json"], stage, true));
  console.log(join(destination, packed.filename));
} catch (error) {
  console.error(`pack: ${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(stage, { recursive: true, force: true });
}
