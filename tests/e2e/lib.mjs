// Shared helpers for the end-to-end tests and the bench: serve dist/, launch Debian's Chromium.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json',
};

/**
 * Serves `dir` as a static site on 127.0.0.1 (any free port). Resolves to {url, close}.
 * `mounts` optionally maps more URL prefixes to directories, e.g. {'/__bench/': '/tmp/x'}.
 */
export async function serveStatic(dir, mounts = {}) {
  const roots = Object.entries(mounts)
    .map(([prefix, root]) => [prefix.endsWith('/') ? prefix : `${prefix}/`, root])
    .sort((a, b) => b[0].length - a[0].length);
  roots.push(['/', dir]);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      const [prefix, root] = roots.find(([p]) => path.startsWith(p));
      let file = normalize(join(root, path.slice(prefix.length - 1)));
      if (!file.startsWith(normalize(root))) { res.writeHead(403).end(); return; }
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Debian's Chromium, headless, as root-safe and offline-quiet as the machine needs. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
}

/** A deterministic sales CSV built here in JS (not by the engine), with its region counts. */
export function salesCsv(rows, seed = 42) {
  const regions = ['NSW', 'VIC', 'QLD', 'WA', 'SA', 'TAS', 'ACT', 'NT'];
  let state = seed >>> 0;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state; };
  const counts = {};
  const lines = ['id,region,product,amount,ts'];
  for (let i = 1; i <= rows; i++) {
    const region = regions[(next() >>> 16) % regions.length]; // high bits: an LCG's low bits cycle
    counts[region] = (counts[region] ?? 0) + 1;
    const amount = ((next() >>> 8) % 50000) / 100;
    lines.push(`${i},${region},widget,${amount.toFixed(2)},2025-0${1 + (i % 9)}-1${i % 10} 10:00:00`);
  }
  return { csv: lines.join('\n') + '\n', counts };
}
