// Writes `<file>.br` and `<file>.gz` beside every compressible file of a built app, so a static
// host can send them with `Content-Encoding` instead of compressing on every request (or not at
// all: Python's http.server and many static hosts send the 32 MB worker wasm as it is).
// Runs as part of Trunk's post_build hook (scripts/post-build.mjs) on the staging directory, or by
// hand: node scripts/precompress.mjs dist
//
// Env: PUDDLE_BROTLI_QUALITY (0-11, default 11: the smallest download; 9 is ~20x faster to build
// and a few per cent larger).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const COMPRESSIBLE = new Set(['.wasm', '.js', '.mjs', '.html', '.css', '.svg', '.json', '.txt', '.map']);
const MIN_BYTES = 1024; // smaller files gain nothing worth a second request path

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? 'dist';
const quality = Number(process.env.PUDDLE_BROTLI_QUALITY ?? 11);
if (!Number.isInteger(quality) || quality < 0 || quality > 11) throw new Error(`bad PUDDLE_BROTLI_QUALITY: ${quality}`);

function* files(root) {
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (COMPRESSIBLE.has(extname(entry.name)) && statSync(path).size >= MIN_BYTES) yield path;
  }
}

let raw = 0;
let br = 0;
let gz = 0;
const started = Date.now();
for (const path of files(dir)) {
  const body = readFileSync(path);
  const brotli = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: quality,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  const gzip = gzipSync(body, { level: 9 });
  writeFileSync(`${path}.br`, brotli);
  writeFileSync(`${path}.gz`, gzip);
  raw += body.length;
  br += brotli.length;
  gz += gzip.length;
}
const mb = (n) => `${(n / 1048576).toFixed(2)} MiB`;
console.error(`[precompress] ${dir}: ${mb(raw)} -> brotli ${mb(br)}, gzip ${mb(gz)} (${Date.now() - started} ms)`);
