// Shared helpers for the end-to-end tests and the bench: serve dist/, launch Debian's Chromium.
import { chromium } from 'playwright-core';

// The same server as scripts/serve.sh: precompressed files with Content-Encoding, ETags.
export { serveStatic } from '../../scripts/static-server.mjs';

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
