// Storage figures of the bench: put/get throughput of 1 MiB and 64 MiB objects through Puddle's
// store (window.puddle.putObject/getObject: page -> worker -> S3 layer -> IndexedDB, chunked,
// MD5 ETag) against raw IndexedDB puts/gets of the same bytes (one value per object, in the page)
// in the same run, and listing 10,000 keys. Used by bench.mjs; also runs alone:
//   node tests/e2e/bench_store.mjs dist
// Env: BENCH_STORE_SIZES=1,64 (MiB), BENCH_STORE_KEYS=10000.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const BUCKET = 'puddle-bench-store';

/** Runs in the page; returns {sizes: [...], listing: {...}}. */
async function inPage({ bucket, sizesMiB, keys }) {
  const p = window.puddle;
  await p.createBucket(bucket).catch(() => {});
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const time = async (f) => { const t = performance.now(); await f(); return performance.now() - t; };
  const idb = await new Promise((ok, ko) => {
    const req = indexedDB.open('puddle-bench-raw', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('blobs');
    req.onsuccess = () => ok(req.result);
    req.onerror = () => ko(req.error);
  });
  const done = (tx) => new Promise((ok, ko) => { tx.oncomplete = ok; tx.onerror = () => ko(tx.error); tx.onabort = () => ko(tx.error); });
  const rawPut = (key, value) => { const tx = idb.transaction('blobs', 'readwrite'); tx.objectStore('blobs').put(value, key); return done(tx); };
  const rawGet = (key) => new Promise((ok, ko) => {
    const r = idb.transaction('blobs').objectStore('blobs').get(key);
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });
  const rawClear = () => { const tx = idb.transaction('blobs', 'readwrite'); tx.objectStore('blobs').clear(); return done(tx); };

  const sizes = [];
  for (const mib of sizesMiB) {
    const size = mib * 1024 * 1024;
    const data = new Uint8Array(size);
    for (let o = 0; o < size; o += 65536) crypto.getRandomValues(data.subarray(o, Math.min(size, o + 65536)));
    const runs = mib >= 32 ? 3 : 8;
    const r = { mib, runs, puddlePut: [], puddleGet: [], rawPut: [], rawGet: [] };
    for (let i = 0; i < runs; i++) {
      const key = `s3://${bucket}/bench/${mib}MiB-${i}.bin`;
      r.puddlePut.push(await time(() => p.putObject(key, data)));
      let back;
      r.puddleGet.push(await time(async () => { back = await p.getObject(key); }));
      if (back.length !== size || back[size - 1] !== data[size - 1]) throw new Error(`puddle read back ${back.length} bytes`);
      await p.deleteObject(key);
      r.rawPut.push(await time(() => rawPut(`${mib}-${i}`, data)));
      let raw;
      r.rawGet.push(await time(async () => { raw = await rawGet(`${mib}-${i}`); }));
      if (raw.length !== size) throw new Error(`raw IndexedDB read back ${raw.length} bytes`);
      await rawClear();
    }
    for (const k of ['puddlePut', 'puddleGet', 'rawPut', 'rawGet']) r[`${k}Median`] = median(r[k]);
    sizes.push(r);
  }

  // 10,000 small objects, then ListObjectsV2 over them (all pages joined), flat and by folder.
  const listing = { keys };
  listing.putMs = await time(async () => {
    const body = new TextEncoder().encode('x');
    for (let i = 0; i < keys; i += 250) {
      const batch = [];
      for (let j = i; j < Math.min(keys, i + 250); j++) {
        batch.push(p.putObject(`s3://${bucket}/list/d${String(j % 10)}/k${String(j).padStart(6, '0')}`, body));
      }
      await Promise.all(batch);
    }
  });
  const flat = [];
  const folders = [];
  let count = 0;
  for (let i = 0; i < 3; i++) {
    flat.push(await time(async () => { count = (await p.listObjects(`s3://${bucket}/list/`)).objects.length; }));
    folders.push(await time(() => p.listObjects(`s3://${bucket}/list/d3/`, { delimiter: '/' })));
  }
  if (count !== keys) throw new Error(`listed ${count} keys, expected ${keys}`);
  listing.flatMs = median(flat);
  listing.folderMs = median(folders);
  // Raw IndexedDB: the same number of keys, then getAllKeys.
  await (async () => {
    const tx = idb.transaction('blobs', 'readwrite');
    const s = tx.objectStore('blobs');
    for (let j = 0; j < keys; j++) s.put(new Uint8Array(1), `list/k${String(j).padStart(6, '0')}`);
    await done(tx);
  })();
  const rawList = [];
  for (let i = 0; i < 3; i++) {
    rawList.push(await time(() => new Promise((ok, ko) => {
      const r = idb.transaction('blobs').objectStore('blobs').getAllKeys();
      r.onsuccess = () => ok(r.result.length);
      r.onerror = () => ko(r.error);
    })));
  }
  listing.rawMs = median(rawList);
  await rawClear();
  idb.close();
  await p.exec(`aws s3 rb s3://${bucket} --force`);
  return { sizes, listing };
}

/** Measures in `page` (a loaded Puddle page); returns the report lines. */
export async function benchStore(page, { sizesMiB, keys } = {}) {
  sizesMiB ??= (process.env.BENCH_STORE_SIZES ?? '1,64').split(',').map(Number);
  keys ??= Number(process.env.BENCH_STORE_KEYS ?? 10000);
  const r = await page.evaluate(inPage, { bucket: BUCKET, sizesMiB, keys });
  const mbps = (mib, ms) => (mib / (ms / 1000)).toFixed(1);
  const f = (x) => (x >= 100 ? `${Math.round(x)}` : x.toFixed(1));
  const lines = ['Storage (same bytes, same run; MiB/s from the median of the runs; Puddle = window.puddle -> worker -> IndexedDB store):'];
  lines.push('  object   runs   Puddle put       raw IDB put      put ratio   Puddle get       raw IDB get      get ratio');
  for (const s of r.sizes) {
    lines.push(`  ${`${s.mib} MiB`.padEnd(8)} ${String(s.runs).padStart(4)}   `
      + `${`${mbps(s.mib, s.puddlePutMedian)} MiB/s`.padEnd(16)} ${`${mbps(s.mib, s.rawPutMedian)} MiB/s`.padEnd(16)} `
      + `${`${(s.puddlePutMedian / s.rawPutMedian).toFixed(2)}x`.padEnd(11)} `
      + `${`${mbps(s.mib, s.puddleGetMedian)} MiB/s`.padEnd(16)} ${`${mbps(s.mib, s.rawGetMedian)} MiB/s`.padEnd(16)} `
      + `${(s.puddleGetMedian / s.rawGetMedian).toFixed(2)}x`);
  }
  lines.push('  (ratio = Puddle time / raw IndexedDB time: how many times slower Puddle is.)');
  const l = r.listing;
  lines.push(`Listing: ${l.keys} keys put in ${f(l.putMs)} ms (250 concurrent puts at a time);`
    + ` ListObjectsV2 of all ${l.keys} (every page) ${f(l.flatMs)} ms; one folder of ${l.keys / 10} with delimiter ${f(l.folderMs)} ms;`
    + ` raw IndexedDB getAllKeys of ${l.keys} keys ${f(l.rawMs)} ms.`);
  return lines;
}

// Standalone: node bench_store.mjs [distDir]
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { launchChromium, serveStatic } = await import('./lib.mjs');
  const dist = resolve(process.argv[2] ?? new URL('../../dist', import.meta.url).pathname);
  const server = await serveStatic(dist);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(15 * 60_000);
    await page.goto(server.url);
    await page.waitForFunction(() => window.puddle);
    await page.evaluate(() => window.puddle.ready);
    console.log((await benchStore(page)).join('\n'));
  } finally {
    await browser.close();
    await server.close();
  }
}
