//! `window.puddle`: the public JavaScript API of the lake.
//!
//! A stable contract for automation, course pages and browser tests:
//!
//! ```text
//! puddle.ready                          Promise<void>: engine up, lake loaded from IndexedDB
//! puddle.exec(line)                     Promise<{exitCode, stdout, stderr}>  (never rejects)
//! puddle.sql(query, {database?})        Promise<{columns, columnTypes, rows, stats: {bytesScanned, elapsedMs}}>
//! puddle.putObject(uri, bytes|string)   Promise<{eTag, size}>
//! puddle.getObject(uri)                 Promise<Uint8Array>
//! puddle.reset()                        Promise<void>: empties the whole lake, storage included
//! ```
//!
//! Extras: `createBucket(name)`, `listBuckets()`, `listObjects(uri, {delimiter?})`,
//! `deleteObject(uri)`, `createTable({database, name, location, format})`,
//! `listTables(database?)`, `generateSales(uri, {rows, format})`, `writeLocalFile(name, body)`,
//! `readLocalFile(name)`, `listLocalFiles()` (the terminal's local folder),
//! `exportLake()` (`Promise<Uint8Array>`: the whole lake as a .zip), `importLake(bytes)`
//! (`Promise<{buckets, objects, bytes}>`: replaces the lake; a malformed archive rejects with
//! code `InvalidLakeArchive` and changes nothing), `checkLake()` (`Promise<[{path, error}]>`:
//! reads every lake record back and answers the damaged ones, set aside under
//! `_meta/quarantine/`), `version`.
//!
//! Any AWS operation, and records for Kinesis and Firehose:
//!
//! ```text
//! puddle.call(service, operation, input)       Promise<output>: e.g. call('kinesis', 'ListShards',
//!                                               {StreamName: 'realTimeSales'}); AWS member names,
//!                                               blobs as base64 strings, timestamps in epoch seconds
//! puddle.putRecords(streamName, records, {partitionKey?})
//!                                               Promise<PutRecords output {FailedRecordCount, Records}>
//! puddle.putRecordBatch(deliveryStreamName, records)
//!                                               Promise<PutRecordBatch output {FailedPutCount, RequestResponses}>
//! ```
//!
//! A record is a string (sent as its UTF-8 text), a `Uint8Array`/`ArrayBuffer` (sent as is), any
//! other value (sent as its JSON; for `putRecordBatch` followed by a newline, so that delivered
//! objects are JSON Lines), or `{data, partitionKey}` with `data` one of those. Its partition key
//! is its own `partitionKey`, else the option's, else a random UUID. Encoding to base64 is done
//! for you. Per-record failures (`ProvisionedThroughputExceededException`) are in the output, as
//! AWS reports them; a failed call rejects.
//! Failures reject with an `Error` whose `message` is the engine's and whose `code` is the AWS
//! error code.

use std::future::Future;

use js_sys::{ArrayBuffer, Function, Object, Promise, Reflect, Uint8Array};
use puddle_api::{ApiError, CreateTableInput, DataFormat, ExecOutput, Request, Response, S3Uri};
use wasm_bindgen::{prelude::*, JsCast};
use wasm_bindgen_futures::future_to_promise;

use crate::{
    components::producer::{
        batch::{put_input, Outgoing, TargetKind},
        template::{uuid_v4, Rng},
    },
    engine::{to_js, Engine},
};

/// Defines `window.puddle`.
pub fn install(engine: &Engine) {
    let api = Object::new();
    set(&api, "version", &env!("CARGO_PKG_VERSION").into());
    let e = engine.clone();
    let ready = future_to_promise(async move {
        e.ready().await.map(|_| JsValue::UNDEFINED).map_err(|m| js_sys::Error::new(&m).into())
    });
    set(&api, "ready", &ready);

    method(&api, engine, "exec", |engine, line, _| async move {
        let line = line.as_string().ok_or_else(|| type_error("exec(line): line must be a string"))?;
        let out = match engine.call(Request::Exec { line }).await {
            Ok(Response::Exec(out)) => out,
            Ok(other) => ExecOutput { exit_code: 255, stdout: String::new(), stderr: unexpected(other).message },
            Err(e) => ExecOutput { exit_code: 255, stdout: String::new(), stderr: format!("{}\n", e.message) },
        };
        ok_js(&out)
    });
    method(&api, engine, "sql", |engine, query, opts| async move {
        let query = query.as_string().ok_or_else(|| type_error("sql(query): query must be a string"))?;
        let database = get_string(&opts, "database");
        match engine.call(Request::Sql { query, database }).await.map_err(js_error)? {
            Response::Query(result) => json_js(&result),
            other => Err(js_error(unexpected(other))),
        }
    });
    method(&api, engine, "putObject", |engine, uri, body| async move {
        let uri = parse_uri(&uri)?;
        let body = bytes_of(&body)?;
        let req = Request::PutObject { bucket: uri.bucket, key: uri.key, body, content_type: None };
        match engine.call(req).await.map_err(js_error)? {
            Response::Put(out) => ok_js(&out),
            other => Err(js_error(unexpected(other))),
        }
    });
    method(&api, engine, "getObject", |engine, uri, _| async move {
        let uri = parse_uri(&uri)?;
        match engine.call(Request::GetObject { bucket: uri.bucket, key: uri.key }).await.map_err(js_error)? {
            Response::Object(bytes) => Ok(Uint8Array::from(bytes.as_slice()).into()),
            other => Err(js_error(unexpected(other))),
        }
    });
    method(&api, engine, "reset", |engine, _, _| async move {
        engine.call(Request::Reset).await.map_err(js_error)?;
        Ok(JsValue::UNDEFINED)
    });
    method(&api, engine, "createBucket", |engine, name, _| async move {
        let bucket = name.as_string().ok_or_else(|| type_error("createBucket(name): name must be a string"))?;
        engine.call(Request::CreateBucket { bucket }).await.map_err(js_error)?;
        Ok(JsValue::UNDEFINED)
    });
    method(&api, engine, "listBuckets", |engine, _, _| async move {
        match engine.call(Request::ListBuckets).await.map_err(js_error)? {
            Response::Buckets(b) => ok_js(&b),
            other => Err(js_error(unexpected(other))),
        }
    });
    method(&api, engine, "listObjects", |engine, uri, opts| async move {
        let uri = parse_uri(&uri)?;
        let delimiter = get_string(&opts, "delimiter");
        match engine
            .call(Request::ListObjects { bucket: uri.bucket, prefix: uri.key, delimiter })
            .await
            .map_err(js_error)?
        {
            Response::Objects(list) => ok_js(&list),
            other => Err(js_error(unexpected(other))),
        }
    });
    method(&api, engine, "deleteObject", |engine, uri, _| async move {
        let uri = parse_uri(&uri)?;
        engine.call(Request::DeleteObject { bucket: uri.bucket, key: uri.key }).await.map_err(js_error)?;
        Ok(JsValue::UNDEFINED)
    });
    method(&api, engine, "createTable", |engine, input, _| async move {
        let input: CreateTableInput = serde_wasm_bindgen::from_value(input)
            .map_err(|e| type_error(&format!("createTable({{database, name, location, format}}): {e}")))?;
        match engine.call(Request::CreateTable(input)).await.map_err(js_error)? {
            Response::Tables(mut t) if !t.is_empty() => ok_js(&t.remove(0)),
            other => Err(js_error(unexpected(other))),
        }
    });
    method(&api, engine, "listTables", |engine, database, _| async move {
        match engine.call(Request::ListTables { database: database.as_string() }).await.map_err(js_error)? {
            Response::Tables(t) => ok_js(&t),
            other => Err(js_error(unexpected(other))),
        }
    });
    method(&api, engine, "generateSales", |engine, uri, opts| async move {
        let uri = parse_uri(&uri)?;
        let rows = Reflect::get(&opts, &"rows".into()).ok().and_then(|v| v.as_f64()).unwrap_or(1000.0);
        let format = get_string(&opts, "format").unwrap_or_else(|| "csv".into());
        let format = DataFormat::parse(&format).ok_or_else(|| type_error("format must be csv, json or parquet"))?;
        if !(rows >= 0.0 && rows.fract() == 0.0) {
            return Err(type_error("rows must be a non-negative integer"));
        }
        let req = Request::GenerateSales { bucket: uri.bucket, key: uri.key, rows: rows as u64, format };
        match engine.call(req).await.map_err(js_error)? {
            Response::Put(out) => ok_js(&out),
            other => Err(js_error(unexpected(other))),
        }
    });
    method(&api, engine, "writeLocalFile", |engine, name, body| async move {
        let name = name.as_string().ok_or_else(|| type_error("writeLocalFile(name, body): name must be a string"))?;
        let body = bytes_of(&body)?;
        match engine.call(Request::WriteLocalFile { name, body }).await.map_err(js_error)? {
            Response::LocalFiles(mut f) if !f.is_empty() => ok_js(&f.remove(0)),
            other => Err(js_error(unexpected(other))),
        }
    });
    method(&api, engine, "readLocalFile", |engine, name, _| async move {
        let name = name.as_string().ok_or_else(|| type_error("readLocalFile(name): name must be a string"))?;
        match engine.call(Request::ReadLocalFile { name }).await.map_err(js_error)? {
            Response::Object(bytes) => Ok(Uint8Array::from(bytes.as_slice()).into()),
            other => Err(js_error(unexpected(other))),
        }
    });
    method(&api, engine, "listLocalFiles", |engine, _, _| async move {
        match engine.call(Request::ListLocalFiles).await.map_err(js_error)? {
            Response::LocalFiles(f) => ok_js(&f),
            other => Err(js_error(unexpected(other))),
        }
    });
    method(&api, engine, "exportLake", |engine, _, _| async move {
        match engine.call(Request::ExportLake).await.map_err(js_error)? {
            Response::Object(bytes) => Ok(Uint8Array::from(bytes.as_slice()).into()),
            other => Err(js_error(unexpected(other))),
        }
    });
    method(&api, engine, "importLake", |engine, bytes, _| async move {
        let zip = bytes_of(&bytes)?;
        match engine.call(Request::ImportLake { zip }).await.map_err(js_error)? {
            Response::Imported(summary) => ok_js(&summary),
            other => Err(js_error(unexpected(other))),
        }
    });
    method(&api, engine, "checkLake", |engine, _, _| async move {
        match engine.call(Request::CheckLake).await.map_err(js_error)? {
            Response::Damaged(records) => ok_js(&records),
            other => Err(js_error(unexpected(other))),
        }
    });
    install_streaming(&api, engine);
    // Test hook: makes the engine panic, to prove the page survives it.
    method(&api, engine, "__crashEngineForTest", |engine, _, _| async move {
        match engine.call(Request::DebugPanic).await {
            Ok(_) => Ok(JsValue::UNDEFINED),
            Err(e) => Err(js_error(e)),
        }
    });
    // Test hook: holds crawls and job runs at their next pause (`true`) or lets them go (`false`).
    method(&api, engine, "__holdWorkForTest", |engine, held, _| async move {
        let held = held.as_bool().unwrap_or(false);
        match engine.call(Request::DebugHoldWork { held }).await {
            Ok(_) => Ok(JsValue::UNDEFINED),
            Err(e) => Err(js_error(e)),
        }
    });

    // index.html defines a forwarding stub so that early callers wait; hand it the real API.
    let Some(window) = web_sys::window() else { return };
    let stub = Reflect::get(&window, &"puddle".into()).unwrap_or(JsValue::UNDEFINED);
    let installer = Reflect::get(&stub, &"__install".into()).ok().and_then(|f| f.dyn_into::<Function>().ok());
    match installer {
        Some(install) => {
            let _ = install.call1(&stub, &api);
        }
        None => set(&window, "puddle", &api),
    }
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &key.into(), value);
}

/// Adds `name(a, b) -> Promise` to `api`.
fn method<F, Fut>(api: &Object, engine: &Engine, name: &str, f: F)
where
    F: Fn(Engine, JsValue, JsValue) -> Fut + 'static,
    Fut: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    let engine = engine.clone();
    let closure =
        Closure::<dyn Fn(JsValue, JsValue) -> Promise>::new(move |a, b| future_to_promise(f(engine.clone(), a, b)));
    let function: Function = closure.into_js_value().unchecked_into();
    set(api, name, &function);
}

/// `call`, `putRecords` and `putRecordBatch`: any AWS operation, and records for Kinesis and
/// Firehose.
fn install_streaming(api: &Object, engine: &Engine) {
    method3(api, engine, "call", |engine, service, operation, input| async move {
        let (Some(service), Some(operation)) = (service.as_string(), operation.as_string()) else {
            return Err(type_error("call(service, operation, input): service and operation must be strings"));
        };
        let input = value_of(&input)?;
        let request = Request::Call { service, operation, input };
        match engine.call(request).await.map_err(js_error)? {
            Response::Output(out) => json_js(&out),
            other => Err(js_error(unexpected(other))),
        }
    });
    method3(api, engine, "putRecords", |engine, name, records, opts| async move {
        let name = name
            .as_string()
            .ok_or_else(|| type_error("putRecords(streamName, records): streamName must be a string"))?;
        let default_key = get_string(&opts, "partitionKey");
        let records = outgoing(&records, TargetKind::Stream, default_key.as_deref())?;
        put(&engine, TargetKind::Stream, &name, &records).await
    });
    method(api, engine, "putRecordBatch", |engine, name, records| async move {
        let name = name.as_string().ok_or_else(|| {
            type_error("putRecordBatch(deliveryStreamName, records): deliveryStreamName must be a string")
        })?;
        let records = outgoing(&records, TargetKind::DeliveryStream, None)?;
        put(&engine, TargetKind::DeliveryStream, &name, &records).await
    });
}

/// Adds `name(a, b, c) -> Promise` to `api`.
fn method3<F, Fut>(api: &Object, engine: &Engine, name: &str, f: F)
where
    F: Fn(Engine, JsValue, JsValue, JsValue) -> Fut + 'static,
    Fut: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    let engine = engine.clone();
    let closure = Closure::<dyn Fn(JsValue, JsValue, JsValue) -> Promise>::new(move |a, b, c| {
        future_to_promise(f(engine.clone(), a, b, c))
    });
    let function: Function = closure.into_js_value().unchecked_into();
    set(api, name, &function);
}

/// A JS value as JSON (`undefined` and `null`: `{}`), through the browser's `JSON.stringify`.
fn value_of(input: &JsValue) -> Result<serde_json::Value, JsValue> {
    if input.is_undefined() || input.is_null() {
        return Ok(serde_json::json!({}));
    }
    let text: String = js_sys::JSON::stringify(input)?.into();
    serde_json::from_str(&text).map_err(|e| type_error(&format!("input is not JSON: {e}")))
}

/// The records of `putRecords` / `putRecordBatch`, encoded.
fn outgoing(records: &JsValue, kind: TargetKind, default_key: Option<&str>) -> Result<Vec<Outgoing>, JsValue> {
    if !js_sys::Array::is_array(records) {
        return Err(type_error("records must be an array"));
    }
    let mut rng = Rng::new((js_sys::Math::random() * 9_007_199_254_740_992.0) as u64);
    let array: &js_sys::Array = records.unchecked_ref();
    array
        .iter()
        .map(|r| {
            let wrapped = r.is_object()
                && !ArrayBuffer::is_view(&r)
                && r.dyn_ref::<ArrayBuffer>().is_none()
                && Reflect::has(&r, &"data".into()).unwrap_or(false);
            let (data, key) =
                if wrapped { (Reflect::get(&r, &"data".into())?, get_string(&r, "partitionKey")) } else { (r, None) };
            let data =
                if data.as_string().is_some() || data.dyn_ref::<ArrayBuffer>().is_some() || ArrayBuffer::is_view(&data)
                {
                    bytes_of(&data)?
                } else {
                    let mut json: String = js_sys::JSON::stringify(&data)?.into();
                    if kind == TargetKind::DeliveryStream {
                        json.push('\n');
                    }
                    json.into_bytes()
                };
            let partition_key = key.or_else(|| default_key.map(str::to_string)).unwrap_or_else(|| uuid_v4(&mut rng));
            Ok(Outgoing { data, partition_key })
        })
        .collect()
}

/// Sends one PutRecords or PutRecordBatch call.
async fn put(engine: &Engine, kind: TargetKind, name: &str, records: &[Outgoing]) -> Result<JsValue, JsValue> {
    let request = Request::Call {
        service: kind.service().into(),
        operation: kind.operation().into(),
        input: put_input(kind, name, records),
    };
    match engine.call(request).await.map_err(js_error)? {
        Response::Output(out) => json_js(&out),
        other => Err(js_error(unexpected(other))),
    }
}

fn ok_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    to_js(value).map_err(|e| js_sys::Error::new(&e).into())
}

/// `value` as JS through a JSON string and the browser's own `JSON.parse`: for big results
/// (query rows) several times faster than building the objects value by value from wasm.
fn json_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(value).map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
    js_sys::JSON::parse(&json)
}

fn js_error(e: ApiError) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    set(&err, "code", &e.code.into());
    err.into()
}

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

fn unexpected(response: Response) -> ApiError {
    ApiError::internal(format!("unexpected engine response: {response:?}"))
}

fn get_string(opts: &JsValue, key: &str) -> Option<String> {
    if opts.is_object() {
        Reflect::get(opts, &key.into()).ok().and_then(|v| v.as_string())
    } else {
        None
    }
}

fn parse_uri(uri: &JsValue) -> Result<S3Uri, JsValue> {
    let text = uri.as_string().ok_or_else(|| type_error("the URI must be a string like s3://bucket/key"))?;
    text.parse::<S3Uri>().map_err(|e| type_error(&e.to_string()))
}

/// Bytes of a `Uint8Array`, any typed array, an `ArrayBuffer`, or a string (UTF-8).
fn bytes_of(body: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(s) = body.as_string() {
        return Ok(s.into_bytes());
    }
    if let Some(buf) = body.dyn_ref::<ArrayBuffer>() {
        return Ok(Uint8Array::new(buf).to_vec());
    }
    if ArrayBuffer::is_view(body) {
        let buffer = Reflect::get(body, &"buffer".into())?;
        let offset = Reflect::get(body, &"byteOffset".into())?.as_f64().unwrap_or(0.0) as u32;
        let len = Reflect::get(body, &"byteLength".into())?.as_f64().unwrap_or(0.0) as u32;
        return Ok(Uint8Array::new_with_byte_offset_and_length(&buffer, offset, len).to_vec());
    }
    Err(type_error("the body must be a Uint8Array, ArrayBuffer or string"))
}
