// End-to-end test of the built app (dist/) in headless Chromium.
// Usage: node run.mjs [distDir]   (default ../../dist). Exits non-zero on any failure.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { launchChromium, salesCsv, serveStatic } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.argv[2] ?? join(here, '../../dist'));
const shots = join(here, 'screenshots');
await mkdir(shots, { recursive: true });

const LAB = 'SELECT region, COUNT(*) AS sales_count FROM sales_data GROUP BY region';
const BUCKET = 'data-lake-raw-123';
const results = [];
let failed = 0;

async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    await page.screenshot({ path: join(shots, `failed-${failed}.png`), fullPage: true }).catch(() => {});
    results.push(`FAIL ${name}\n     ${String(e?.stack ?? e).split('\n').slice(0, 6).join('\n     ')}`);
  }
  console.log(results[results.length - 1]);
}

const server = await serveStatic(dist);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
page.on('console', (m) => { if (process.env.E2E_VERBOSE) console.log(`[console.${m.type()}] ${m.text()}`); });
page.setDefaultTimeout(60_000);

const ready = () => page.evaluate(() => window.puddle.ready);
const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
const countsOf = (rows) => Object.fromEntries(rows.map(([r, c]) => [r, Number(c)]));
const { csv, counts: expected } = salesCsv(5000);

/** Reads the results grid of the Athena page as {region: count}. */
async function gridCounts() {
  await page.waitForSelector('#row-count');
  const rows = await page.$$eval('#results tbody tr', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)));
  return countsOf(rows);
}

/** Creates a crawler through the Crawlers page's wizard (page at #/glue). */
async function wizardCreateCrawler({ name, path, db, exclusions = '', frequency = 'on-demand' }) {
  await page.click('#create-crawler');
  await page.fill('#wizard-name', name);
  await page.press('#wizard-name', 'Enter');
  await page.fill('#wizard-path-0', path);
  if (exclusions) await page.fill('#wizard-exclusions', exclusions);
  await page.click('#wizard-next');
  await page.waitForSelector('form.wizard-pane[data-step="2"]');
  await page.click('#wizard-next');
  await page.check('#wizard-db-new');
  await page.fill('#wizard-database', db);
  await page.selectOption('#wizard-frequency', frequency);
  await page.click('#wizard-next');
  await page.waitForSelector('#wizard-review');
  await page.click('#wizard-create');
  await page.waitForSelector(`#crawler-created >> text=${name}`);
}

async function runLabQueryInUi() {
  // Leave the page first, so the editor starts fresh and no earlier result can be read.
  await page.goto(`${server.url}#/terminal`);
  await page.goto(`${server.url}#/athena`);
  await page.waitForSelector('#query-editor');
  await page.fill('#query-editor', LAB + ';');
  await page.click('#run-query');
  return gridCounts();
}

try {
  await step('window.puddle exists before the wasm loads; early calls wait for the engine', async () => {
    const ctx = await browser.newContext();
    const early = await ctx.newPage();
    await early.addInitScript(() => {
      window.__early = new Promise((resolve) => {
        document.addEventListener('readystatechange', () => {
          if (document.readyState === 'interactive') resolve(window.puddle.exec('aws s3 ls'));
        });
      });
    });
    await early.goto(server.url);
    const out = await early.evaluate(() => window.__early);
    assert.equal(out.exitCode, 0);
    await ctx.close();
  });

  await step('page loads and window.puddle.ready resolves', async () => {
    await page.goto(server.url);
    await ready();
    await page.evaluate(() => window.puddle.reset());
    await page.reload();
    await ready();
    await page.waitForSelector('#engine-status.ready');
    for (const m of ['ready', 'exec', 'sql', 'putObject', 'getObject', 'reset']) {
      assert.ok(await page.evaluate((m) => m in window.puddle, m), `window.puddle.${m}`);
    }
    await shot('01-empty-s3');
  });

  await step('the engine is served precompressed (brotli), and revalidated rather than downloaded again', async () => {
    const head = await page.evaluate(async () => {
      const r = await fetch('/puddle-worker_bg.wasm', { method: 'HEAD', headers: { 'Accept-Encoding': 'gzip, br' } });
      return { status: r.status, encoding: r.headers.get('content-encoding'), type: r.headers.get('content-type'), etag: r.headers.get('etag') };
    });
    assert.equal(head.status, 200);
    assert.equal(head.encoding, 'br');
    assert.equal(head.type, 'application/wasm');
    const again = await page.evaluate(async (etag) => (await fetch('/puddle-worker_bg.wasm', { method: 'HEAD', headers: { 'If-None-Match': etag } })).status, head.etag);
    assert.equal(again, 304);
  });

  await step('invalid bucket name shows InvalidBucketName in the form', async () => {
    await page.fill('#new-bucket-name', 'Bad_Name');
    await page.click('#create-bucket');
    const err = await page.textContent('#bucket-error');
    assert.match(err, /InvalidBucketName/);
  });

  await step('create a bucket in the console', async () => {
    await page.fill('#new-bucket-name', BUCKET);
    await page.click('#create-bucket');
    await page.waitForSelector(`a[data-bucket="${BUCKET}"]`);
    assert.match(await (await page.waitForSelector('#storage-usage')).textContent(), /Browser storage: [\d.]+ \w?B used of/);
    await shot('02-bucket-list');
  });

  await step('upload a CSV with the file picker and create a table from its folder', async () => {
    await page.goto(`${server.url}#/s3/${BUCKET}/sales/`);
    await page.waitForSelector('#upload-input', { state: 'attached' });
    await page.setInputFiles('#upload-input', { name: 'sales.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.waitForSelector('#upload-status.success');
    await page.waitForSelector('td[data-key="sales/sales.csv"]');
    await page.click('button[aria-label="Preview sales/sales.csv"]');
    await page.waitForSelector('#object-preview #results');
    assert.equal(await page.$$eval('#object-preview #results tbody tr', (r) => r.length), 20);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('button[aria-label="Download sales/sales.csv"]'),
    ]);
    assert.equal(download.suggestedFilename(), 'sales.csv');
    const { readFile } = await import('node:fs/promises');
    assert.equal(await readFile(await download.path(), 'utf8'), csv);
    await page.fill('#create-table-name', 'sales_data');
    await page.click('#create-table-submit');
    const status = await (await page.waitForSelector('#create-table-status')).textContent();
    assert.match(status, /default\.sales_data is ready with 5 column/);
    await shot('03-bucket-objects');
  });

  await step('files dropped on a folder page are uploaded into it', async () => {
    await page.goto(`${server.url}#/s3/${BUCKET}/dropped/`);
    await page.waitForSelector('.drop-zone');
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['a,b\n1,2\n'], 'one.csv', { type: 'text/csv' }));
      dt.items.add(new File(['{"a":1}\n'], 'two.json', { type: 'application/json' }));
      document.querySelector('.drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.waitForSelector('#upload-status.success');
    await page.waitForSelector('td[data-key="dropped/one.csv"]');
    await page.waitForSelector('td[data-key="dropped/two.json"]');
  });

  await step('the lab query gives the right counts in the Athena page', async () => {
    const got = await runLabQueryInUi();
    assert.deepEqual(got, expected);
    assert.equal(Object.keys(expected).length, 8, 'the test data covers all 8 regions');
    const status = await page.textContent('#query-status');
    assert.match(status, /8 row\(s\)/);
    assert.match(status, /Run time: \d+ ms/);
    assert.match(status, /Data scanned: [\d.]+ KB/);
    assert.match(status, /Cost: \$0\.0000\d+/);
    const history = await page.textContent('#query-history');
    assert.match(history, /SELECT region, COUNT\(\*\) AS sales_count/);
    assert.match(history, /s3:\/\/aws-athena-query-results-123456789012-local\/[0-9a-f-]+\.csv/);
    await shot('04-athena-results');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('04-athena-results-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  await step('after a reload the bucket, the object and the table are still there', async () => {
    await page.reload();
    await ready();
    assert.deepEqual(await runLabQueryInUi(), expected);
    const body = await page.evaluate(async (b) => new TextDecoder().decode(await window.puddle.getObject(`s3://${b}/sales/sales.csv`)), BUCKET);
    assert.equal(body, csv);
    const res = await page.evaluate((q) => window.puddle.sql(q), LAB);
    assert.deepEqual(res.columns, ['region', 'sales_count']);
    assert.deepEqual(countsOf(res.rows), expected);
    assert.ok(res.stats.bytesScanned >= csv.length, `bytesScanned ${res.stats.bytesScanned}`);
    assert.equal(typeof res.stats.elapsedMs, 'number');
  });

  await step('window.puddle.exec speaks the AWS CLI', async () => {
    const exec = (line) => page.evaluate((l) => window.puddle.exec(l), line);
    assert.deepEqual(await exec('aws s3 mb s3://data-lake-processed-123'),
      { exitCode: 0, stdout: 'make_bucket: data-lake-processed-123\n', stderr: '' });
    const ls = await exec('aws s3 ls');
    assert.equal(ls.exitCode, 0);
    // The query editor's results bucket (Athena's default output location) is listed too.
    assert.match(ls.stdout, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d aws-athena-query-results-123456789012-local\n\d{4}-.* data-lake-processed-123\n\d{4}-.* data-lake-raw-123\n$/);
    const missing = await exec('aws s3 mb');
    assert.equal(missing.exitCode, 252);
    assert.match(missing.stderr, /the following arguments are required: path/);
    const bad = await exec('aws s3 mb s3://Bad_Name');
    assert.equal(bad.exitCode, 1); // `aws s3 mb` failures exit 1, as in the real CLI
    assert.match(bad.stderr, /InvalidBucketName/);
    const nobucket = await exec('aws s3 ls s3://no-such-bucket-here');
    assert.equal(nobucket.exitCode, 254);
    assert.match(nobucket.stderr, /NoSuchBucket/);
  });

  await step('putObject/getObject round-trip bytes and strings; errors reject with codes', async () => {
    const out = await page.evaluate(async () => {
      const p = window.puddle;
      const bytes = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) % 251);
      await p.putObject('s3://data-lake-processed-123/bin/blob.bin', bytes);
      const back = await p.getObject('s3://data-lake-processed-123/bin/blob.bin');
      const same = back.length === bytes.length && back.every((b, i) => b === bytes[i]);
      await p.putObject('s3://data-lake-processed-123/hello.txt', 'héllo');
      const text = new TextDecoder().decode(await p.getObject('s3://data-lake-processed-123/hello.txt'));
      const errs = [];
      for (const f of [
        () => p.getObject('s3://data-lake-processed-123/missing.txt'),
        () => p.putObject('s3://no-bucket-xyz/k', 'x'),
        () => p.putObject('not-a-uri', 'x'),
        () => p.putObject('s3://data-lake-processed-123/k', 42),
      ]) {
        try { await f(); errs.push('resolved'); } catch (e) { errs.push(`${e.code ?? e.name}: ${e.message}`); }
      }
      return { same, text, errs };
    });
    assert.ok(out.same, 'binary round trip');
    assert.equal(out.text, 'héllo');
    assert.match(out.errs[0], /^NoSuchKey/);
    assert.match(out.errs[1], /^NoSuchBucket/);
    assert.match(out.errs[2], /^TypeError: .*s3:\/\//);
    assert.match(out.errs[3], /^TypeError/);
  });

  await step('invalid SQL and malformed CSV give clear errors, in the API and the page', async () => {
    const err = (q) => page.evaluate((q) => window.puddle.sql(q).then(() => 'resolved', (e) => `${e.code}: ${e.message}`), q);
    assert.match(await err('SELEC region FROM sales_data'), /^InvalidRequestException: .*SELEC/i);
    assert.match(await err('SELECT * FROM no_such_table'), /no_such_table/);
    await page.evaluate(() => window.puddle.putObject('s3://data-lake-raw-123/bad/x.csv', 'a,b\n1,2\n3,4,5\n"unterminated\n'));
    await page.evaluate(() => window.puddle.sql("CREATE EXTERNAL TABLE bad_csv (a BIGINT, b BIGINT) STORED AS CSV LOCATION 's3://data-lake-raw-123/bad/'"));
    assert.match(await err('SELECT * FROM bad_csv'), /^InvalidRequestException: .*csv.*line 3, expected 2 got 3/i);
    await page.goto(`${server.url}#/terminal`);
    await page.goto(`${server.url}#/athena`);
    await page.fill('#query-editor', 'SELECT * FROM bad_csv');
    await page.click('#run-query');
    assert.match(await (await page.waitForSelector('#query-error')).textContent(), /Query failed/);
    await shot('05-athena-error');
    assert.deepEqual(await runLabQueryInUi(), expected, 'page still works after errors');
  });

  await step('an engine panic shows a readable error and the page keeps working', async () => {
    const msg = await page.evaluate(() => window.puddle.__crashEngineForTest().then(() => 'resolved', (e) => e.message));
    assert.match(msg, /engine crashed and was restarted/);
    await page.waitForSelector('#engine-banner');
    assert.match(await page.textContent('#engine-banner'), /restarted/);
    await shot('06-crash-banner');
    await page.waitForSelector('#engine-status.ready');
    const res = await page.evaluate((q) => window.puddle.sql(q), LAB);
    assert.deepEqual(countsOf(res.rows), expected);
    assert.deepEqual(await runLabQueryInUi(), expected);
  });

  await step('the CloudShell terminal runs aws commands with history', async () => {
    await page.goto(`${server.url}#/terminal`);
    await page.waitForSelector('#terminal-input');
    await page.fill('#terminal-input', 'aws s3 ls');
    await page.press('#terminal-input', 'Enter');
    await page.waitForFunction(() => document.querySelector('#terminal').textContent.includes('data-lake-raw-123'));
    await page.fill('#terminal-input', 'aws s3 mb');
    await page.press('#terminal-input', 'Enter');
    await page.waitForFunction(() => document.querySelector('#terminal .err')?.textContent.includes('required: path'));
    await page.press('#terminal-input', 'ArrowUp');
    assert.equal(await page.inputValue('#terminal-input'), 'aws s3 mb');
    await shot('07-terminal');
  });

  await step('local folder: samples and written files copy to S3 and back (aws s3 cp, s3api)', async () => {
    const out = await page.evaluate(async () => {
      const p = window.puddle;
      await p.writeLocalFile('mine.csv', 'region,amount\nNSW,1\n');
      const files = (await p.listLocalFiles()).map((f) => f.name);
      const up = await p.exec('aws s3 cp sales.csv s3://data-lake-raw-123/samples/');
      const mine = await p.exec('aws s3 cp mine.csv s3://data-lake-raw-123/mine/mine.csv');
      const head = await p.exec('aws s3api head-object --bucket data-lake-raw-123 --key mine/mine.csv');
      const down = await p.exec('aws s3 cp s3://data-lake-raw-123/mine/mine.csv ./back.csv');
      const back = new TextDecoder().decode(await p.readLocalFile('back.csv'));
      return { files, up, mine, head, down, back };
    });
    assert.ok(out.files.includes('sales.csv') && out.files.includes('mine.csv'), out.files.join());
    assert.equal(out.up.stdout, 'upload: ./sales.csv to s3://data-lake-raw-123/samples/sales.csv\n');
    assert.equal(out.mine.exitCode, 0, out.mine.stderr);
    assert.equal(JSON.parse(out.head.stdout).ContentLength, 'region,amount\nNSW,1\n'.length);
    assert.equal(out.down.exitCode, 0, out.down.stderr);
    assert.equal(out.back, 'region,amount\nNSW,1\n');
  });

  await step('Glue console: create and run a crawler, see its trace, query the table it made', async () => {
    await page.goto(`${server.url}#/glue`);
    await wizardCreateCrawler({ name: 'SalesCrawler', path: `s3://${BUCKET}/sales/`, db: 'sales_db' });
    await page.click('button.run-crawler[data-crawler="SalesCrawler"]');
    const report = await (await page.waitForSelector('#crawl-report')).textContent();
    assert.match(report, /SUCCEEDED/);
    assert.match(report, /Tables created: sales_db\.sales\./);
    assert.match(report, /sales\/sales\.csv/);
    await page.waitForSelector('#catalog-tables');
    await shot('08-glue-crawler');
    const res = await page.evaluate(() => window.puddle.sql('SELECT region, COUNT(*) FROM sales GROUP BY region', { database: 'sales_db' }));
    assert.deepEqual(countsOf(res.rows), expected);
    const tables = await page.evaluate(() => window.puddle.exec('aws glue get-tables --database-name sales_db'));
    assert.equal(JSON.parse(tables.stdout).TableList[0].StorageDescriptor.Location, `s3://${BUCKET}/sales/`);
  });

  await step('the course ETL job and Redshift Spectrum statements run in the browser', async () => {
    const script = [
      'from awsglue.context import GlueContext',
      'from pyspark.context import SparkContext',
      'glueContext = GlueContext(SparkContext.getOrCreate())',
      'raw = glueContext.create_dynamic_frame.from_catalog(database="sales_db", table_name="sales")',
      'high = Filter.apply(frame=raw, f=lambda x: x["amount"] > 100)',
      'glueContext.write_dynamic_frame.from_options(frame=high, connection_type="s3",',
      '    connection_options={"path": "s3://data-lake-processed-123/high/"}, format="parquet")',
    ].join('\n');
    const out = await page.evaluate(async (script) => {
      const p = window.puddle;
      await p.writeLocalFile('transform.py', script);
      const lines = [
        'aws s3 cp transform.py s3://data-lake-processed-123/scripts/transform.py',
        'aws glue create-job --name TransformRawSalesData --role GlueRole --command Name=glueetl,ScriptLocation=s3://data-lake-processed-123/scripts/transform.py',
        'aws glue start-job-run --job-name TransformRawSalesData',
      ];
      const results = [];
      for (const l of lines) results.push(await p.exec(l));
      const runId = JSON.parse(results[2].stdout).JobRunId;
      const run = JSON.parse((await p.exec(`aws glue get-job-run --job-name TransformRawSalesData --run-id ${runId}`)).stdout).JobRun;
      await p.sql("CREATE EXTERNAL TABLE sales_db.high STORED AS PARQUET LOCATION 's3://data-lake-processed-123/high/'");
      const high = await p.sql('SELECT COUNT(*) AS n, MIN(amount) AS lo FROM sales_db.high');
      await p.sql("CREATE EXTERNAL SCHEMA s3_data FROM DATA CATALOG DATABASE 'sales_db' IAM_ROLE 'arn:aws:iam::123456789012:role/RedshiftRole' CREATE EXTERNAL DATABASE IF NOT EXISTS;");
      const nsw = await p.sql("SELECT * FROM s3_data.sales WHERE region = 'NSW';");
      return { codes: results.map((r) => r.exitCode), stderr: results.map((r) => r.stderr).join(''), run, high: high.rows[0], nsw: nsw.rows.length };
    }, script);
    assert.deepEqual(out.codes, [0, 0, 0], out.stderr);
    assert.equal(out.run.JobRunState, 'SUCCEEDED', JSON.stringify(out.run));
    const expectedHigh = csv.split('\n').slice(1).filter((l) => l && Number(l.split(',')[3]) > 100).length;
    assert.equal(out.high[0], expectedHigh);
    assert.ok(out.high[1] > 100);
    assert.equal(out.nsw, expected.NSW);
  });

  const uiScript = [
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
    'raw = glueContext.create_dynamic_frame.from_catalog(database="sales_db", table_name="sales", transformation_ctx="raw")',
    'high = Filter.apply(frame=raw, f=lambda x: x["amount"] > 100)',
    'glueContext.write_dynamic_frame.from_options(frame=high, connection_type="s3",',
    '    connection_options={"path": "s3://data-lake-processed-123/ui/"}, format="parquet")',
    'job.commit()',
  ].join('\n');
  const highOf = (text) => text.split('\n').slice(1).filter((l) => l && Number(l.split(',')[3]) > 100).length;
  const jobRuns = (job) => page.evaluate(async (job) =>
    JSON.parse((await window.puddle.exec(`aws glue get-job-runs --job-name ${job}`)).stdout).JobRuns, job);

  await step('a job made in the Glue jobs page runs there, with its log and row count', async () => {
    await page.goto(`${server.url}#/glue/jobs`);
    await page.click('#new-job');
    await page.fill('#job-name', 'HighValueFromUi');
    await page.fill('#job-script-location', 's3://data-lake-processed-123/scripts/ui.py');
    await page.fill('#job-script', uiScript);
    await shot('glue-job-editor');
    await page.click('#save-job');
    await page.click('button.run-job[data-job="HighValueFromUi"]');
    await page.waitForSelector('#job-runs .state.succeeded');
    const log = await page.textContent('#job-log');
    assert.match(log, /Bookmark raw: 1 new object/);
    const runs = await jobRuns('HighValueFromUi');
    assert.equal(runs.length, 1);
    assert.equal(runs[0].PuddleRowsWritten, highOf(csv));
    await shot('glue-jobs');
    // Its Parquet output, crawled, is a table Athena queries.
    const counted = await page.evaluate(async () => {
      const p = window.puddle;
      await p.exec(`aws glue create-crawler --name UiOutput --role r --database-name processed_db --targets '{"S3Targets":[{"Path":"s3://data-lake-processed-123/ui/"}]}'`);
      await p.exec('aws glue start-crawler --name UiOutput');
      const res = await p.sql('SELECT COUNT(*) AS n, MIN(amount) AS lo FROM ui', { database: 'processed_db' });
      return res.rows[0];
    });
    assert.equal(counted[0], highOf(csv));
    assert.ok(counted[1] > 100);
  });

  await step('the visual editor previews every node and saves a job that runs', async () => {
    await page.goto(`${server.url}#/glue/jobs`);
    await page.click('#visual-editor-link');
    await page.click('[data-node="node1"] .dag-node-head');
    await page.fill('[data-node="node1"] input[data-param="table"]', 'sales');
    await page.waitForSelector('#node-preview #results tbody tr');
    await page.click('[data-node="node2"] .dag-node-head');
    await page.waitForSelector('#node-preview >> text=Data preview: node2');
    await page.waitForSelector('#node-preview #results tbody tr');
    await page.selectOption('#add-kind', { label: 'Aggregate' });
    await page.click('#add-node');
    await page.waitForSelector('#node-preview >> text=Data preview: node4');
    await page.waitForSelector('#node-preview #results tbody tr');
    const previewRows = await page.$$eval('#node-preview #results tbody tr', (r) => r.length);
    assert.equal(previewRows, Object.keys(expected).length, 'one row per region');
    // Drop Null Fields, with Glue Studio's extra null values as checkboxes: no column of the
    // aggregate is null, so the preview keeps them all.
    await page.selectOption('#add-kind', { label: 'Drop Null Fields' });
    await page.click('#add-node');
    await page.waitForSelector('#node-preview >> text=Data preview: node5');
    await page.check('[data-node="node5"] input[data-param="empty_string"]');
    await page.check('[data-node="node5"] input[data-param="minus_one"]');
    await page.waitForFunction(() => document.querySelector('#generated-script')?.textContent
      .includes('nullStringSet={""}, nullIntegerSet={-1}'));
    await page.waitForSelector('#node-preview #results tbody tr');
    const kept = await page.$$eval('#node-preview #results thead th', (th) => th.map((h) => h.textContent));
    for (const c of ['region', 'sum_amount', 'count']) assert.ok(kept.some((h) => h.includes(c)), `${c} kept: ${kept}`);
    await shot('glue-visual-drop-null-fields');
    // Fill Missing Values adds <column>_filled next to the column, in the preview too.
    await page.selectOption('#add-kind', { label: 'Fill Missing Values' });
    await page.click('#add-node');
    await page.waitForSelector('#node-preview >> text=Data preview: node6');
    await page.fill('[data-node="node6"] input[data-param="column"]', 'sum_amount');
    await page.waitForSelector('#node-preview th >> text=sum_amount_filled');
    const filledRows = await page.$$eval('#node-preview #results tbody tr', (r) => r.length);
    assert.equal(filledRows, Object.keys(expected).length, 'the filled frame keeps every row');
    await shot('glue-visual-fill-missing-values');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('glue-visual-fill-missing-values-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    // The S3 target also creates a Data Catalog table (Glue Studio's getSink).
    await page.click('[data-node="node3"] .dag-node-head');
    await page.fill('[data-node="node3"] input[data-param="path"]', 's3://data-lake-processed-123/visual_totals/');
    await page.fill('[data-node="node3"] input[data-param="catalog_database"]', 'sales_db');
    await page.fill('[data-node="node3"] input[data-param="catalog_table"]', 'visual_totals');
    await page.fill('#visual-job-location', 's3://data-lake-processed-123/scripts/visual.py');
    await page.waitForSelector('#generated-script >> text=/enableUpdateCatalog=True/');
    const script = await page.textContent('#generated-script');
    assert.match(script, /node3\.setCatalogInfo\(catalogDatabase="sales_db", catalogTableName="visual_totals"\)/);
    assert.match(script, /groupBy\("region"\)\.agg\(F\.sum\("amount"\)/);
    assert.match(script, /node6 = FillMissingValues\.apply\(frame=node5, missing_values_column="sum_amount"/);
    await shot('glue-visual-editor');
    await page.click('#save-visual-job');
    await page.waitForSelector('#visual-message >> text=saved');
    const run = await page.evaluate(async () => {
      const p = window.puddle;
      const id = JSON.parse((await p.exec('aws glue start-job-run --job-name VisualSalesJob')).stdout).JobRunId;
      return JSON.parse((await p.exec(`aws glue get-job-run --job-name VisualSalesJob --run-id ${id}`)).stdout).JobRun;
    });
    assert.equal(run.JobRunState, 'SUCCEEDED', JSON.stringify(run));
    assert.equal(run.PuddleRowsWritten, Object.keys(expected).length);
    assert.ok(run.PuddleLog.includes('Created catalog table sales_db.visual_totals'), run.PuddleLog.join('\n'));
    const totals = await page.evaluate(() => window.puddle.sql('SELECT COUNT(*) AS n FROM sales_db.visual_totals'));
    assert.equal(Number(totals.rows[0][0]), Object.keys(expected).length);
  });

  await step('an S3 upload matching an EventBridge rule runs the job on the new file only', async () => {
    await page.goto(`${server.url}#/events`);
    await page.fill('#rule-name', 'run-etl-on-upload');
    await page.fill('#rule-bucket', BUCKET);
    await page.fill('#rule-prefix', 'sales/');
    await page.selectOption('#rule-kind', 'job');
    await page.fill('#rule-target', 'HighValueFromUi');
    await page.click('#create-rule');
    await page.waitForSelector('#rule-list >> text=run-etl-on-upload');
    const more = salesCsv(700, 7).csv;
    await page.evaluate(async ([b, body]) => window.puddle.putObject(`s3://${b}/sales/day2.csv`, body), [BUCKET, more]);
    const runs = await jobRuns('HighValueFromUi');
    assert.equal(runs.length, 2, 'the upload started one run');
    assert.equal(runs[0].PuddleRowsWritten, highOf(more), 'the bookmark skipped the file processed before');
    await page.goto(`${server.url}#/terminal`);
    await page.goto(`${server.url}#/events`);
    await page.waitForSelector('#activity-list >> text=rule/run-etl-on-upload');
    await page.waitForSelector('#event-list >> text=ObjectCreated:Put');
    await shot('eventbridge');
    // Later steps count the lab query's rows: take the extra day out of the sales folder again.
    await page.evaluate(async (b) => {
      await window.puddle.exec('aws events disable-rule --name run-etl-on-upload');
      await window.puddle.exec(`aws s3 rm s3://${b}/sales/day2.csv`);
    }, BUCKET);
  });

  await step('bucket properties: versioning, lifecycle rules, and the lake clock moving objects to GLACIER', async () => {
    // Its own bucket: a versioned bucket keeps versions, so later steps that remove buckets stay unaffected.
    const ARCHIVE = 'archive-lake-123';
    await page.evaluate(async ([b, body]) => {
      await window.puddle.exec(`aws s3 mb s3://${b}`);
      await window.puddle.putObject(`s3://${b}/sales/sales.csv`, body);
    }, [ARCHIVE, csv]);
    await page.goto(`${server.url}#/s3/${ARCHIVE}/`);
    await page.click('#bucket-properties');
    await page.click('#enable-versioning');
    await page.waitForSelector('#versioning-status >> text=Enabled');
    await page.fill('#lifecycle-json', JSON.stringify({ Rules: [{ ID: 'archive', Status: 'Enabled', Filter: { Prefix: 'sales/' },
      Transitions: [{ Days: 30, StorageClass: 'GLACIER' }] }] }, null, 2));
    await page.click('#save-lifecycle');
    await page.waitForSelector('#settings-message.success');
    await page.evaluate(async (b) => window.puddle.putObject(`s3://${b}/sales/day2.csv`, 'id,region,product,amount,ts\n'), ARCHIVE);
    await page.evaluate(async (b) => window.puddle.putObject(`s3://${b}/sales/day2.csv`, 'id,region,product,amount,ts\n1,NSW,w,1,x\n'), ARCHIVE);
    await page.goto(`${server.url}#/terminal`);
    await page.goto(`${server.url}#/s3-settings/${ARCHIVE}`);
    await page.waitForSelector('#version-list >> text=sales/day2.csv');
    assert.equal(await page.locator('#version-list tr', { hasText: 'sales/day2.csv' }).count(), 2, 'the overwrite kept a version');
    await shot('bucket-properties');
    await page.goto(`${server.url}#/events`);
    await page.click('#advance-month');
    await page.waitForSelector('#clock-activity >> text=GLACIER');
    await page.waitForSelector('#clock-offset >> text=30 day(s)');
    const head = await page.evaluate(async (b) => JSON.parse((await window.puddle.exec(
      `aws s3api head-object --bucket ${b} --key sales/sales.csv`)).stdout), ARCHIVE);
    assert.equal(head.StorageClass, 'GLACIER');
    const get = await page.evaluate((b) => window.puddle.getObject(`s3://${b}/sales/sales.csv`).then(() => 'read', (e) => e.code), ARCHIVE);
    assert.equal(get, 'InvalidObjectState');
    await shot('lake-clock');
    // The object's details show the class and restore it.
    await page.goto(`${server.url}#/s3/${ARCHIVE}/sales/`);
    await page.click('button[aria-label="Details of sales/sales.csv"]');
    await page.waitForSelector('#object-storage-class >> text=GLACIER');
    await page.click('#object-details button:has-text("Restore (Expedited)")');
    await page.waitForSelector('#object-details >> text=restore requested');
    await page.waitForSelector('#object-details >> text=ongoing-request');
    await shot('object-details');
  });

  await step('drag-and-drop of several files shows per-file and total progress; folders navigate', async () => {
    await page.goto(`${server.url}#/s3/${BUCKET}/multi/`);
    await page.waitForSelector('.drop-zone .empty-state');
    await page.evaluate(() => {
      // Record every upload state the page shows, to prove progress is reported while it runs.
      window.__uploadStates = new Set();
      new MutationObserver(() => {
        for (const li of document.querySelectorAll('.upload-file')) window.__uploadStates.add(`${li.dataset.state}:${li.textContent}`);
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      const big = new Uint8Array(9 * 1024 * 1024).map((_, i) => i % 251);
      const dt = new DataTransfer();
      dt.items.add(new File(['a,b\n1,2\n'], 'one.csv', { type: 'text/csv' }));
      dt.items.add(new File([big], 'big.bin', { type: 'application/octet-stream' }));
      dt.items.add(new File(['{"a":1}\n'], 'three.json', { type: 'application/json' }));
      document.querySelector('.drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.waitForSelector('#upload-status .upload-file[data-state="running"]');
    await page.waitForSelector('#upload-status.success', { timeout: 120_000 });
    assert.equal(await page.$$eval('.upload-file[data-state="done"]', (l) => l.length), 3);
    const total = await page.$eval('#upload-total', (p) => [p.value, p.max]);
    assert.equal(total[0], total[1], 'total bar is full');
    assert.match(await page.textContent('#upload-status'), /Uploaded 3 file\(s\), 9\.0 MB/);
    const states = await page.evaluate(() => [...window.__uploadStates]);
    assert.ok(states.some((s) => /^running:big\.bin.*Reading [\d.]+ MB of 9\.0 MB/.test(s)), states.join('\n'));
    assert.ok(states.some((s) => /^running:big\.bin.*Saving to the lake/.test(s)), states.join('\n'));
    assert.ok(states.some((s) => /^running:three\.json.*Queued/.test(s)), states.join('\n'));
    await page.waitForSelector('td[data-key="multi/big.bin"]');
    await shot('09-upload-progress');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('09-upload-progress-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    // Folders: into multi/sub/ and back by the breadcrumb.
    await page.evaluate((b) => window.puddle.putObject(`s3://${b}/multi/sub/deep.csv`, 'x\n1\n'), BUCKET);
    await page.click('a.folder:has-text("sub/")');
    await page.waitForSelector('td[data-key="multi/sub/deep.csv"]');
    assert.match(page.url(), /#\/s3\/data-lake-raw-123\/multi\/sub\/$/);
    await page.click('nav.breadcrumbs a:has-text("multi/")');
    await page.waitForSelector('td[data-key="multi/one.csv"]');
  });

  await step('after a reload the uploaded files are still there', async () => {
    await page.reload();
    await ready();
    await page.waitForSelector('td[data-key="multi/big.bin"]');
    const big = await page.evaluate((b) => window.puddle.getObject(`s3://${b}/multi/big.bin`).then((x) => [x.length, x[300]]), BUCKET);
    assert.deepEqual(big, [9 * 1024 * 1024, 300 % 251]);
  });

  await step('multi-select delete asks first (keyboard), deletes folders recursively with a count', async () => {
    await page.check('input[data-select="multi/sub/"]');
    await page.check('input[data-select="multi/one.csv"]');
    assert.equal(await page.textContent('#delete-selected'), 'Delete (2)');
    await page.click('#delete-selected');
    await page.waitForSelector('#confirm-dialog');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'confirm-cancel', 'focus starts on Cancel');
    const message = await page.textContent('#confirm-message');
    assert.match(message, /1 object\(s\) and 1 folder\(s\) \(sub\/\) holding 1 object\(s\) will be deleted: 2 object\(s\) in all/);
    await shot('10-confirm-delete');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('10-confirm-delete-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.keyboard.press('Escape');
    await page.waitForSelector('#confirm-dialog', { state: 'detached' });
    assert.ok(await page.$('td[data-key="multi/one.csv"]'), 'Escape deleted nothing');
    await page.click('#delete-selected');
    await page.waitForSelector('#confirm-dialog');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'confirm-ok');
    await page.keyboard.press('Enter');
    assert.match(await (await page.waitForSelector('#action-status')).textContent(), /Deleted 2 object\(s\)/);
    await page.waitForSelector('td[data-key="multi/one.csv"]', { state: 'detached' });
    const left = await page.evaluate((b) => window.puddle.listObjects(`s3://${b}/multi/`), BUCKET);
    assert.deepEqual(left.objects.map((o) => o.key), ['multi/big.bin', 'multi/three.json']);
    await page.check('#select-all');
    assert.equal(await page.textContent('#delete-selected'), 'Delete (2)');
    await page.click('#delete-selected');
    await page.click('#confirm-ok');
    await page.waitForSelector('.empty-state');
    await shot('11-folder-empty');
  });

  await step('Empty bucket and Delete bucket ask for confirmation with counts', async () => {
    await page.evaluate(async () => {
      await window.puddle.exec('aws s3 mb s3://scratch-bucket-1');
      await window.puddle.putObject('s3://scratch-bucket-1/a.csv', 'a');
      await window.puddle.putObject('s3://scratch-bucket-1/d/b.csv', 'b');
    });
    await page.goto(`${server.url}#/s3`);
    await page.click('button[aria-label="Empty bucket scratch-bucket-1"]');
    assert.match(await (await page.waitForSelector('#confirm-message')).textContent(), /All 2 object\(s\) in scratch-bucket-1 will be deleted/);
    await page.click('#confirm-ok');
    assert.match(await (await page.waitForSelector('#action-status')).textContent(), /Emptied scratch-bucket-1: deleted 2 object\(s\)/);
    await page.click('button[aria-label="Delete bucket scratch-bucket-1"]');
    assert.match(await (await page.waitForSelector('#confirm-message')).textContent(), /is empty and will be deleted/);
    await page.click('#confirm-ok');
    await page.waitForSelector('a[data-bucket="scratch-bucket-1"]', { state: 'detached' });
  });

  await step('aws s3 sync runs in the browser', async () => {
    const out = await page.evaluate(async () => {
      const p = window.puddle;
      await p.writeLocalFile('site/a.csv', 'a\n1\n');
      await p.writeLocalFile('site/b.tmp', 'x');
      const first = await p.exec("aws s3 sync site s3://data-lake-raw-123/site --exclude '*.tmp'");
      const again = await p.exec('aws s3 sync site s3://data-lake-raw-123/site --exclude *.tmp');
      return { first, again };
    });
    assert.equal(out.first.stdout, 'upload: ./site/a.csv to s3://data-lake-raw-123/site/a.csv\n', out.first.stderr);
    assert.deepEqual(out.again, { exitCode: 0, stdout: '', stderr: '' });
  });

  await step('export the lake as a .zip and import it back from the console', async () => {
    await page.goto(`${server.url}#/s3`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-lake')]);
    assert.match(download.suggestedFilename(), /^puddle-lake-\d{4}-\d\d-\d\d\.zip$/);
    const { readFile } = await import('node:fs/promises');
    const zip = await readFile(await download.path());
    assert.equal(zip.subarray(0, 2).toString(), 'PK');
    assert.match(await page.textContent('#archive-status'), /Exported the lake/);
    const before = await page.evaluate(() => window.puddle.exec('aws s3 ls s3://data-lake-raw-123 --recursive'));
    const countsBefore = countsOf((await page.evaluate((q) => window.puddle.sql(q), LAB)).rows);
    await page.evaluate(() => window.puddle.exec('aws s3 rb s3://data-lake-raw-123 --force'));
    await page.waitForSelector(`a[data-bucket="${BUCKET}"]`, { state: 'detached' });
    const bad = await page.evaluate(() => window.puddle.importLake(new Uint8Array([1, 2, 3])).then(() => 'resolved', (e) => `${e.code}: ${e.message}`));
    assert.match(bad, /^InvalidLakeArchive: .*The lake was not changed/);
    await page.setInputFiles('#import-lake-input', { name: 'backup.zip', mimeType: 'application/zip', buffer: zip });
    assert.match(await (await page.waitForSelector('#confirm-message')).textContent(), /replaces the whole lake/);
    await shot('12-import-confirm');
    await page.click('#confirm-ok');
    await page.waitForFunction(() => /Imported backup\.zip: \d+ bucket\(s\)/.test(document.querySelector('#action-status')?.textContent));
    await page.waitForSelector(`a[data-bucket="${BUCKET}"]`);
    const after = await page.evaluate(() => window.puddle.exec('aws s3 ls s3://data-lake-raw-123 --recursive'));
    const keys = (o) => o.stdout.split('\n').map((l) => l.slice(20));
    assert.deepEqual(keys(after), keys(before));
    assert.deepEqual(countsOf((await page.evaluate((q) => window.puddle.sql(q), LAB)).rows), countsBefore, 'catalog came back');
    await shot('13-after-import');
  });

  await step('two tabs on the same lake see each other\'s changes', async () => {
    // Two pages of one browser context share its IndexedDB, as two tabs do.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const tab = await context.newPage();
    const other = await context.newPage();
    for (const [name, p] of [['tab', tab], ['other tab', other]]) p.on('pageerror', (e) => pageErrors.push(`${name}: ${e}`));
    try {
      const page = tab;
      await page.goto(`${server.url}#/s3`);
      await page.evaluate(() => window.puddle.ready);
      await page.evaluate((b) => window.puddle.createBucket(b), BUCKET);
      await page.goto(`${server.url}#/s3`);
      await other.goto(`${server.url}#/s3`);
      await other.evaluate(() => window.puddle.ready);
      await other.waitForSelector(`a[data-bucket="${BUCKET}"]`);
      // A bucket made in one tab's console appears in the other's list, without a reload.
      await other.fill('#new-bucket-name', 'tabs-bucket-2');
      await other.click('#create-bucket');
      await page.waitForSelector('a[data-bucket="tabs-bucket-2"]', { timeout: 10_000 });
      // An object put by one tab shows in the other's open folder.
      await other.goto(`${server.url}#/s3/tabs-bucket-2/t/`);
      await other.waitForSelector('.empty-state');
      await page.evaluate(() => window.puddle.putObject('s3://tabs-bucket-2/t/a.csv', 'a\n1\n2\n3\n'));
      await other.waitForSelector('td[data-key="t/a.csv"]', { timeout: 10_000 });
      await page.screenshot({ path: join(shots, '14-two-tabs.png'), fullPage: true });
      // A table made in one tab is queryable at once in the other (its worker reloaded the catalog).
      await page.evaluate(() => window.puddle.sql("CREATE EXTERNAL TABLE tabs_t (a BIGINT) STORED AS CSV LOCATION 's3://tabs-bucket-2/t/'"));
      const count = await other.evaluate(async () => {
        let last;
        for (let i = 0; i < 50; i++) {
          try { return (await window.puddle.sql('SELECT SUM(a) AS s FROM tabs_t')).rows[0][0]; } catch (e) { last = e.message; }
          await new Promise((r) => setTimeout(r, 100));
        }
        return last;
      });
      assert.equal(count, 6);

      // Both tabs write at once, to their own keys and to the same keys: nothing is lost, and a
      // shared key holds one tab's whole body, never a mix.
      const writes = (p, who) => p.evaluate(async (who) => {
        const puts = [];
        for (let i = 0; i < 15; i++) {
          puts.push(window.puddle.putObject(`s3://tabs-bucket-2/w/${who}-${i}.txt`, `${who} ${i}`));
          puts.push(window.puddle.putObject(`s3://tabs-bucket-2/w/shared-${i}.txt`, `${who} `.repeat(5000)));
        }
        await Promise.all(puts);
      }, who);
      await Promise.all([writes(page, 'a'), writes(other, 'b')]);
      const listed = await other.evaluate(async () => (await window.puddle.listObjects('s3://tabs-bucket-2/w/')).objects.map((o) => o.key));
      assert.equal(listed.length, 45, listed.join(' '));
      for (const i of [0, 7, 14]) {
        const body = new TextDecoder().decode(await page.evaluate((i) => window.puddle.getObject(`s3://tabs-bucket-2/w/shared-${i}.txt`), i));
        assert.ok(body === 'a '.repeat(5000) || body === 'b '.repeat(5000), `shared-${i} is one tab's body`);
      }

      // A rule made in one tab fires for an upload in the other; a clock advance in one tab is
      // never undone by the other, whose schedules save the clock after every request.
      await page.evaluate(() => window.puddle.exec(`aws glue create-crawler --name tabs-crawler --role r --database-name default --targets '{"S3Targets":[{"Path":"s3://tabs-bucket-2/t/"}]}'`));
      await page.evaluate(() => window.puddle.exec(`aws events put-rule --name tabs-rule --event-pattern '{"source":["aws.s3"],"detail":{"bucket":{"name":["tabs-bucket-2"]},"object":{"key":[{"prefix":"t/"}]}}}'`));
      await page.evaluate(() => window.puddle.exec('aws events put-targets --rule tabs-rule --targets Id=c,Arn=arn:aws:glue:us-east-1:123456789012:crawler/tabs-crawler'));
      await page.evaluate(() => window.puddle.exec('puddle clock advance --days 30'));
      const crawled = await other.evaluate(async () => {
        for (let i = 0; i < 50; i++) {
          const rules = JSON.parse((await window.puddle.exec('aws events list-rules')).stdout || '{"Rules":[]}').Rules;
          if (rules.some((r) => r.Name === 'tabs-rule')) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        await window.puddle.putObject('s3://tabs-bucket-2/t/b.csv', 'a\n4\n');
        await window.puddle.exec('puddle clock advance --hours 1');
        return JSON.parse((await window.puddle.exec('aws glue get-crawler --name tabs-crawler')).stdout).Crawler.LastCrawl?.Status;
      });
      assert.equal(crawled, 'SUCCEEDED', 'the other tab ran the rule made in this one');
      const aheadBy = async (p) => (await p.evaluate(() => window.puddle.exec('puddle clock'))).stdout.match(/by: (\d+) day/)[1];
      assert.equal(await aheadBy(other), '30');
      await page.reload();
      await page.evaluate(() => window.puddle.ready);
      assert.equal(await aheadBy(page), '30', 'the stored clock kept the advance');

      // One tab imports a lake while the other keeps querying: the querying tab keeps getting
      // answers (during the switch a query may see part of the objects: the switch is atomic
      // for a lake that reopens, not for a concurrent reader) and the whole imported lake after.
      const zip = await page.evaluate(async () => Array.from(await window.puddle.exportLake()));
      const [, during] = await Promise.all([
        page.evaluate(async (bytes) => window.puddle.importLake(new Uint8Array(bytes)), zip),
        other.evaluate(async () => {
          const seen = [];
          for (let i = 0; i < 10; i++) {
            try { seen.push(Number((await window.puddle.sql('SELECT SUM(a) AS s FROM tabs_t')).rows[0][0])); } catch (e) { seen.push(e.code); }
          }
          return seen;
        }),
      ]);
      assert.ok(during.every((v) => Number.isFinite(v) || typeof v === 'string'), during.join(' '));
      const after = await other.evaluate(async () => {
        for (let i = 0; i < 50; i++) {
          try { return Number((await window.puddle.sql('SELECT SUM(a) AS s FROM tabs_t')).rows[0][0]); } catch { /* the import's change may not have arrived yet */ }
          await new Promise((r) => setTimeout(r, 100));
        }
        return 'never';
      });
      assert.equal(after, 10);
      await page.evaluate(() => window.puddle.exec('aws events remove-targets --rule tabs-rule --ids c'));
      await page.evaluate(() => window.puddle.exec('aws events delete-rule --name tabs-rule'));
      await page.evaluate(() => window.puddle.exec('aws glue delete-crawler --name tabs-crawler'));
      await other.evaluate(() => window.puddle.sql('DROP TABLE tabs_t'));
      await other.evaluate(() => window.puddle.exec('aws s3 rb s3://tabs-bucket-2 --force'));
      await page.waitForSelector('a[data-bucket="tabs-bucket-2"]', { state: 'detached', timeout: 10_000 });
    } finally {
      await context.close();
    }
  });

  const editorRun = async (sql) => {
    await page.fill('#query-editor', sql);
    await page.press('#query-editor', 'Control+Enter');
  };
  const scannedOf = async () => Number(await page.getAttribute('#bytes-scanned', 'data-bytes'));

  await step('workbench: Ctrl+Enter runs the statement under the cursor; tabs keep their own SQL and result', async () => {
    await page.goto(`${server.url}#/terminal`);
    await page.goto(`${server.url}#/athena`);
    await page.waitForSelector('#query-editor');
    await page.fill('#query-editor', `SELECT 1 AS one;\n${LAB};\n`);
    await page.evaluate(() => {
      const t = document.querySelector('#query-editor');
      const i = t.value.indexOf('GROUP BY');
      t.setSelectionRange(i, i);
    });
    await page.press('#query-editor', 'Control+Enter');
    assert.deepEqual(await gridCounts(), expected);
    assert.ok(await page.$('.sql-highlight .tok-kw'), 'keywords are highlighted');
    assert.ok(await page.$('.sql-highlight .tok-num'), 'numbers are highlighted');
    await page.click('#add-tab');
    assert.equal(await page.inputValue('#query-editor'), '');
    await editorRun('SELECT 42 AS answer');
    await page.waitForSelector('#results td.num >> text=42');
    await page.dblclick('.query-tab:nth-child(2) .tab-title');
    await page.fill('.tab-rename', 'Answer');
    await page.press('.tab-rename', 'Enter');
    await page.waitForSelector('.query-tab:nth-child(2) .tab-title >> text=Answer');
    await page.click('.query-tab:nth-child(1) .tab-title');
    assert.match(await page.inputValue('#query-editor'), /GROUP BY region/);
    assert.deepEqual(await gridCounts(), expected);
    await shot('20-workbench-tabs');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('20-workbench-tabs-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.click('.query-tab:nth-child(2) .close-tab');
    assert.equal(await page.$$eval('.query-tab', (t) => t.length), 1);
  });

  await step('workbench: completion of tables after FROM, columns after "table.", Ctrl+Space; Enter accepts, Esc closes', async () => {
    await page.click('#add-tab');
    await page.type('#query-editor', 'SELECT * FROM sales_d');
    await page.waitForSelector('#completion .completion-item');
    const labels = await page.$$eval('#completion .completion-item .label', (e) => e.map((x) => x.textContent));
    // Tables of the current database first, then matching databases.
    assert.deepEqual(labels, ['sales_data', 'sales_db']);
    await shot('21-completion');
    await page.keyboard.press('Enter');
    assert.equal(await page.inputValue('#query-editor'), 'SELECT * FROM sales_data');
    await page.type('#query-editor', ' WHERE sales_data.');
    await page.waitForSelector('#completion .completion-item[data-kind=column]');
    const cols = await page.$$eval('#completion .completion-item .label', (e) => e.map((x) => x.textContent));
    assert.ok(cols.includes('region') && cols.includes('amount'), cols.join());
    await page.keyboard.press('Escape');
    await page.waitForSelector('#completion', { state: 'detached' });
    await page.keyboard.press('Control+Space');
    await page.waitForSelector('#completion .completion-item');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await page.waitForSelector('#completion', { state: 'detached' });
    assert.match(await page.inputValue('#query-editor'), /^SELECT \* FROM sales_data WHERE sales_data\.\w+$/);
  });

  await step('workbench: a 100k-row result scrolls with a bounded DOM, and downloads as CSV', async () => {
    await editorRun('SELECT value FROM range(100000)');
    await page.waitForSelector('#row-count >> text="100000 row(s)"');
    const before = await page.$$eval('#results tbody tr', (t) => t.length);
    assert.ok(before < 60, `${before} rows in the DOM`);
    await page.$eval('.vscroll', (el) => { el.scrollTop = 28 * 50000; });
    await page.waitForSelector('#results tr[aria-rowindex="50002"]');
    const after = await page.$$eval('#results tbody tr', (t) => t.length);
    assert.ok(after < 60, `${after} rows in the DOM after scrolling`);
    assert.equal(await page.textContent('#results tr[aria-rowindex="50002"] td.rownum'), '50001');
    await shot('22-virtual-scroll');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const text = await readFile(await dl.path(), 'utf8');
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 100001);
    assert.equal(lines[0], 'value');
    assert.equal(lines[100000], '99999');
  });

  await step('workbench: Cancel stops a long query (StopQueryExecution, or a restart if the engine does not answer) and the editor keeps working', async () => {
    await editorRun('SELECT SUM(value % 7) AS s FROM range(3000000000)');
    await page.waitForSelector('#query-status[data-state=RUNNING]');
    await page.click('#cancel-query');
    await page.waitForSelector('#query-status[data-state=CANCELLED]');
    await shot('23-cancelled');
    await editorRun('SELECT 7 AS seven');
    await page.waitForSelector('#results td.num >> text=7');
    const res = await page.evaluate((q) => window.puddle.sql(q), LAB);
    assert.deepEqual(countsOf(res.rows), expected, 'the lake survived the restart');
  });

  await step('workbench: workgroups, history per workgroup, and a saved query that survives a reload', async () => {
    await page.fill('#new-workgroup', 'analysts');
    await page.click('#create-workgroup');
    await page.waitForFunction(() => document.querySelector('#workgroup-select').value === 'analysts');
    await editorRun(LAB);
    await gridCounts();
    await page.waitForFunction(() => document.querySelectorAll('#query-history tbody tr').length === 1);
    await page.fill('#save-query-name', 'Sales by region');
    await page.click('#save-query');
    await page.waitForSelector('#saved-queries li[data-name="Sales by region"]');
    await page.reload();
    await ready();
    await page.selectOption('#workgroup-select', 'analysts');
    await page.click('#saved-queries li[data-name="Sales by region"] .open-saved');
    assert.match(await page.inputValue('#query-editor'), /GROUP BY region/);
    assert.equal(await page.textContent('.query-tab.active .tab-title'), 'Sales by region');
    await shot('24-saved-query');
    await page.click('#saved-queries li[data-name="Sales by region"] .delete-saved');
    await page.waitForSelector('#saved-queries li[data-name="Sales by region"]', { state: 'detached' });
  });

  await step('issue 4: Hive-partitioned and plain-folder data, crawled from the UI and the terminal, browsed and queried', async () => {
    const regionCsv = (r, n) => 'id,product,amount\n' + Array.from({ length: n }, (_, i) => `${i},widget-${r},${(i % 500) + 0.5}`).join('\n') + '\n';
    for (const [r, n] of [['NSW', 3000], ['VIC', 2000], ['QLD', 1000]]) {
      await page.evaluate(([b, r, csv]) => window.puddle.putObject(`s3://${b}/hive/region=${r}/part-0.csv`, csv), [BUCKET, r, regionCsv(r, n)]);
    }
    for (const m of ['01', '02']) {
      await page.evaluate(([b, m, csv]) => window.puddle.putObject(`s3://${b}/plain/2025/${m}/sales.csv`, csv), [BUCKET, m, regionCsv(m, 500)]);
    }
    await page.goto(`${server.url}#/glue`);
    await wizardCreateCrawler({ name: 'HiveCrawler', path: `s3://${BUCKET}/hive/`, db: 'issue4_db' });
    await page.click('button.run-crawler[data-crawler="HiveCrawler"]');
    assert.match(await (await page.waitForSelector('#crawl-report')).textContent(), /SUCCEEDED/);
    await page.goto(`${server.url}#/terminal`);
    await page.waitForSelector('#terminal-input');
    const prompts = await page.$$eval('#terminal .line.prompt', (l) => l.length);
    await page.fill('#terminal-input', `aws glue create-crawler --name PlainCrawler --role GlueRole --database-name issue4_db --targets '{"S3Targets":[{"Path":"s3://${BUCKET}/plain/"}]}'`);
    await page.press('#terminal-input', 'Enter');
    await page.waitForSelector('#terminal-input:not([disabled])');
    await page.fill('#terminal-input', 'aws glue start-crawler --name PlainCrawler');
    await page.press('#terminal-input', 'Enter');
    await page.waitForFunction((n) => document.querySelectorAll('#terminal .line.prompt').length >= n + 2
      && !document.querySelector('#terminal-input').disabled, prompts);
    await shot('27-terminal-crawler');
    const tables = JSON.parse((await page.evaluate(() => window.puddle.exec('aws glue get-tables --database-name issue4_db'))).stdout).TableList;
    const plain = tables.find((t) => t.StorageDescriptor.Location.includes('/plain/'));
    assert.ok(plain, JSON.stringify(tables.map((t) => t.Name)));
    assert.equal(plain.PartitionKeys.length, 2, 'plain folders become partition_0, partition_1');
    // A second version of the Hive table, for the diff.
    const hive = JSON.parse((await page.evaluate(() => window.puddle.exec('aws glue get-table --database-name issue4_db --name hive'))).stdout).Table;
    const input = { Name: hive.Name, StorageDescriptor: { ...hive.StorageDescriptor, Columns: [...hive.StorageDescriptor.Columns, { Name: 'note', Type: 'string' }] }, PartitionKeys: hive.PartitionKeys, Parameters: hive.Parameters, TableType: hive.TableType };
    const upd = await page.evaluate((j) => window.puddle.exec(`aws glue update-table --database-name issue4_db --table-input '${j}'`), JSON.stringify(input));
    assert.equal(upd.exitCode ?? 0, 0, upd.stderr);

    await page.goto(`${server.url}#/glue/catalog/issue4_db`);
    await page.click('#catalog-browser-tables a >> text=hive');
    await page.waitForSelector('#table-ddl');
    const cols = await page.textContent('#table-columns');
    assert.match(cols, /product/);
    assert.match(cols, /note/);
    assert.equal(await page.$$eval('#table-partitions tbody tr', (t) => t.length), 3);
    assert.match(await page.textContent('#table-partition-keys'), /region/);
    assert.match(await page.textContent('#table-ddl'), /PARTITIONED BY/);
    await page.waitForSelector('#schema-diff tr[data-change=ADDED] >> text=note');
    await page.waitForSelector('#table-sample #results tbody tr');
    await shot('25-catalog-table');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('25-catalog-table-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.goto(`${server.url}#/athena`);
    await page.waitForSelector('#query-editor');
    await editorRun('SELECT COUNT(*) AS n FROM issue4_db.hive');
    await page.waitForSelector('#results td.num >> text=6000');
    const all = await scannedOf();
    await editorRun("SELECT COUNT(*) AS n FROM issue4_db.hive WHERE region = 'NSW'");
    await page.waitForSelector('#results td.num >> text=3000');
    const nsw = await scannedOf();
    assert.ok(nsw > 0 && nsw < all * 0.7, `scanned ${nsw} of ${all}`);
    await editorRun(`SELECT COUNT(*) AS n FROM issue4_db.${plain.Name}`);
    await page.waitForSelector('#results td.num >> text=1000');
    await shot('26-partition-pruning');
  });

  await step('a crawl shows its progress and Stop cancels it; a job run shows RUNNING and Stop ends it STOPPED', async () => {
    // Held work does not need to be slow: a few files and rows are enough.
    await page.evaluate(async (b) => {
      const puts = [];
      for (let i = 0; i < 60; i++) {
        puts.push(window.puddle.putObject(`s3://${b}/many/f=${i % 3}/part-${String(i).padStart(4, '0')}.csv`, `id,amount\n${i},${i * 1.5}\n`));
      }
      await Promise.all(puts);
      await window.puddle.exec(`aws glue create-crawler --name ManyFiles --role r --database-name progress_db --targets '{"S3Targets":[{"Path":"s3://${b}/many/"}]}'`);
    }, BUCKET);
    await page.goto(`${server.url}#/glue`);
    // The crawl and the job run are held at their first pause until stopped, so the Stop clicks
    // never race the work (a fast run used to reach its write phase first).
    await page.evaluate(() => window.puddle.__holdWorkForTest(true));
    await page.click('button.run-crawler[data-crawler="ManyFiles"]');
    await page.waitForSelector('.crawler-state[data-crawler="ManyFiles"] .crawl-progress >> text=/of 60 files/');
    await shot('28-crawl-progress');
    const seen = JSON.parse((await page.evaluate(() => window.puddle.exec('aws glue get-crawler --name ManyFiles'))).stdout).Crawler;
    assert.equal(seen.State, 'RUNNING');
    await page.click('button.stop-crawler[data-crawler="ManyFiles"]');
    await page.waitForSelector('#crawl-report >> text=CANCELLED');
    const after = JSON.parse((await page.evaluate(() => window.puddle.exec('aws glue get-crawler --name ManyFiles'))).stdout).Crawler;
    assert.equal(after.State, 'READY');
    assert.equal(after.LastCrawl.Status, 'CANCELLED');

    // A job run: Stop while it runs (held at its first checkpoint); nothing is written.
    await page.evaluate(async (b) => {
      const p = window.puddle;
      await p.generateSales(`s3://${b}/slow/part-0.csv`, { rows: 1000 });
      await p.sql(`CREATE EXTERNAL TABLE slow_sales (id BIGINT, region STRING, product STRING, amount DOUBLE, ts STRING) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://${b}/slow/' TBLPROPERTIES ('skip.header.line.count'='1')`, { database: 'progress_db' });
      const script = `src = glueContext.create_dynamic_frame.from_catalog(database="progress_db", table_name="slow_sales")\nbig = Filter.apply(frame=src, f=lambda x: x["amount"] > 100)\nglueContext.write_dynamic_frame.from_options(frame=big, connection_type="s3", connection_options={"path": "s3://${b}/slow-out/"}, format="parquet")\n`;
      await p.putObject(`s3://${b}/scripts/slow.py`, script);
      await p.exec(`aws glue create-job --name SlowJob --role r --command Name=glueetl,ScriptLocation=s3://${b}/scripts/slow.py`);
    }, BUCKET);
    await page.goto(`${server.url}#/glue/jobs`);
    await page.click('button.run-job[data-job="SlowJob"]');
    await page.click('#job-runs button.stop-run');
    // What the page shows after the click, for the failure message.
    const seenStates = [];
    for (let i = 0; i < 100; i++) {
      const state = await page.$eval('#job-runs .run-state', (e) => e.textContent.trim()).catch(() => '?');
      const error = await page.$eval('#job-error', (e) => e.textContent).catch(() => '');
      seenStates.push(`${state}${error ? ` (${error})` : ''}`);
      if (state === 'STOPPED' || state === 'SUCCEEDED' || state === 'FAILED') break;
      await page.waitForTimeout(100);
    }
    assert.equal(seenStates.at(-1), 'STOPPED', seenStates.join(' -> '));
    await shot('29-job-stopped');
    const runs = await jobRuns('SlowJob');
    assert.equal(runs[0].JobRunState, 'STOPPED');
    assert.ok(runs[0].CompletedOn);
    const out = await page.evaluate((b) => window.puddle.exec(`aws s3 ls s3://${b}/slow-out/ --recursive`), BUCKET);
    assert.equal(out.stdout.trim(), '', 'a stopped run writes nothing');
    await page.evaluate(() => window.puddle.__holdWorkForTest(false));
  });

  await step('crawler wizard: five steps with live checks, exclusion and schedule; engine errors on review; Esc cancels', async () => {
    for (const key of ['wiz/2025/part-1.csv', 'wiz/2025/tmp/scratch.csv']) {
      await page.evaluate(([b, k]) => window.puddle.putObject(`s3://${b}/${k}`, 'id,region,amount\n1,NSW,2.5\n2,VIC,3.5\n'), [BUCKET, key]);
    }
    await page.goto(`${server.url}#/glue`);
    await page.waitForSelector('#crawler-list');
    const both = async (name) => {
      await shot(name);
      await page.emulateMedia({ colorScheme: 'dark' });
      await shot(`${name}-dark`);
      await page.emulateMedia({ colorScheme: 'light' });
    };
    const focused = () => page.evaluate(() => document.activeElement?.id);
    // Esc cancels and gives focus back to the button.
    await page.click('#create-crawler');
    await page.waitForSelector('#crawler-wizard');
    assert.equal(await focused(), 'wizard-name');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#crawler-wizard', { state: 'detached' });
    await page.waitForFunction(() => document.activeElement?.id === 'create-crawler');

    await page.click('#create-crawler');
    await page.fill('#wizard-name', 'SalesCrawler');
    assert.match(await page.textContent('#wizard-name-error'), /already exists/);
    await page.fill('#wizard-name', 'WizardCrawler');
    await page.waitForSelector('#wizard-name-error', { state: 'detached' });
    await both('30-wizard-1-name');
    await page.press('#wizard-name', 'Enter');
    await page.waitForSelector('form.wizard-pane[data-step="1"]');
    assert.equal(await focused(), 'wizard-path-0');
    await page.press('#wizard-path-0', 'Enter');
    assert.match(await page.textContent('#wizard-path-0-error'), /bucket/);
    await page.fill('#wizard-path-0', `s3://${BUCKET}/wiz/`);
    await page.fill('#wizard-exclusions', '**/tmp/**');
    await both('31-wizard-2-sources');
    await page.click('#wizard-next');
    await page.waitForSelector('form.wizard-pane[data-step="2"]');
    await page.click('.new-classifier summary');
    await both('32-wizard-3-classifiers');
    await page.click('#wizard-next');
    await page.check('#wizard-db-new');
    await page.fill('#wizard-database', 'wizard_db');
    await page.fill('#wizard-prefix', 'raw_');
    await page.selectOption('#wizard-frequency', 'daily');
    await page.selectOption('#wizard-hour', '6');
    await page.selectOption('#wizard-minute', '30');
    assert.match(await page.textContent('#wizard-schedule-words'), /Every day at 06:30 UTC/);
    await both('33-wizard-4-output');
    await page.click('#wizard-next');
    await page.waitForSelector('#wizard-review');
    assert.equal(await focused(), 'wizard-create');
    const review = await page.textContent('#wizard-review');
    for (const text of ['WizardCrawler', `s3://${BUCKET}/wiz/`, '**/tmp/**', 'wizard_db (new)', 'raw_', 'cron(30 6 * * ? *)']) {
      assert.ok(review.includes(text), `${text} in ${review}`);
    }
    await both('34-wizard-5-review');
    // Meanwhile someone takes the name: the engine's error shows here, and nothing typed is lost.
    const taken = await page.evaluate(() => window.puddle.exec(`aws glue create-crawler --name WizardCrawler --role r --database-name other_db --targets '{"S3Targets":[{"Path":"s3://x/"}]}'`));
    assert.equal(taken.exitCode ?? 0, 0, taken.stderr);
    await page.click('#wizard-create');
    assert.match(await (await page.waitForSelector('#wizard-error')).textContent(), /AlreadyExistsException/);
    assert.match(await page.textContent('#wizard-review'), /\*\*\/tmp\/\*\*/);
    await both('35-wizard-error');
    await page.click('button[aria-label="Edit Name"]');
    assert.equal(await page.inputValue('#wizard-name'), 'WizardCrawler');
    await page.fill('#wizard-name', 'WizardCrawler2');
    for (let i = 0; i < 4; i++) await page.click('#wizard-next');
    await page.click('#wizard-create');
    await page.waitForSelector('#crawler-created >> text=WizardCrawler2');
    const row = page.locator('#crawler-list tr', { hasText: 'WizardCrawler2' });
    assert.match(await row.textContent(), /Every day at 06:30 UTC/);
    assert.match(await row.textContent(), /excluding \*\*\/tmp\/\*\*/);
    await page.click('button.run-crawler[data-crawler="WizardCrawler2"]');
    const report = await (await page.waitForSelector('#crawl-report >> text=WizardCrawler2')).evaluate((e) => e.closest('#crawl-report').textContent);
    assert.match(report, /SUCCEEDED/);
    assert.match(report, /wizard_db\.raw_wiz/);
    assert.match(report, /matches an exclusion pattern/);
    await page.waitForSelector('#catalog-tables >> text=raw_wiz');
    const crawler = JSON.parse((await page.evaluate(() => window.puddle.exec('aws glue get-crawler --name WizardCrawler2'))).stdout).Crawler;
    assert.equal(crawler.Schedule.ScheduleExpression, 'cron(30 6 * * ? *)');
    assert.deepEqual(crawler.Targets.S3Targets[0].Exclusions, ['**/tmp/**']);
    const res = await page.evaluate(() => window.puddle.sql('SELECT COUNT(*) AS n FROM raw_wiz', { database: 'wizard_db' }));
    assert.equal(Number(res.rows[0][0]), 2, 'the excluded file is not in the table');
    await both('36-wizard-crawled');
  });

  await step('crash consistency: the engine killed or the page reloaded mid-work; the reopened lake keeps what was acknowledged', async () => {
    // Each trial starts uploads and a CTAS, then at a random moment kills the engine (odd
    // trials) or reloads the page (even ones). What a call acknowledged is recorded in
    // localStorage as it resolves, so it survives the reload.
    const trials = Number(process.env.PUDDLE_E2E_CRASH_TRIALS ?? 12);
    const regions = (await page.evaluate(() => window.puddle.sql('SELECT DISTINCT region FROM sales_data'))).rows.length;
    for (let t = 0; t < trials; t++) {
      await page.evaluate(async ([b, t]) => {
        localStorage.setItem('acked', '[]');
        const ack = (what) => localStorage.setItem('acked', JSON.stringify([...JSON.parse(localStorage.getItem('acked')), what]));
        for (let i = 0; i < 6; i++) {
          window.puddle.putObject(`s3://${b}/crash/t${t}/f${i}.csv`, `id,v\n${i},${t}\n`).then(() => ack(`crash/t${t}/f${i}.csv`), () => {});
        }
        window.puddle.sql(`CREATE TABLE crash_t${t} WITH (format='PARQUET', external_location='s3://${b}/crash-ctas/t${t}/') AS SELECT region, COUNT(*) AS n FROM sales_data GROUP BY region`)
          .then(() => ack(`table:crash_t${t}`), () => {});
      }, [BUCKET, t]);
      await page.waitForTimeout(Math.floor(Math.random() * 250));
      if (t % 2) {
        await page.evaluate(() => window.puddle.__crashEngineForTest().catch(() => {}));
      } else {
        await page.reload();
      }
      await ready();
      const acked = await page.evaluate(() => JSON.parse(localStorage.getItem('acked') ?? '[]'));
      for (const what of acked) {
        if (what.startsWith('table:')) {
          const rows = await page.evaluate((q) => window.puddle.sql(q).then((r) => r.rows.length, (e) => e.message), `SELECT * FROM ${what.slice(6)}`);
          assert.equal(rows, regions, `trial ${t}: acknowledged ${what} is readable`);
        } else {
          const got = await page.evaluate((k) => window.puddle.getObject(k).then((b) => new TextDecoder().decode(b), (e) => e.code), `s3://${BUCKET}/${what}`);
          assert.match(got, /^id,v\n\d,\d+\n$/, `trial ${t}: acknowledged ${what}`);
        }
      }
      // Whatever was cut short left no half-written record, and every table reads.
      assert.deepEqual(await page.evaluate(() => window.puddle.checkLake()), [], `trial ${t}: no damaged record`);
      const tables = await page.evaluate(() => window.puddle.listTables('default'));
      for (const table of tables.filter((x) => x.name.startsWith('crash_t'))) {
        const n = await page.evaluate((q) => window.puddle.sql(q).then((r) => r.rows.length, (e) => e.message), `SELECT * FROM ${table.name}`);
        assert.equal(n, regions, `trial ${t}: table ${table.name} is visible only with its data`);
      }
    }
    await page.evaluate(() => localStorage.removeItem('acked'));
  });

  await step('Kinesis and Firehose: the course lines, the producer streaming into Parquet partitioned by region, a reload, a crawl and an exact count', async () => {
    // The course's two lines, verbatim, in the terminal and through window.puddle.exec.
    await page.goto(`${server.url}#/terminal`);
    await page.waitForSelector('#terminal-input');
    const course = [
      'aws kinesis create-stream --stream-name realTimeSales --shard-count 1',
      'aws kinesis put-record --stream-name realTimeSales --partition-key "sales" --data "eyJpZCI6IjEyMyIsICJyZWdpb24iOiJOU1ciLCAiYW1vdW50IjogMjAwfQ=="',
    ];
    for (const line of course) {
      await page.fill('#terminal-input', line);
      await page.press('#terminal-input', 'Enter');
    }
    await page.waitForFunction(() => document.querySelector('#terminal').textContent.includes('"SequenceNumber"'));
    assert.ok(!(await page.textContent('#terminal')).includes('An error occurred'), await page.textContent('#terminal'));
    const viaApi = await page.evaluate(() => window.puddle.exec('aws kinesis put-record --stream-name realTimeSales --partition-key "sales" --data "eyJpZCI6IjEyMyIsICJyZWdpb24iOiJOU1ciLCAiYW1vdW50IjogMjAwfQ=="'));
    assert.equal(viaApi.exitCode, 0, viaApi.stderr);
    assert.equal(JSON.parse(viaApi.stdout).ShardId, 'shardId-000000000000');

    // The lake for the stream: a bucket, the schema table Firehose converts with, a database.
    await page.evaluate(async () => {
      const p = window.puddle;
      await p.createBucket('stream-lake-123');
      await p.sql("CREATE EXTERNAL TABLE sales_stream_schema (id string, region string, product string, amount bigint, ts string) STORED AS PARQUET LOCATION 's3://stream-lake-123/schema/'");
      await p.sql('CREATE DATABASE streaming');
    });
    // A two-shard stream, made in the Kinesis page.
    await page.goto(`${server.url}#/kinesis`);
    await page.fill('#stream-name', 'salesStream');
    await page.fill('#stream-shards', '2');
    await page.click('#create-stream');
    await page.waitForSelector('#stream-list >> text=salesStream');
    // A Firehose stream reading it: Parquet typed by the schema table, partitioned by region.
    await page.goto(`${server.url}#/firehose`);
    await page.click('#open-create-delivery-stream');
    await page.selectOption('#fh-source', 'salesStream');
    await page.fill('#fh-name', 'sales-to-lake');
    await page.selectOption('#fh-bucket', 'stream-lake-123');
    await page.check('#fh-parquet');
    await page.selectOption('#fh-database', 'default');
    await page.selectOption('#fh-table', 'sales_stream_schema');
    await page.check('#fh-dynamic');
    await page.fill('#fh-query', '{region:.region}');
    await page.fill('#fh-prefix', 'sales/region=!{partitionKeyFromQuery:region}/');
    await page.fill('#fh-error-prefix', 'errors/!{firehose:error-output-type}/');
    await page.fill('#fh-interval', '60');
    await page.click('#create-delivery-stream-submit');
    await page.waitForSelector('#delivery-stream-list >> text=sales-to-lake');

    // The built-in producer sends sales events to the stream.
    await page.goto(`${server.url}#/kinesis/salesStream`);
    await page.waitForSelector('#producer-start');
    await page.fill('#producer-rate', '200');
    await page.click('#producer-start');
    await page.waitForFunction(() => Number(document.querySelector('#producer-sent')?.textContent) >= 600, null, { timeout: 60_000 });
    await page.click('#producer-stop');
    await page.waitForTimeout(500); // calls in flight come back
    const sent = Number(await page.textContent('#producer-sent'));
    assert.equal(Number(await page.textContent('#producer-errors')), 0);
    await page.waitForFunction(() => [...document.querySelectorAll('#shard-traffic .throughput, #shard-traffic tr')].length > 0);
    // Clean screenshots: no banner left by the crash steps, and the page scrolled to its top
    // (a full-page shot keeps the scroll offset, which moves the tables' sticky headers).
    await page.locator('text=Dismiss').click({ timeout: 1000 }).catch(() => {});
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('30-kinesis-stream');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('30-kinesis-stream-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Firehose reads the stream within a second or two; its buffers fill, one per region.
    const buffered = () => page.evaluate(() => window.puddle.exec('aws firehose describe-delivery-stream --delivery-stream-name sales-to-lake'));
    assert.equal((await buffered()).exitCode, 0);
    await page.goto(`${server.url}#/firehose/sales-to-lake`);
    await page.waitForSelector('#buffer-gauges');
    await page.waitForFunction(() => document.querySelector('#buffer-gauges').textContent.includes('region='), null, { timeout: 30_000 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('31-firehose-buffers');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('31-firehose-buffers-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Reload: the stream's records and the undelivered buffers are still there.
    await page.reload();
    await ready();
    const kept = await page.evaluate(async () => {
      const p = window.puddle;
      let total = 0;
      for (const shard of ['shardId-000000000000', 'shardId-000000000001']) {
        let { ShardIterator: it } = await p.call('kinesis', 'GetShardIterator', { StreamName: 'salesStream', ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' });
        for (;;) {
          const out = await p.call('kinesis', 'GetRecords', { ShardIterator: it, Limit: 10000 });
          total += out.Records.length;
          if (out.Records.length === 0 || !out.NextShardIterator) break;
          it = out.NextShardIterator;
        }
      }
      return total;
    });
    assert.equal(kept, sent);
    const before = await page.evaluate(() => window.puddle.listObjects('s3://stream-lake-123/sales/'));
    assert.equal(before.objects.length, 0, JSON.stringify(before));

    // A minute of lake time later the buffers are delivered as Parquet under region=.../.
    const advanced = await page.evaluate(() => window.puddle.exec('puddle clock advance --minutes 2'));
    assert.equal(advanced.exitCode, 0, advanced.stderr);
    const { objects } = await page.evaluate(() => window.puddle.listObjects('s3://stream-lake-123/sales/'));
    assert.ok(objects.length >= 6, JSON.stringify(objects));
    for (const o of objects) assert.match(o.key, /^sales\/region=(NSW|VIC|QLD|WA|SA|TAS)\/.*\.parquet$/);
    await page.goto(`${server.url}#/firehose/sales-to-lake`);
    await page.waitForSelector('#delivered-objects >> text=.parquet');
    await shot('32-firehose-delivered');

    // A crawler catalogs them; Athena counts exactly what the producer sent.
    for (const line of [
      'aws glue create-crawler --name stream-crawler --role GlueCrawlerRole --database-name streaming --targets S3Targets=[{Path=s3://stream-lake-123/sales/}]',
      'aws glue start-crawler --name stream-crawler',
    ]) {
      const out = await page.evaluate((l) => window.puddle.exec(l), line);
      assert.equal(out.exitCode, 0, out.stderr);
    }
    const res = await page.evaluate(() => window.puddle.sql('SELECT COUNT(*) AS n, COUNT(DISTINCT region) AS regions FROM sales', { database: 'streaming' }));
    assert.equal(Number(res.rows[0][0]), sent);
    assert.equal(Number(res.rows[0][1]), 6);
  });

  await step('hostile content (keys, column names, cell values, job names, logs) renders as text and never runs', async () => {
    const PAYLOAD = '<img src=x onerror="window.__xss=(window.__xss||0)+1">';
    await page.evaluate(async ([b, p]) => {
      const api = window.puddle;
      await api.putObject(`s3://${b}/hostile/${p}.csv`, `id,${p.replace(/[",]/g, '')}\n1,${p.replace(/[",]/g, '')}\n`);
      await api.putObject(`s3://${b}/hostile-scripts/bad.py`, `x = glueContext.create_dynamic_frame.from_catalog(database="${p}", table_name="t")\n`);
      await api.exec(`aws glue create-job --name hostile-job --role r --command Name=glueetl,ScriptLocation=s3://${b}/hostile-scripts/bad.py --description '${p}'`);
      await api.exec('aws glue start-job-run --job-name hostile-job');
      await api.createTable({ database: 'default', name: 'hostile', location: `s3://${b}/hostile/`, format: 'csv' });
    }, [BUCKET, PAYLOAD]);
    const check = async (where) => {
      await page.waitForTimeout(300);
      const found = await page.evaluate(() => ({
        ran: window.__xss ?? 0,
        images: document.querySelectorAll('img[src="x"]').length,
        text: document.body.innerText.includes('<img src=x'),
      }));
      assert.deepEqual({ ran: found.ran, images: found.images }, { ran: 0, images: 0 }, `${where}: markup was interpreted`);
      return found.text;
    };
    const visit = async (hash, waitFor) => {
      await page.goto(`${server.url}${hash}`);
      await page.waitForSelector(waitFor);
      return check(hash);
    };
    assert.ok(await visit(`#/s3/${BUCKET}/hostile/`, 'td[data-key^="hostile/"]'), 'the key is shown as text');
    await page.goto(`${server.url}#/terminal`);
    await page.goto(`${server.url}#/athena`);
    await page.waitForSelector('#query-editor');
    await page.fill('#query-editor', 'SELECT * FROM hostile;');
    await page.click('#run-query');
    await page.waitForSelector('#row-count');
    assert.ok(await check('#/athena'), 'column names and cells are shown as text');
    assert.ok(await visit('#/glue/catalog/default/hostile', 'main'), 'the column name is shown as text');
    await visit('#/glue/jobs', 'main');
    // The page's Content-Security-Policy forbids inline handlers and eval even if markup slipped in.
    const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(csp, /script-src[^;]*'unsafe-(eval|inline)'/);
    await shot('30-hostile-content-as-text');
  });

  await step('reset empties the whole lake, storage included', async () => {
    await page.evaluate(() => window.puddle.reset());
    await page.reload();
    await ready();
    const ls = await page.evaluate(() => window.puddle.exec('aws s3 ls'));
    assert.equal(ls.stdout, '');
    const e = await page.evaluate((q) => window.puddle.sql(q).then(() => 'resolved', (e) => e.message), LAB);
    assert.match(e, /sales_data/);
  });

  await step('no uncaught errors in the page', async () => {
    assert.deepEqual(pageErrors, []);
  });
} finally {
  await browser.close();
  await server.close();
}
await writeFile(join(shots, 'results.txt'), results.join('\n') + '\n');
console.log(`\n${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
