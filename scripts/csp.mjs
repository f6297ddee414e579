// Gives a built index.html (Trunk's output) a strict Content-Security-Policy.
// Runs as Trunk's post_build hook (Trunk.toml) on the staged index.html, or by hand:
// node scripts/csp.mjs dist/index.html
//
// Scripts run only from this origin or as the page's own inline scripts, allowed by their
// SHA-256 (Trunk writes its loader inline, so the hashes are known only after a build).
// 'wasm-unsafe-eval' lets WebAssembly compile; 'unsafe-eval' and 'unsafe-inline' scripts are
// not allowed, so markup that slipped into the page could not run. Styles allow inline
// `style` attributes (the console sets widths of progress bars and columns with them).
// A static host cannot be relied on for headers, hence the <meta>; frame-ancestors cannot be
// set by a <meta> and is left to the host.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const staged = process.env.TRUNK_STAGING_DIR && `${process.env.TRUNK_STAGING_DIR}/index.html`;
const file = process.argv[2] ?? staged ?? 'dist/index.html';
let html = readFileSync(file, 'utf8').replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/gi, '');
const inline = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1]);
const hashes = inline.map((body) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
if (!/<head>/i.test(html)) throw new Error(`${file}: no <head>`);
html = html.replace(/<head>/i, `<head>\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`);
writeFileSync(file, html);
console.error(`[csp] ${file}: ${inline.length} inline script(s) allowed by hash`);
