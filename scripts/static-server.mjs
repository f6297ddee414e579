// A static file server for the built app (scripts/serve.sh) and the tests and bench
// (tests/e2e/lib.mjs), so all of them fetch the app the same way.
//
// Like a well-configured static host: a file's precompressed copy (`.br`, else `.gz`, written by
// scripts/precompress.mjs) is sent with `Content-Encoding` when the browser accepts it, with
// `Vary: Accept-Encoding`; every response carries an ETag and `Cache-Control: no-cache`, so a
// reload revalidates (304) instead of downloading the engine again.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json',
  '.png': 'image/png', '.txt': 'text/plain; charset=utf-8', '.zip': 'application/zip',
  '.parquet': 'application/octet-stream', '.csv': 'text/csv',
};

/** The encodings a request accepts, from its Accept-Encoding header (q=0 excluded). */
export function acceptedEncodings(header) {
  const accepted = new Set();
  for (const part of String(header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) accepted.add(name);
  }
  return accepted;
}

async function fileOf(path) {
  const info = await stat(path).catch(() => null);
  return info?.isFile() ? info : null;
}

/**
 * Serves `dir` on 127.0.0.1 (`port` 0: any free port). `mounts` maps more URL prefixes to
 * directories, e.g. {'/__bench/': '/tmp/x'}. Resolves to {url, close}.
 */
export async function serveStatic(dir, mounts = {}, port = 0) {
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
      const info = await fileOf(file);
      if (!info) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache', vary: 'Accept-Encoding' };
      const accepted = acceptedEncodings(req.headers['accept-encoding']);
      let body = file;
      let sent = info;
      for (const [encoding, ext] of [['br', '.br'], ['gzip', '.gz']]) {
        const variant = accepted.has(encoding) && await fileOf(file + ext);
        if (variant && variant.mtimeMs >= info.mtimeMs) {
          body = file + ext;
          sent = variant;
          headers['content-encoding'] = encoding;
          break;
        }
      }
      headers.etag = `"${sent.size.toString(36)}-${Math.floor(sent.mtimeMs).toString(36)}${headers['content-encoding'] ? `-${headers['content-encoding']}` : ''}"`;
      if (req.headers['if-none-match'] === headers.etag) { res.writeHead(304, headers).end(); return; }
      headers['content-length'] = sent.size;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : await readFile(body));
    } catch {
      if (!res.headersSent) res.writeHead(500).end('server error');
    }
  });
  await new Promise((ok, fail) => { server.once('error', fail); server.listen(port, '127.0.0.1', ok); });
  const { port: bound } = server.address();
  return { url: `http://127.0.0.1:${bound}/`, close: () => new Promise((ok) => server.close(ok)) };
}

// `node scripts/static-server.mjs DIR PORT`: serve a built app (scripts/serve.sh does this).
if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir = 'dist', port = '8080'] = process.argv.slice(2);
  const { url } = await serveStatic(dir, {}, Number(port));
  console.log(`\n  Puddle is running at ${url}   (Ctrl+C stops it)\n`);
}
