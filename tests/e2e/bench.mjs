// The bench: figures of the built app (dist/) measured in headless Chromium, beside DuckDB-WASM.
// Not a test: it prints figures and has no thresholds (it fails only if the app cannot start).
//
// Usage: node bench.mjs [distDir]          (default ../../dist; scripts/bench.sh passes dist)
// Env:   BENCH_SIZES=100000,1000000        rows of each generated dataset (CSV and Parquet each)
//        BENCH_RUNS=3                      measured runs per query, after one warm-up
//        BENCH_OUT=path                    where the report goes (default tests/e2e/bench-results.txt)
//        BENCH_VERBOSE=1                   echo the pages' console
//        BENCH_DUCKDB_MODULES=dir          a node_modules holding another @duckdb/duckdb-wasm to
//                                          compare with (default: this folder's, the pinned one)
//
// What it measures:
//  1. every .wasm in dist/, raw and gzip -9, and the total of the .js files;
//  2. cold start in a fresh browser context (empty IndexedDB, empty HTTP cache): page.goto ->
//     puddle.ready, and page.goto -> first result of the lab query on a 1000-row CSV;
//  3. per dataset (generateSales into its own prefix, one table each): generation time, then the
//     lab GROUP BY, 1 warm-up + BENCH_RUNS runs: median wall time in the page (performance.now
//     around puddle.sql), median stats.elapsedMs, stats.bytesScanned;
//  4. the same query on the same bytes (read back with puddle.getObject, written to a temp dir by
//     this script and served) in DuckDB-WASM, in another page of the same browser;
//  5. storage (bench_store.mjs): put/get throughput of 1 MiB and 64 MiB objects through Puddle
//     against raw IndexedDB puts/gets of the same bytes, and listing 10,000 keys.
//  6. bench-lake.mjs: the other Athena queries of issue #5 (NSW filter, top-10 products, CTAS to
//     Parquet) per dataset, the Glue filter-and-write job of #6 on the largest datasets and the
//     crawl of 100 MiB of CSV of #4, beside DuckDB-WASM (its env vars are listed there).
//  7. bench-streams.mjs: sustained Kinesis PutRecords throughput and producer-to-queryable-Parquet
//     latency through Firehose (its env vars are listed there).
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launchChromium, serveStatic } from './lib.mjs';
import { benchStore } from './bench_store.mjs';
import { benchCrawl, benchDuckQueries, benchPuddleEtl, benchPuddleQueries, ETL, lakeReport } from './bench-lake.mjs';
import { benchStreams } from './bench-streams.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.argv[2] ?? join(here, '../../dist'));
const outFile = resolve(process.env.BENCH_OUT ?? join(here, 'bench-results.txt'));
const SIZES = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map((s) => Number(s.trim()));
const FORMATS = ['csv', 'parquet'];
const WARMUP = 1;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const VERBOSE = !!process.env.BENCH_VERBOSE;
const DUCK_MODULES = resolve(process.env.BENCH_DUCKDB_MODULES ?? join(here, 'node_modules'));
const BUCKET = 'puddle-bench';
const DATABASE = 'bench';
const STEP_TIMEOUT = 15 * 60_000; // one generation or one query series; 1M rows can take a while
const lab = (table) => `SELECT region, COUNT(*) AS sales_count FROM ${table} GROUP BY region`;

if (SIZES.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`bad BENCH_SIZES: ${process.env.BENCH_SIZES}`);

// ---------------------------------------------------------------------------------------------
// Formatting helpers.

const log = (...a) => console.log(...a);
const ms = (x) => (x == null || Number.isNaN(x) ? 'n/a' : x >= 100 ? `${Math.round(x)}` : x.toFixed(1));
const rowsLabel = (n) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : `${n}`);
function bytes(n) {
  if (n == null) return 'n/a';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(2)} MiB`;
}
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
/** A markdown table with padded columns; `right` lists the right-aligned column indexes. */
function table(headers, rows, right = []) {
  const cells = [headers, ...rows].map((r) => r.map(String));
  const width = headers.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => (right.includes(i) ? c.padStart(width[i]) : c.padEnd(width[i]))).join(' | ')} |`;
  const rule = `|${width.map((w, i) => (right.includes(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}
/** An error's message on one line, without its stack nor Playwright's "page.evaluate: " wrapper. */
const why = (e) => String(e?.message ?? e).split(/\n\s+at /)[0].replace(/^page\.\w+: /, '')
  .replace(/\s*\n\s*/g, ' ').trim().slice(0, 600);
function withTimeout(promise, limit, what) {
  let timer;
  const t = new Promise((_, no) => { timer = setTimeout(() => no(new Error(`${what}: no answer after ${limit / 1000} s`)), limit); });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}
/** {region: count} of result rows [[region, count], ...], with keys sorted. */
const countsOf = (rows) => Object.fromEntries(rows.map(([r, c]) => [String(r), Number(c)]).sort(([a], [b]) => a.localeCompare(b)));

// ---------------------------------------------------------------------------------------------
// 1. Download sizes.

async function distSizes() {
  const entries = await readdir(dist, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .filter((f) => !relative(dist, f).split(/[\\/]/).some((part) => part.startsWith('.')))
    .sort();
  const wasm = [];
  const js = { count: 0, raw: 0, gz: 0 };
  for (const f of files) {
    const ext = extname(f);
    if (ext !== '.wasm' && ext !== '.js' && ext !== '.mjs') continue;
    const body = await readFile(f);
    const gz = gzipSync(body, { level: 9 }).length;
    if (ext === '.wasm') wasm.push({ file: relative(dist, f), raw: body.length, gz });
    else { js.count++; js.raw += body.length; js.gz += gz; }
  }
  if (!wasm.some((w) => /puddle-worker.*\.wasm$/.test(w.file))) throw new Error(`no puddle-worker*.wasm in ${dist}: build the app first (trunk build --release)`);
  return { wasm, js };
}

// ---------------------------------------------------------------------------------------------
// A small PUT-only server: the Puddle page sends the bytes of puddle.getObject here, and they are
// served back to the DuckDB page by the static server under /__bench-data/.

async function uploadServer(dir) {
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': '*' };
  const server = createServer(async (req, res) => {
    try {
      if (req.method === 'OPTIONS') { res.writeHead(204, cors).end(); return; }
      const name = decodeURIComponent(new URL(req.url, 'http://x').pathname.slice(1));
      if (req.method !== 'PUT' || !/^[\w.-]+$/.test(name)) { res.writeHead(400, cors).end('bad request'); return; }
      await pipeline(req, createWriteStream(join(dir, name)));
      res.writeHead(200, cors).end('ok');
    } catch (e) {
      res.writeHead(500, cors).end(String(e));
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

// ---------------------------------------------------------------------------------------------
// Pages.

const pageErrors = [];
function watch(page, label) {
  page.setDefaultTimeout(STEP_TIMEOUT);
  page.on('pageerror', (e) => pageErrors.push(`${label}: ${why(e)}`));
  page.on('crash', () => pageErrors.push(`${label}: the page crashed`));
  page.on('console', (m) => { if (VERBOSE) log(`  [${label} console.${m.type()}] ${m.text()}`); });
  return page;
}

/** Opens the app in a new page of `context` and waits for window.puddle.ready. */
async function openPuddle(context, url) {
  const page = watch(await context.newPage(), 'puddle');
  await page.goto(url);
  await page.waitForFunction(() => window.puddle);
  await page.evaluate(() => window.puddle.ready);
  return page;
}

// ---------------------------------------------------------------------------------------------
// 2. Cold start.

async function coldStart(browser, url) {
  const context = await browser.newContext();
  try {
    // Every response of the cold start, as sent over the wire (compressed when served so).
    const fetched = [];
    context.on('requestfinished', (request) => {
      fetched.push(request.sizes().then(async (sz) => {
        const encoding = (await request.response())?.headers()['content-encoding'] ?? 'identity';
        return { url: request.url(), bytes: sz.responseBodySize + sz.responseHeadersSize, encoding };
      }).catch(() => null));
    });
    const page = watch(await context.newPage(), 'cold');
    const t0 = performance.now();
    await page.goto(url);
    await page.waitForFunction(() => window.puddle);
    await page.evaluate(() => window.puddle.ready);
    const readyMs = performance.now() - t0;
    const steps = await page.evaluate(async (sql) => {
      const p = window.puddle;
      const t = [performance.now()];
      await p.createBucket('cold-start-lab');
      t.push(performance.now());
      await p.generateSales('s3://cold-start-lab/sales/sales.csv', { rows: 1000, format: 'csv' });
      t.push(performance.now());
      await p.createTable({ database: 'default', name: 'sales_data', location: 's3://cold-start-lab/sales/', format: 'csv' });
      t.push(performance.now());
      const res = await p.sql(sql);
      t.push(performance.now());
      const d = t.slice(1).map((x, i) => x - t[i]);
      return { bucket: d[0], generate: d[1], table: d[2], query: d[3], engineMs: res.stats.elapsedMs, rows: res.rows };
    }, lab('sales_data'));
    const firstResultMs = performance.now() - t0;
    const total = Object.values(countsOf(steps.rows)).reduce((a, b) => a + b, 0);
    const navMs = await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.loadEventEnd ?? null);
    const responses = (await Promise.all(fetched)).filter(Boolean);
    const download = {
      bytes: responses.reduce((a, r) => a + r.bytes, 0),
      files: responses.length,
      encodings: [...new Set(responses.filter((r) => r.bytes > 65536).map((r) => r.encoding))].join(', ') || 'n/a',
    };
    return { readyMs, firstResultMs, steps, total, navMs, download };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Puddle on generated datasets.

async function benchPuddleDataset(page, ds, uploadUrl) {
  const { rows, format, name } = ds;
  const uri = `s3://${BUCKET}/${name}/data.${format}`;
  const gen = await withTimeout(page.evaluate(async ({ uri, rows, format }) => {
    const t = performance.now();
    const out = await window.puddle.generateSales(uri, { rows, format });
    return { ...out, ms: performance.now() - t };
  }, { uri, rows, format }), STEP_TIMEOUT, `generateSales ${rows} ${format}`);
  ds.size = gen.size;
  ds.genMs = gen.ms;
  log(`  generated ${name}: ${bytes(gen.size)} in ${ms(gen.ms)} ms`);

  await page.evaluate((input) => window.puddle.createTable(input),
    { database: DATABASE, name, location: `s3://${BUCKET}/${name}/`, format });

  const q = await withTimeout(page.evaluate(async ({ sql, database, warmup, runs }) => {
    const p = window.puddle;
    let res;
    for (let i = 0; i < warmup; i++) res = await p.sql(sql, { database });
    const wall = [];
    const engine = [];
    const scanned = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      res = await p.sql(sql, { database });
      wall.push(performance.now() - t);
      engine.push(res.stats.elapsedMs);
      scanned.push(res.stats.bytesScanned);
    }
    return { wall, engine, scanned, rows: res.rows };
  }, { sql: lab(name), database: DATABASE, warmup: WARMUP, runs: RUNS }), STEP_TIMEOUT, `query ${name}`);
  ds.puddle = { ...q, median: median(q.wall), engineMedian: median(q.engine), counts: countsOf(q.rows) };
  log(`  ${name}: Puddle median ${ms(ds.puddle.median)} ms (runs ${q.wall.map(ms).join(', ')}), engine ${ms(ds.puddle.engineMedian)} ms, scanned ${bytes(q.scanned.at(-1))}`);

  // Hand the very same bytes to node, for DuckDB.
  ds.file = `${name}.${format}`;
  const sent = await withTimeout(page.evaluate(async ({ uri, put }) => {
    const body = await window.puddle.getObject(uri);
    const r = await fetch(put, { method: 'PUT', body });
    if (!r.ok) throw new Error(`upload to the bench failed: ${r.status} ${await r.text()}`);
    return body.length;
  }, { uri, put: `${uploadUrl}${ds.file}` }), STEP_TIMEOUT, `export ${name}`);
  if (sent !== gen.size) ds.notes.push(`getObject returned ${sent} bytes, generateSales said ${gen.size}`);
  ds.exported = true;
}

// ---------------------------------------------------------------------------------------------
// 4. DuckDB-WASM on the same files.

async function openDuck(context, url) {
  const page = watch(await context.newPage(), 'duckdb');
  await page.goto(`${url}__bench/bench/duckdb.html`);
  const info = await withTimeout(page.evaluate(async () => {
    const d = await window.duckBench;
    return { version: d.version, initMs: d.initMs, parquetBuiltIn: d.parquetBuiltIn };
  }), 5 * 60_000, 'DuckDB-WASM start');
  return { page, info };
}

async function benchDuckDataset(page, ds) {
  const view = ds.name;
  const load = await withTimeout(page.evaluate(({ file, format, view }) =>
    window.duckBench.then((d) => d.load(file, `/__bench-data/${file}`, format, view)), { file: ds.file, format: ds.format, view }),
  STEP_TIMEOUT, `DuckDB load ${ds.file}`);
  if (load.size !== ds.size) ds.notes.push(`DuckDB got ${load.size} bytes, Puddle stored ${ds.size}`);
  const q = await withTimeout(page.evaluate(({ sql, warmup, runs }) =>
    window.duckBench.then((d) => d.run(sql, warmup, runs)), { sql: lab(view), warmup: WARMUP, runs: RUNS }),
  STEP_TIMEOUT, `DuckDB query ${ds.name}`);
  await page.evaluate(({ file, view }) => window.duckBench.then((d) => d.drop(file, view)), { file: ds.file, view });
  ds.duck = { ...q, counts: countsOf(q.rows) };
  log(`  ${ds.name}: DuckDB-WASM median ${ms(q.median)} ms (runs ${q.times.map(ms).join(', ')})`);
}

/** Runs a bench-lake step (which records its own failures); returns a live Puddle page. */
async function lakeStep(context, page, step) {
  await step().catch((e) => log(`  FAILED: ${why(e)}`));
  const alive = !page.isClosed() && await withTimeout(page.evaluate(() => window.puddle.listBuckets().then(() => true)), 60_000, 'engine check')
    .catch(() => false);
  if (alive) return page;
  await page.close().catch(() => {});
  return openPuddle(context, server.url);
}

// ---------------------------------------------------------------------------------------------
// Main.

const started = new Date();
const loadAvg = loadavg()[0];
const sizes = await distSizes();
const duckPkg = JSON.parse(await readFile(join(DUCK_MODULES, '@duckdb/duckdb-wasm/package.json'), 'utf8').catch(() => 'null'));
const duckWasm = await readFile(join(DUCK_MODULES, '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'))
  .then((b) => ({ file: 'duckdb-eh.wasm', raw: b.length, gz: gzipSync(b, { level: 9 }).length }), () => null);
const dataDir = await mkdtemp(join(tmpdir(), 'puddle-bench-'));
// The app at /, the DuckDB page at /__bench/bench/ with its npm files at /__bench/node_modules/,
// the bytes read back from Puddle at /__bench-data/.
const server = await serveStatic(dist, { '/__bench/': here, '/__bench/node_modules/': DUCK_MODULES, '/__bench-data/': dataDir });
const upload = await uploadServer(dataDir);
const datasets = SIZES.flatMap((rows) => FORMATS.map((format) => ({ rows, format, name: `sales_${format}_${rowsLabel(rows).toLowerCase()}`, notes: [] })));
const problems = [];
let browser;
let chromiumVersion = '?';
let puddleVersion = '?';
let cold = null;
let storeLines = null;
let duckInfo = null;
let duckError = null;
let crawl = null;
let streamLines = null;
const lakeCfg = { database: DATABASE, bucket: BUCKET, log, withTimeout, timeout: STEP_TIMEOUT };

try {
  browser = await launchChromium();
  chromiumVersion = browser.version();
  log(`Chromium ${chromiumVersion}; dist ${dist}; sizes ${SIZES.join(', ')}; ${WARMUP} warm-up + ${RUNS} runs`);

  log('cold start (fresh context)...');
  cold = await coldStart(browser, server.url);
  log(`  ready ${ms(cold.readyMs)} ms, first lab result ${ms(cold.firstResultMs)} ms`);

  // The page's Content-Security-Policy allows fetches to its own origin only; the bench sends the
  // bytes it read back from Puddle to this script's upload server on another port.
  const context = await browser.newContext({ bypassCSP: true });
  let page = await openPuddle(context, server.url);
  puddleVersion = await page.evaluate(() => window.puddle.version);
  await page.evaluate(() => window.puddle.reset());
  await page.reload();
  await page.waitForFunction(() => window.puddle);
  await page.evaluate(() => window.puddle.ready);
  await page.evaluate((b) => window.puddle.createBucket(b), BUCKET);

  for (const ds of datasets) {
    log(`Puddle ${ds.name} (${ds.rows} rows, ${ds.format})...`);
    try {
      await benchPuddleDataset(page, ds, upload.url);
    } catch (e) {
      ds.error = why(e);
      log(`  FAILED: ${ds.error}`);
      // A crashed or stuck page: start over in a new one (the lake stays in IndexedDB).
      try {
        const alive = !page.isClosed() && await withTimeout(page.evaluate(() => window.puddle.listBuckets().then(() => true)), 60_000, 'engine check');
        if (!alive) throw new Error('page gone');
      } catch {
        await page.close().catch(() => {});
        page = await openPuddle(context, server.url);
      }
    }
    if (!ds.error) page = await lakeStep(context, page, () => benchPuddleQueries(page, ds, lakeCfg));
  }
  log('storage: put/get 1 MiB and 64 MiB, Puddle vs raw IndexedDB; listing 10,000 keys...');
  try {
    storeLines = await withTimeout(benchStore(page), STEP_TIMEOUT, 'storage bench');
    log(storeLines.map((l) => `  ${l}`).join('\n'));
  } catch (e) {
    problems.push(`storage bench: ${why(e)}`);
    log(`  FAILED: ${why(e)}`);
  }
  const largest = Math.max(...SIZES);
  for (const ds of datasets.filter((d) => ETL && !d.error && d.rows === largest)) {
    log(`Glue job on ${ds.name}...`);
    page = await lakeStep(context, page, () => benchPuddleEtl(page, ds, lakeCfg));
  }
  log('crawl...');
  page = await lakeStep(context, page, async () => { crawl = await benchCrawl(page, lakeCfg); });
  log('streaming...');
  page = await lakeStep(context, page, async () => { streamLines = await benchStreams(page, lakeCfg); });
  await page.close();

  log('DuckDB-WASM...');
  let duckPage = null;
  try {
    if (!duckPkg) throw new Error('@duckdb/duckdb-wasm is not installed (cd tests/e2e && npm ci)');
    const d = await openDuck(context, server.url);
    duckPage = d.page;
    duckInfo = d.info;
    log(`  DuckDB-WASM ${duckPkg.version} (DuckDB ${duckInfo.version}) ready in ${ms(duckInfo.initMs)} ms`);
  } catch (e) {
    duckError = why(e);
    log(`  DuckDB-WASM cannot run here: ${duckError}`);
  }
  if (duckPage) {
    for (const ds of datasets.filter((d) => d.exported)) {
      if (ds.format === 'parquet' && duckInfo.parquetBuiltIn === false) {
        ds.duckSkipped = true;
        continue;
      }
      try {
        await benchDuckDataset(duckPage, ds);
      } catch (e) {
        ds.duckError = why(e);
        log(`  DuckDB ${ds.name} FAILED: ${ds.duckError}`);
        if (duckPage.isClosed() || /crash|closed/i.test(ds.duckError)) {
          await duckPage.close().catch(() => {});
          duckPage = (await openDuck(context, server.url).catch(() => ({ page: null }))).page;
          if (!duckPage) break;
        }
      }
      if (!duckPage.isClosed()) await benchDuckQueries(duckPage, ds, lakeCfg).catch((e) => { ds.notes.push(`DuckDB-WASM lake queries: ${why(e)}`); });
    }
  }
} catch (e) {
  problems.push(`bench aborted: ${why(e)}`);
  log(`bench aborted: ${e?.stack ?? e}`);
} finally {
  await browser?.close().catch(() => {});
  await server.close();
  await upload.close();
  await rm(dataDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Report.

const out = [];
out.push(`Puddle ${puddleVersion} bench, ${started.toISOString()}`);
out.push(`Headless Chromium ${chromiumVersion}; ${WARMUP} warm-up + ${RUNS} measured runs per query, medians; times in ms.`);
out.push(`Machine: ${availableParallelism()} CPU(s), load average ${loadAvg.toFixed(2)} at start (other work on the machine skews the figures).`);
out.push(`DuckDB-WASM: ${duckPkg ? `@duckdb/duckdb-wasm ${duckPkg.version} (eh bundle, DuckDB ${duckInfo?.version ?? '?'})` : 'not installed'}`
  + `${duckInfo ? `, started in ${ms(duckInfo.initMs)} ms` : ''}${duckError ? `; could not run: ${duckError}` : ''}`);
out.push('');
out.push('Download size (dist/, gzip -9):');
out.push(table(['file', 'raw', 'gzip'], [
  ...sizes.wasm.map((w) => [w.file, bytes(w.raw), bytes(w.gz)]),
  [`all JS (${sizes.js.count} files)`, bytes(sizes.js.raw), bytes(sizes.js.gz)],
  ['total wasm + JS', bytes(sizes.js.raw + sizes.wasm.reduce((a, w) => a + w.raw, 0)), bytes(sizes.js.gz + sizes.wasm.reduce((a, w) => a + w.gz, 0))],
], [1, 2]));
if (duckWasm) out.push(`For reference, DuckDB-WASM's ${duckWasm.file}: ${bytes(duckWasm.raw)} raw, ${bytes(duckWasm.gz)} gzip -9.`);
out.push('');
if (cold) {
  out.push(`Cold start (fresh context, empty IndexedDB and HTTP cache, served from localhost): page.goto -> puddle.ready ${ms(cold.readyMs)} ms;`
    + ` page.goto -> first lab query result ${ms(cold.firstResultMs)} ms`);
  out.push(`  (after ready: createBucket ${ms(cold.steps.bucket)}, generateSales 1000 rows CSV ${ms(cold.steps.generate)}, createTable ${ms(cold.steps.table)},`
    + ` lab query ${ms(cold.steps.query)} ms, of which engine ${ms(cold.steps.engineMs)}; load event at ${ms(cold.navMs)} ms; ${cold.total} rows counted)`);
  out.push(`Download for the first query: ${bytes(cold.download.bytes)} in ${cold.download.files} responses, as served by scripts/serve.sh's server`
    + ` (large files sent as: ${cold.download.encodings}; DuckDB-WASM 1.28's eh bundle: 4.1 MB gzip).`);
} else {
  out.push('Cold start: not measured');
}
out.push('');
out.push(`Lab query: ${lab('<table>')}`);
const cell = (ds, f) => (ds.error ? 'FAILED' : f());
out.push(table(
  ['dataset', 'rows', 'format', 'file size', 'generate+store ms', 'Puddle median ms', 'Puddle engine ms', 'bytes scanned', 'DuckDB-WASM median ms', 'same counts'],
  datasets.map((ds) => [
    ds.name, ds.rows, ds.format,
    ds.size == null ? 'n/a' : bytes(ds.size),
    ds.genMs == null ? 'FAILED' : ms(ds.genMs),
    cell(ds, () => ms(ds.puddle?.median)),
    cell(ds, () => ms(ds.puddle?.engineMedian)),
    cell(ds, () => (ds.puddle ? `${ds.puddle.scanned.at(-1)} (${bytes(ds.puddle.scanned.at(-1))})` : 'n/a')),
    ds.duck ? ms(ds.duck.median) : ds.duckError ? 'FAILED' : ds.duckSkipped ? 'n/a (*)' : 'n/a',
    ds.puddle && ds.duck ? (JSON.stringify(ds.puddle.counts) === JSON.stringify(ds.duck.counts) ? 'yes' : 'NO') : 'n/a',
  ]),
  [1, 3, 4, 5, 6, 7, 8],
));
if (datasets.some((d) => d.duckSkipped)) {
  out.push(`(*) this DuckDB-WASM has no built-in parquet reader: it downloads the parquet extension at run time from`
    + ` extensions.duckdb.org, which this machine cannot reach (the npm package ships no copy).`);
}
out.push('');
if (storeLines) out.push(...storeLines, '');
out.push('Runs (ms):');
for (const ds of datasets) {
  const parts = [];
  if (ds.puddle) parts.push(`Puddle wall ${ds.puddle.wall.map(ms).join(' / ')}, engine ${ds.puddle.engine.map(ms).join(' / ')}`);
  if (ds.duck) parts.push(`DuckDB-WASM ${ds.duck.times.map(ms).join(' / ')}`);
  if (parts.length) out.push(`  ${ds.name}: ${parts.join('; ')}`);
}
const lake = lakeReport(datasets, crawl, { ms, bytes, table });
out.push(...lake.lines);
out.push(...(streamLines ?? ['', 'Streaming: not measured (see the log)']));
problems.push(...lake.problems);
for (const ds of datasets) {
  const total = ds.puddle ? Object.values(ds.puddle.counts).reduce((a, b) => a + b, 0) : null;
  if (total != null && total !== ds.rows) ds.notes.push(`Puddle counted ${total} rows, expected ${ds.rows}`);
  if (ds.puddle && ds.duck && JSON.stringify(ds.puddle.counts) !== JSON.stringify(ds.duck.counts)) {
    ds.notes.push(`counts differ: Puddle ${JSON.stringify(ds.puddle.counts)}, DuckDB ${JSON.stringify(ds.duck.counts)}`);
  }
  if (ds.error) problems.push(`${ds.name}: Puddle: ${ds.error}`);
  if (ds.duckError) problems.push(`${ds.name}: DuckDB-WASM: ${ds.duckError}`);
  for (const n of ds.notes) problems.push(`${ds.name}: ${n}`);
}
if (duckError) problems.push(`DuckDB-WASM: ${duckError}`);
problems.push(...[...new Set(pageErrors)].map((e) => `page error: ${e}`));
if (problems.length) {
  out.push('');
  out.push('Problems:');
  for (const p of problems) out.push(`  - ${p}`);
}

const report = out.join('\n') + '\n';
log(`\n${report}`);
await writeFile(outFile, report);
log(`(written to ${relative(process.cwd(), outFile) || outFile})`);
process.exit(cold ? 0 : 1);
