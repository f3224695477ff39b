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
//   node_modules/@switchboard/…   the workspace packages the server imports (bundled: they are
//                                 not on the registry), each as its own `npm pack` would ship it
//   package.json                  the server's, with the bundled packages' own dependencies
//                                 added: npm installs the dependencies of the package, not of
//                                 what it bundles. Every other dependency comes from the registry.
// --no-build packs what is built (the test does, beside tests that serve apps/web/dist).
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
    const manifest = readJson(join(dir, "package.json"));
    for (const entry of ["package.json", ...manifest.files]) copy(join(dir, entry), join(stage, "node_modules", name, entry));
    for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) {
      if (workspaces.has(dependency) && !bundled.includes(dependency)) throw new Error(`${name} needs ${dependency}: make it a dependency of the server too`);
      // Where both name one, the server's range stands (the narrower one, in practice).
      dependencies[dependency] ??= range;
    }
  }
  for (const target of Object.values(server.bin)) built(join(root, "packages/server", target));
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
  writeFileSync(join(stage, "package.json"), `${JSON.stringify(published, null, 2)}\n`);
  mkdirSync(destination, { recursive: true });
  const [packed] = JSON.parse(npmRun(["pack", "--pack-destination", destination, "--json"], stage, true));
  console.log(join(destination, packed.filename));
} catch (error) {
  console.error(`pack: ${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(stage, { recursive: true, force: true });
}
