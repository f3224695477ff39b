import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The workspace packages are bundled from their TypeScript sources: no prior `tsc -b` needed.
export default defineConfig({
  root: source("./"),
  base: "/",
  resolve: {
    alias: {
      "@switchboard/client": source("../../packages/client/src/index.ts"),
      "@switchboard/protocol": source("../../packages/protocol/src/index.ts"),
    },
  },
  build: {
    outDir: source("./dist"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    // No inline scripts anywhere: the app runs under `script-src 'self'`.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    rolldownOptions: {
      // confusables.txt (~100 kB) is for comparing names, which only the server does; the
      // package's one top-level effect builds its lookup, so unused it can go.
      treeshake: { moduleSideEffects: [{ test: /[\\/]node_modules[\\/]unhomoglyph[\\/]/, sideEffects: false }] },
    },
  },
});
