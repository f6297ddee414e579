// The lake part of the bench (tests/e2e/bench.mjs): the Athena queries of issue #5 beyond the lab
// GROUP BY, the filter-and-write Glue job of issue #6 and the crawl of issue #4, each beside
// DuckDB-WASM (or beside merely reading the bytes, for the crawl) in the same browser run.
//
// bench.mjs calls, in order:
//   benchPuddleQueries(page, ds, cfg)   after its own lab query on dataset `ds` (table ds.name)
//   benchPuddleEtl(page, ds, cfg)       on the largest datasets (the table made above)
//   benchCrawl(page, cfg)               100 CSV files under one prefix, crawled, and read back
//   benchDuckQueries(duckPage, ds, cfg) the same queries on the same bytes in DuckDB-WASM
//   lakeReport(datasets, crawl, fmt)    the report's lines
// Results go into ds.lake = {puddle: {nsw, top10, ctas}, duck: {...}, etl, notes}.
//
// Env: BENCH_LAKE_RUNS=n    measured runs of each extra query (default BENCH_RUNS), after 1 warm-up
//      BENCH_ETL=0          skip the Glue job
//      BENCH_CRAWL_MB=100   MiB of CSV to crawl, in BENCH_CRAWL_FILES files (0 skips the crawl)
//      BENCH_CRAWL_FILES=100

/** The extra Athena queries: a SELECT that returns rows, a top-10 aggregate, a CTAS to Parquet. */
export const QUERIES = {
  nsw: {
    label: "SELECT * FROM t WHERE region = 'NSW'",
    puddle: (t) => `SELECT * FROM ${t} WHERE region = 'NSW'`,
    duck: (t) => `SELECT * FROM ${t} WHERE region = 'NSW'`,
  },
  top10: {
    label: 'SELECT product, SUM(amount) AS revenue FROM t GROUP BY product ORDER BY revenue DESC LIMIT 10',
    puddle: (t) => `SELECT product, SUM(amount) AS revenue FROM ${t} GROUP BY product ORDER BY revenue DESC LIMIT 10`,
    duck: (t) => `SELECT product, SUM(amount) AS revenue FROM ${t} GROUP BY product ORDER BY revenue DESC LIMIT 10`,
  },
  ctas: {
    label: "CTAS: CREATE TABLE x WITH (format='PARQUET', external_location='s3://...') AS SELECT * FROM t WHERE amount > 100"
      + " (DuckDB: COPY (SELECT * FROM t WHERE amount > 100) TO 'x.parquet' (FORMAT PARQUET))",
    // __RUN__ becomes the run number: every CTAS needs a new table and an empty location.
    puddle: (t, { database, bucket }) => `CREATE TABLE ${database}.ctas_${t}___RUN__ WITH (format = 'PARQUET',`
      + ` external_location = 's3://${bucket}/ctas/${t}/run-__RUN__/') AS SELECT * FROM ${t} WHERE amount > 100`,
    duck: (t) => `COPY (SELECT * FROM ${t} WHERE amount > 100) TO 'ctas_${t}.parquet' (FORMAT PARQUET)`,
  },
};

const env = process.env;
export const LAKE_RUNS = Number(env.BENCH_LAKE_RUNS ?? env.BENCH_RUNS ?? 3);
export const ETL = env.BENCH_ETL !== '0';
export const CRAWL_MB = Number(env.BENCH_CRAWL_MB ?? 100);
export const CRAWL_FILES = Number(env.BENCH_CRAWL_FILES ?? 100);
if (!Number.isInteger(LAKE_RUNS) || LAKE_RUNS < 1) throw new Error(`bad BENCH_LAKE_RUNS: ${env.BENCH_LAKE_RUNS}`);
if (!(CRAWL_MB >= 0) || !Number.isInteger(CRAWL_FILES) || CRAWL_FILES < 1) throw new Error('bad BENCH_CRAWL_MB / BENCH_CRAWL_FILES');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const errText = (e) => String(e?.message ?? e).split(/\n\s+at /)[0].replace(/^page\.\w+: /, '').replace(/\s*\n\s*/g, ' ').trim().slice(0, 400);

// ---------------------------------------------------------------------------------------------
// Puddle: the extra queries on one dataset.

/** Runs `sql` (with __RUN__ replaced by the run number) 1 + runs times in the page; keeps `keep` rows. */
function puddleSeries(page, sql, { database, runs, keep }) {
  return page.evaluate(async ({ sql, database, runs, keep }) => {
    const p = window.puddle;
    const wall = [];
    const engine = [];
    const scanned = [];
    let res;
    for (let i = 0; i < 1 + runs; i++) {
      const t = performance.now();
      res = await p.sql(sql.replaceAll('__RUN__', String(i)), { database });
      const dt = performance.now() - t;
      if (i === 0) continue; // warm-up
      wall.push(dt);
      engine.push(res.stats.elapsedMs);
      scanned.push(res.stats.bytesScanned);
    }
    return { wall, engine, scanned, rowCount: res.rows.length, rows: res.rows.slice(0, keep), columns: res.columns };
  }, { sql, database, runs, keep });
}

/** The NSW filter, the top-10 aggregate and the CTAS on table `ds.name`; fills ds.lake.puddle. */
export async function benchPuddleQueries(page, ds, { database, bucket, log, withTimeout, timeout }) {
  ds.lake ??= { puddle: {}, duck: {}, notes: [] };
  for (const [id, q] of Object.entries(QUERIES)) {
    try {
      const sql = q.puddle(ds.name, { database, bucket });
      const r = await withTimeout(puddleSeries(page, sql, { database, runs: LAKE_RUNS, keep: id === 'nsw' ? 0 : 10 }),
        timeout, `Puddle ${id} ${ds.name}`);
      r.median = median(r.wall);
      r.engineMedian = median(r.engine);
      if (id === 'ctas') {
        // Rows written, read back from the first CTAS table (not timed); then the CTAS outputs go.
        r.written = await page.evaluate(async ({ database, table, bucket, prefix, runs }) => {
          const p = window.puddle;
          const n = (await p.sql(`SELECT COUNT(*) FROM ${database}.${table}0`)).rows[0][0];
          for (let i = 0; i < 1 + runs; i++) await p.sql(`DROP TABLE ${database}.${table}${i}`);
          for (const o of (await p.listObjects(`s3://${bucket}/${prefix}`)).objects ?? []) {
            await p.deleteObject(`s3://${bucket}/${o.key}`);
          }
          return Number(n);
        }, { database, table: `ctas_${ds.name}_`, bucket, prefix: `ctas/${ds.name}/`, runs: LAKE_RUNS });
      }
      ds.lake.puddle[id] = r;
      log(`  ${ds.name} ${id}: Puddle median ${r.median.toFixed(1)} ms (runs ${r.wall.map((x) => x.toFixed(0)).join(', ')})`
        + `${id === 'nsw' ? `, ${r.rowCount} rows` : ''}${id === 'ctas' ? `, ${r.written} rows written` : ''}`);
    } catch (e) {
      ds.lake.puddle[id] = { error: errText(e) };
      log(`  ${ds.name} ${id}: Puddle FAILED: ${errText(e)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Puddle: the filter-and-write Glue job on one dataset's table.

const etlScript = (database, table, out) => [
  'import sys',
  'from awsglue.transforms import *',
  'from awsglue.utils import getResolvedOptions',
  'from pyspark.context import SparkContext',
  'from awsglue.context import GlueContext',
  'from awsglue.job import Job',
  "args = getResolvedOptions(sys.argv, ['JOB_NAME'])",
  'glueContext = GlueContext(SparkContext.getOrCreate())',
  'job = Job(glueContext)',
  "job.init(args['JOB_NAME'], args)",
  `raw = glueContext.create_dynamic_frame.from_catalog(database="${database}", table_name="${table}")`,
  'high = Filter.apply(frame=raw, f=lambda x: x["amount"] > 100)',
  'glueContext.write_dynamic_frame.from_options(frame=high, connection_type="s3",',
  `    connection_options={"path": "${out}"}, format="parquet")`,
  'job.commit()',
].join('\n');

/**
 * Uploads the script with putObject, creates one job per run (each writes to its own folder),
 * and times `aws glue start-job-run` (runs finish inside it), 1 warm-up + LAKE_RUNS runs.
 */
export async function benchPuddleEtl(page, ds, { database, bucket, log, withTimeout, timeout }) {
  ds.lake ??= { puddle: {}, duck: {}, notes: [] };
  try {
    const jobs = [];
    for (let i = 0; i < 1 + LAKE_RUNS; i++) {
      const job = `bench_etl_${ds.name}_${i}`;
      jobs.push({ job, script: etlScript(database, ds.name, `s3://${bucket}/etl/${ds.name}/run-${i}/`), key: `etl-scripts/${job}.py` });
    }
    const r = await withTimeout(page.evaluate(async ({ jobs, bucket }) => {
      const p = window.puddle;
      const must = async (line) => {
        const out = await p.exec(line);
        if (out.exitCode !== 0) throw new Error(`${line.split(' --')[0]}: exit ${out.exitCode}: ${out.stderr.trim()}`);
        return out.stdout ? JSON.parse(out.stdout) : null;
      };
      const wall = [];
      const runs = [];
      for (const [i, j] of jobs.entries()) {
        await p.putObject(`s3://${bucket}/${j.key}`, j.script);
        await must(`aws glue create-job --name ${j.job} --role r --command Name=glueetl,ScriptLocation=s3://${bucket}/${j.key}`);
        const t = performance.now();
        const { JobRunId } = await must(`aws glue start-job-run --job-name ${j.job}`);
        let run = (await must(`aws glue get-job-run --job-name ${j.job} --run-id ${JobRunId}`)).JobRun;
        while (run.JobRunState === 'STARTING' || run.JobRunState === 'RUNNING' || run.JobRunState === 'STOPPING') {
          await new Promise((ok) => setTimeout(ok, 20));
          run = (await must(`aws glue get-job-run --job-name ${j.job} --run-id ${JobRunId}`)).JobRun;
        }
        const dt = performance.now() - t;
        if (run.JobRunState !== 'SUCCEEDED') throw new Error(`job run ${run.JobRunState}: ${run.ErrorMessage ?? ''}`);
        if (i > 0) wall.push(dt);
        runs.push({ rows: run.PuddleRowsWritten, files: [run.PuddleFilesWritten ?? []].flat().length });
      }
      // Leave the lake as it was: the outputs, scripts and jobs go (not timed).
      for (const j of jobs) {
        await must(`aws glue delete-job --job-name ${j.job}`);
        await p.deleteObject(`s3://${bucket}/${j.key}`);
      }
      return { wall, rows: runs.at(-1).rows, files: runs.at(-1).files };
    }, { jobs, bucket }), timeout, `Glue job on ${ds.name}`);
    await page.evaluate(async ({ bucket, prefix }) => {
      for (const o of (await window.puddle.listObjects(`s3://${bucket}/${prefix}`)).objects ?? []) {
        await window.puddle.deleteObject(`s3://${bucket}/${o.key}`);
      }
    }, { bucket, prefix: `etl/${ds.name}/` });
    r.median = median(r.wall);
    ds.lake.etl = r;
    log(`  ${ds.name} Glue job: median ${r.median.toFixed(0)} ms (runs ${r.wall.map((x) => x.toFixed(0)).join(', ')}), ${r.rows} rows in ${r.files} file(s)`);
  } catch (e) {
    ds.lake.etl = { error: errText(e) };
    log(`  ${ds.name} Glue job FAILED: ${errText(e)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Puddle: a crawl of ~CRAWL_MB MiB of CSV in CRAWL_FILES files, beside reading the same bytes.

/**
 * Writes CRAWL_FILES CSV files (generateSales, sized so they add up to CRAWL_MB MiB) under
 * s3://bucket/crawl/, then times create-crawler + start-crawler, getObject of every file, and a
 * SELECT COUNT(*) over the table the crawler made. Returns the figures (or {error}).
 */
export async function benchCrawl(page, { bucket, log, withTimeout, timeout }) {
  if (!(CRAWL_MB > 0)) return null;
  const prefix = 'crawl/sales/';
  const database = 'bench_crawl';
  try {
    const gen = await withTimeout(page.evaluate(async ({ bucket, prefix, files, target }) => {
      const p = window.puddle;
      const t = performance.now();
      // Size one file's rows from a probe (the generator's rows are of near-constant width).
      const probe = await p.generateSales(`s3://${bucket}/${prefix}probe.csv`, { rows: 10000 });
      await p.deleteObject(`s3://${bucket}/${prefix}probe.csv`);
      const rows = Math.max(1, Math.round((target / files) * 10000 / probe.size));
      let total = 0;
      for (let i = 0; i < files; i++) {
        total += (await p.generateSales(`s3://${bucket}/${prefix}part-${String(i).padStart(4, '0')}.csv`, { rows })).size;
      }
      return { ms: performance.now() - t, rows: rows * files, bytes: total };
    }, { bucket, prefix, files: CRAWL_FILES, target: CRAWL_MB * 1024 * 1024 }), timeout, 'crawl data');
    log(`  crawl data: ${CRAWL_FILES} files, ${(gen.bytes / 1024 ** 2).toFixed(1)} MiB, ${gen.rows} rows, generated in ${gen.ms.toFixed(0)} ms`);

    const r = await withTimeout(page.evaluate(async ({ bucket, prefix, database }) => {
      const p = window.puddle;
      const must = async (line) => {
        const out = await p.exec(line);
        if (out.exitCode !== 0) throw new Error(`${line.split(' --')[0]}: exit ${out.exitCode}: ${out.stderr.trim()}`);
        return out.stdout ? JSON.parse(out.stdout) : null;
      };
      const out = {};
      // Reading the bytes first, so the crawl cannot be helped by a cache the read warmed.
      const list = (await p.listObjects(`s3://${bucket}/${prefix}`)).objects ?? [];
      let t = performance.now();
      let read = 0;
      for (const o of list) read += (await p.getObject(`s3://${bucket}/${o.key}`)).length;
      out.readMs = performance.now() - t;
      out.readBytes = read;
      out.files = list.length;

      await must(`aws glue create-database --database-input '{"Name":"${database}"}'`);
      t = performance.now();
      await must(`aws glue create-crawler --name bench_crawler --role r --database-name ${database} --targets '{"S3Targets":[{"Path":"s3://${bucket}/${prefix}"}]}'`);
      out.createMs = performance.now() - t;
      t = performance.now();
      await must('aws glue start-crawler --name bench_crawler');
      let c = (await must('aws glue get-crawler --name bench_crawler')).Crawler;
      while (c.State !== 'READY') {
        await new Promise((ok) => setTimeout(ok, 20));
        c = (await must('aws glue get-crawler --name bench_crawler')).Crawler;
      }
      out.crawlMs = performance.now() - t;
      out.status = c.LastCrawl?.Status;
      out.error = c.LastCrawl?.ErrorMessage;
      const metrics = (await must('aws glue get-crawler-metrics --crawler-name-list bench_crawler')).CrawlerMetricsList?.[0];
      out.tablesCreated = metrics?.TablesCreated;
      const tables = (await must(`aws glue get-tables --database-name ${database}`)).TableList ?? [];
      out.tables = tables.map((x) => ({ name: x.Name, columns: x.StorageDescriptor?.Columns?.length, recordCount: x.Parameters?.recordCount }));
      if (tables.length === 1) {
        t = performance.now();
        const res = await p.sql(`SELECT COUNT(*) FROM ${database}.${tables[0].Name}`);
        out.countMs = performance.now() - t;
        out.count = Number(res.rows[0][0]);
        out.countScanned = res.stats.bytesScanned;
      }
      return out;
    }, { bucket, prefix, database }), timeout, 'crawl');
    const res = { ...gen, ...r, genMs: gen.ms };
    log(`  crawl: ${res.crawlMs.toFixed(0)} ms (${res.status}, tables ${res.tables.map((x) => x.name).join(', ')}); getObject of every file ${res.readMs.toFixed(0)} ms;`
      + ` SELECT COUNT(*) ${res.countMs == null ? 'n/a' : `${res.countMs.toFixed(0)} ms, ${res.count} rows`}`);
    return res;
  } catch (e) {
    log(`  crawl FAILED: ${errText(e)}`);
    return { error: errText(e) };
  }
}

// ---------------------------------------------------------------------------------------------
// DuckDB-WASM: the same queries on the same bytes (the file bench.mjs exported for `ds`).

/** Loads ds.file as a view, runs the three extra queries, drops it; fills ds.lake.duck. */
export async function benchDuckQueries(page, ds, { log, withTimeout, timeout }) {
  ds.lake ??= { puddle: {}, duck: {}, notes: [] };
  const view = `lake_${ds.name}`;
  await withTimeout(page.evaluate(({ file, format, view }) =>
    window.duckBench.then((d) => d.load(file, `/__bench-data/${file}`, format, view)), { file: ds.file, format: ds.format, view }),
  timeout, `DuckDB load ${ds.file}`);
  try {
    for (const [id, q] of Object.entries(QUERIES)) {
      try {
        const r = await withTimeout(page.evaluate(({ sql, runs, keep }) =>
          window.duckBench.then((d) => d.runCounted(sql, 1, runs, keep)), { sql: q.duck(view), runs: LAKE_RUNS, keep: id === 'nsw' ? 0 : 10 }),
        timeout, `DuckDB ${id} ${ds.name}`);
        if (id === 'ctas') r.written = Number(r.rows[0]?.[0]);
        ds.lake.duck[id] = r;
        log(`  ${ds.name} ${id}: DuckDB-WASM median ${r.median.toFixed(1)} ms (runs ${r.times.map((x) => x.toFixed(0)).join(', ')})`);
      } catch (e) {
        ds.lake.duck[id] = { error: errText(e) };
        log(`  ${ds.name} ${id}: DuckDB-WASM FAILED: ${errText(e)}`);
      }
    }
  } finally {
    await page.evaluate(({ file, view }) => window.duckBench.then((d) => d.drop(file, view)), { file: ds.file, view }).catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// Report.

/** Puddle's result and DuckDB's agree: same row count (nsw), same top 10, same rows written. */
function agree(id, p, d) {
  if (!p || !d || p.error || d.error) return null;
  if (id === 'nsw') return p.rowCount === d.rowCount;
  if (id === 'ctas') return p.written === d.written;
  if (p.rows.length !== d.rows.length) return false;
  return p.rows.every(([prod, rev], i) => String(prod) === String(d.rows[i][0])
    && Math.abs(Number(rev) - Number(d.rows[i][1])) <= 1e-6 * Math.max(1, Math.abs(Number(rev))));
}

/** The lake sections of the report, as lines; `fmt` is bench.mjs's {ms, bytes, table}. */
export function lakeReport(datasets, crawl, { ms, bytes, table }) {
  const out = [];
  const ratio = (a, b) => (a > 0 && b > 0 ? `${(a / b).toFixed(1)}x` : 'n/a');
  const withLake = datasets.filter((ds) => ds.lake);
  const problems = [];
  if (withLake.length) {
    out.push('');
    out.push(`Athena queries (#5): 1 warm-up + ${LAKE_RUNS} runs, medians in ms; ratio = Puddle / DuckDB-WASM (above 1: Puddle is slower).`);
    for (const [id, q] of Object.entries(QUERIES)) out.push(`  ${id}: ${q.label}`);
    const rows = [];
    for (const ds of withLake) {
      for (const id of Object.keys(QUERIES)) {
        const p = ds.lake.puddle[id];
        const d = ds.lake.duck[id];
        const result = id === 'nsw' ? `${p?.rowCount ?? d?.rowCount ?? 'n/a'} rows`
          : id === 'ctas' ? `${p?.written ?? d?.written ?? 'n/a'} rows written` : '10 rows';
        const same = agree(id, p, d);
        if (same === false) problems.push(`${ds.name} ${id}: Puddle and DuckDB-WASM disagree`);
        if (p?.error) problems.push(`${ds.name} ${id}: Puddle: ${p.error}`);
        if (d?.error) problems.push(`${ds.name} ${id}: DuckDB-WASM: ${d.error}`);
        rows.push([
          ds.name, id, result,
          p ? (p.error ? 'FAILED' : ms(p.median)) : 'n/a',
          p && !p.error ? ms(p.engineMedian) : 'n/a',
          p && !p.error ? bytes(p.scanned.at(-1)) : 'n/a',
          d ? (d.error ? 'FAILED' : ms(d.median)) : 'n/a',
          ratio(p?.median, d?.median),
          same == null ? 'n/a' : same ? 'yes' : 'NO',
        ]);
      }
    }
    out.push(table(['dataset', 'query', 'result', 'Puddle median', 'Puddle engine', 'bytes scanned', 'DuckDB-WASM median', 'ratio', 'same result'],
      rows, [3, 4, 5, 6, 7]));
    out.push('Runs (ms):');
    for (const ds of withLake) {
      for (const id of Object.keys(QUERIES)) {
        const p = ds.lake.puddle[id];
        const d = ds.lake.duck[id];
        const parts = [];
        if (p?.wall) parts.push(`Puddle ${p.wall.map(ms).join(' / ')}`);
        if (d?.times) parts.push(`DuckDB-WASM ${d.times.map(ms).join(' / ')}`);
        if (parts.length) out.push(`  ${ds.name} ${id}: ${parts.join('; ')}`);
      }
    }
  }

  const etl = datasets.filter((ds) => ds.lake?.etl);
  if (etl.length) {
    out.push('');
    out.push(`Glue ETL job (#6): the filter-and-write script (from_catalog -> Filter.apply(amount > 100) -> write_dynamic_frame parquet),`
      + ` aws glue start-job-run until SUCCEEDED, 1 warm-up + ${LAKE_RUNS} runs; beside Puddle's CTAS of the same rows and DuckDB-WASM's`
      + ` COPY (SELECT * FROM sales WHERE amount > 100) TO 'out.parquet' (FORMAT PARQUET) on the same bytes (medians, ms).`);
    out.push(table(['dataset', 'rows written', 'Glue job', 'runs', 'Puddle CTAS', 'DuckDB-WASM COPY', 'job / DuckDB', 'same rows'],
      etl.map((ds) => {
        const j = ds.lake.etl;
        const c = ds.lake.puddle.ctas;
        const d = ds.lake.duck.ctas;
        if (j.error) problems.push(`${ds.name} Glue job: ${j.error}`);
        const same = j.error || !d || d.error ? 'n/a' : j.rows === d.written ? 'yes' : 'NO';
        if (same === 'NO') problems.push(`${ds.name} Glue job wrote ${j.rows} rows, DuckDB's COPY ${d.written}`);
        return [ds.name, j.error ? 'FAILED' : j.rows, j.error ? 'FAILED' : ms(j.median), j.wall ? j.wall.map(ms).join(' / ') : 'n/a',
          c && !c.error ? ms(c.median) : 'n/a', d && !d.error ? ms(d.median) : 'n/a', ratio(j.median, d?.median), same];
      }), [1, 2, 4, 5, 6]));
  }

  if (crawl) {
    out.push('');
    if (crawl.error) {
      out.push(`Crawl (#4): FAILED: ${crawl.error}`);
      problems.push(`crawl: ${crawl.error}`);
    } else {
      out.push(`Crawl (#4): ${crawl.files} CSV files under one prefix, ${bytes(crawl.bytes)} (${crawl.rows} rows; written by generateSales in ${ms(crawl.genMs)} ms).`);
      out.push(table(['step', 'ms', 'note'], [
        ['aws glue create-crawler', ms(crawl.createMs), ''],
        ['aws glue start-crawler, until READY', ms(crawl.crawlMs), `${crawl.status}${crawl.error ? `: ${crawl.error}` : ''};`
          + ` tables: ${crawl.tables.map((x) => `${x.name} (${x.columns} columns${x.recordCount ? `, recordCount ${x.recordCount}` : ''})`).join(', ') || 'none'}`],
        ['getObject of every file (merely reading the bytes)', ms(crawl.readMs), `${bytes(crawl.readBytes)} in ${crawl.files} files`],
        ['SELECT COUNT(*) over the crawled table', ms(crawl.countMs), crawl.count == null ? 'n/a' : `${crawl.count} rows, ${bytes(crawl.countScanned)} scanned`],
      ], [1]));
      out.push(`Crawl / read ratio: ${ratio(crawl.crawlMs, crawl.readMs)} (the crawler samples each file, as Glue does: the first 1 MB or 1,000 records;`
        + ' getObject also copies every byte out of the worker into the page).');
      if (crawl.status !== 'SUCCEEDED') problems.push(`crawl ended ${crawl.status}`);
      if (crawl.count != null && crawl.count !== crawl.rows) problems.push(`crawled table counts ${crawl.count} rows, ${crawl.rows} were written`);
      if (crawl.tables.length !== 1) problems.push(`the crawl made ${crawl.tables.length} tables, expected 1`);
    }
  }
  return { lines: out, problems };
}
