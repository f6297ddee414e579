// The streaming part of the bench (tests/e2e/bench.mjs), issue #13: sustained Kinesis PutRecords
// throughput in the browser, and the latency from a producer's PutRecords to the records being
// countable by Athena in the Parquet files Firehose delivered. DuckDB-WASM has no streaming, so
// these are Puddle's own figures.
//
// Env: BENCH_STREAM_SECONDS=5   how long the producer pushes (default 5 s)
//      BENCH_STREAM_SHARDS=16   shards of the throughput stream (16 shards = 16,000 records/s and
//                               16 MiB/s of provisioned write limit, above what one tab sends)

const env = process.env;
export const STREAM_SECONDS = Number(env.BENCH_STREAM_SECONDS ?? 5);
export const STREAM_SHARDS = Number(env.BENCH_STREAM_SHARDS ?? 16);
if (!(STREAM_SECONDS > 0) || !Number.isInteger(STREAM_SHARDS) || STREAM_SHARDS < 1) throw new Error('bad BENCH_STREAM_SECONDS / BENCH_STREAM_SHARDS');

/** PutRecords of 500 sales events at a time, one call in flight, for `seconds`. */
function throughput(page, { stream, seconds }) {
  return page.evaluate(async ({ stream, seconds }) => {
    const p = window.puddle;
    const regions = ['NSW', 'VIC', 'QLD', 'WA', 'SA', 'TAS'];
    let id = 0;
    const batch = () => Array.from({ length: 500 }, () => {
      id++;
      const rec = { id: String(id), region: regions[id % 6], product: `p${id % 50}`, amount: id % 2000, ts: new Date().toISOString() };
      return { PartitionKey: `k${id}`, Data: btoa(JSON.stringify(rec)) };
    });
    let sent = 0;
    let failed = 0;
    let bytes = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      const records = batch();
      const out = await p.call('kinesis', 'PutRecords', { StreamName: stream, Records: records });
      failed += out.FailedRecordCount ?? 0;
      sent += records.length - (out.FailedRecordCount ?? 0);
      bytes += records.reduce((a, r) => a + r.PartitionKey.length + (r.Data.length * 3) / 4, 0);
    }
    const elapsed = (performance.now() - t0) / 1000;
    return { sent, failed, bytes, elapsed };
  }, { stream, seconds });
}

/** Producer -> Kinesis -> Firehose (Parquet, zero buffering) -> S3 -> Athena COUNT(*). */
function latency(page, { stream, delivery, bucket, database, table }) {
  return page.evaluate(async ({ stream, delivery, bucket, database, table }) => {
    const p = window.puddle;
    const n = 1000;
    const records = Array.from({ length: n }, (_, i) => ({
      PartitionKey: `l${i}`,
      Data: btoa(JSON.stringify({ id: String(i), region: 'NSW', product: 'p', amount: i, ts: new Date().toISOString() })),
    }));
    const t0 = performance.now();
    await p.call('kinesis', 'PutRecords', { StreamName: stream, Records: records.slice(0, 500) });
    await p.call('kinesis', 'PutRecords', { StreamName: stream, Records: records.slice(500) });
    const put = performance.now() - t0;
    for (;;) {
      const res = await p.sql(`SELECT COUNT(*) FROM ${table}`, { database }).catch(() => null);
      if (res && Number(res.rows[0][0]) >= n) return { put, queryable: performance.now() - t0, rows: Number(res.rows[0][0]) };
      if (performance.now() - t0 > 60_000) throw new Error(`not queryable after 60 s (${res ? res.rows[0][0] : 'query failed'} rows)`);
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }, { stream, delivery, bucket, database, table });
}

/** Runs both; resolves to the report's lines. */
export async function benchStreams(page, { bucket, database, log, withTimeout, timeout }) {
  const lines = ['', 'Streaming (issue #13):'];
  const setup = await page.evaluate(async ({ bucket, database, shards }) => {
    const p = window.puddle;
    await p.call('kinesis', 'CreateStream', { StreamName: 'bench-throughput', ShardCount: shards });
    await p.call('kinesis', 'CreateStream', { StreamName: 'bench-latency', ShardCount: 1 });
    await p.sql(`CREATE EXTERNAL TABLE ${database}.stream_latency (id string, region string, product string, amount bigint, ts string)`
      + ` STORED AS PARQUET LOCATION 's3://${bucket}/stream-latency/'`);
    await p.call('firehose', 'CreateDeliveryStream', {
      DeliveryStreamName: 'bench-latency',
      DeliveryStreamType: 'KinesisStreamAsSource',
      KinesisStreamSourceConfiguration: { KinesisStreamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/bench-latency', RoleARN: 'arn:aws:iam::123456789012:role/FirehoseRole' },
      ExtendedS3DestinationConfiguration: {
        BucketARN: `arn:aws:s3:::${bucket}`, RoleARN: 'arn:aws:iam::123456789012:role/FirehoseRole',
        // A timestamp expression in the prefix replaces the default YYYY/MM/dd/HH/ folders, so the
        // objects land in the table's own folder (Puddle's SQL, like Hive, reads no subfolders).
        Prefix: 'stream-latency/!{timestamp:yyyy}-', ErrorOutputPrefix: 'stream-errors/',
        BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 0 },
        DataFormatConversionConfiguration: {
          Enabled: true,
          SchemaConfiguration: { DatabaseName: database, TableName: 'stream_latency', RoleARN: 'arn:aws:iam::123456789012:role/FirehoseRole' },
          InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: {} } },
          OutputFormatConfiguration: { Serializer: { ParquetSerDe: {} } },
        },
      },
    });
  }, { bucket, database, shards: STREAM_SHARDS });
  void setup;
  log(`  PutRecords for ${STREAM_SECONDS} s into ${STREAM_SHARDS} shards...`);
  const t = await withTimeout(throughput(page, { stream: 'bench-throughput', seconds: STREAM_SECONDS }), timeout, 'PutRecords throughput');
  const rps = t.sent / t.elapsed;
  const mibps = t.bytes / t.elapsed / 1048576;
  lines.push(`  Sustained PutRecords (500 records of ~130 B per call, one call in flight, ${STREAM_SHARDS} shards): `
    + `${Math.round(rps)} records/s, ${mibps.toFixed(2)} MiB/s over ${t.elapsed.toFixed(1)} s (${t.sent} records stored, ${t.failed} throttled)`);
  log(lines.at(-1));
  const l = await withTimeout(latency(page, { stream: 'bench-latency', delivery: 'bench-latency', bucket, database, table: 'stream_latency' }), timeout, 'stream latency');
  lines.push(`  Producer to queryable Parquet (1,000 records: PutRecords -> Kinesis -> Firehose with zero buffering and Parquet conversion -> S3 -> Athena COUNT(*)): `
    + `${Math.round(l.queryable)} ms (the puts took ${Math.round(l.put)} ms; Firehose reads its source on the worker's 1 s timer)`);
  log(lines.at(-1));
  return lines;
}
