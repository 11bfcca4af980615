// The pages' scripts and styles: one bundle per page family from src/, written to
// static/build/ (never committed). Run by `make setup`; `node build.mjs --watch`
// while working on pages.
import * as esbuild from "esbuild";
import { rmSync } from "node:fs";

const pages = ["common", "public", "reception", "inbox", "task", "dossier", "designer",
  "monitor", "admin"];
const options = {
  entryPoints: [...pages.map((name) => `src/${name}.js`), "src/motcua.css"],
  outdir: "static/build",
  bundle: true,
  format: "esm",
  splitting: true,
  minify: true,
  target: "es2020",
  legalComments: "linked",
  loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".svg": "file",
    ".png": "file" },
  logLevel: "warning",
};

if (process.argv.includes("--watch")) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  rmSync(options.outdir, { recursive: true, force: true }); // no chunk of an older build stays
  await esbuild.build(options);
}
