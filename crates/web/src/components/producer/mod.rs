//! The built-in producer (what the Kinesis Data Generator does, without an AWS account): record
//! and partition-key templates ([`template`]), a rate, Start/Stop, and counts of records sent,
//! throttled and refused. Every [`batch::TICK_MS`] it renders the records due and sends them in
//! PutRecords (Kinesis) or PutRecordBatch (Firehose) calls of up to 500 records.
//!
//! One [`Producer`] lives in the app's context, so a run keeps going (and its counts stay) while
//! the user moves between the Kinesis and Firehose pages. Stop clears the timer at once; calls
//! already sent still count when they answer.

pub mod batch;
mod panel;
pub mod template;

use std::{cell::RefCell, rc::Rc};

use wasm_bindgen::{prelude::*, JsCast};

pub use self::panel::ProducerPanel;
use self::{
    batch::{Outgoing, Pacer, Tally, TargetKind, TICK_MS},
    template::{RenderContext, Rng, Template},
};
use crate::{engine::Engine, pages::aws};

/// Calls in flight above which a tick sends nothing (the engine is behind; the rate drops
/// rather than the page queueing without end).
const MAX_IN_FLIGHT: usize = 4;

/// What the user set up.
#[derive(Debug, Clone, PartialEq)]
pub struct ProducerConfig {
    /// Stream or delivery stream.
    pub kind: TargetKind,
    /// Its name.
    pub name: String,
    /// Record template.
    pub record: String,
    /// Partition key template (streams only).
    pub partition_key: String,
    /// Records per second.
    pub rate: u32,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        ProducerConfig {
            kind: TargetKind::Stream,
            name: String::new(),
            record: template::DEFAULT_RECORD_TEMPLATE.into(),
            partition_key: template::DEFAULT_PARTITION_KEY_TEMPLATE.into(),
            rate: 10,
        }
    }
}

struct Running {
    timer: i32,
    _tick: Closure<dyn FnMut()>,
}

#[derive(Default)]
struct Inner {
    config: ProducerConfig,
    tally: Tally,
    running: Option<Running>,
    in_flight: usize,
    counter: u64,
}

/// The producer shared by the pages (clone = same producer).
#[derive(Clone)]
pub struct Producer {
    inner: Rc<RefCell<Inner>>,
}

impl PartialEq for Producer {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Default for Producer {
    fn default() -> Self {
        Producer { inner: Rc::new(RefCell::new(Inner::default())) }
    }
}

impl Producer {
    /// The current set-up.
    pub fn config(&self) -> ProducerConfig {
        self.inner.borrow().config.clone()
    }

    /// Changes the set-up (takes effect at the next Start).
    pub fn set_config(&self, config: ProducerConfig) {
        self.inner.borrow_mut().config = config;
    }

    /// Counts since the last Start.
    pub fn tally(&self) -> Tally {
        self.inner.borrow().tally.clone()
    }

    /// Whether a run is going.
    pub fn running(&self) -> bool {
        self.inner.borrow().running.is_some()
    }

    /// Starts sending with the current set-up; an error names the template problem.
    pub fn start(&self, engine: &Engine) -> Result<(), String> {
        self.stop();
        let config = self.config();
        if config.name.trim().is_empty() {
            return Err("Choose a stream or delivery stream to send to.".into());
        }
        let record = Template::parse(&config.record).map_err(|e| format!("Record template, {e}"))?;
        let key = Template::parse(&config.partition_key).map_err(|e| format!("Partition key template, {e}"))?;
        let mut pacer = Pacer::new(config.rate);
        let mut rng = Rng::new((js_sys::Math::random() * 9_007_199_254_740_992.0) as u64);
        let mut last = js_sys::Date::now();
        let (me, engine) = (self.clone(), engine.clone());
        let tick = Closure::<dyn FnMut()>::new(move || {
            let now = js_sys::Date::now();
            let due = pacer.due(now - last);
            last = now;
            me.send(&engine, &config, &record, &key, &mut rng, due, now as i64);
        });
        let window = web_sys::window().ok_or("no window")?;
        let timer = window
            .set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), TICK_MS as i32)
            .map_err(|_| "the browser refused a timer".to_string())?;
        let mut inner = self.inner.borrow_mut();
        inner.tally = Tally::default();
        inner.counter = 0;
        inner.running = Some(Running { timer, _tick: tick });
        Ok(())
    }

    /// Stops the run: no record is rendered or sent after this returns.
    pub fn stop(&self) {
        let running = self.inner.borrow_mut().running.take();
        if let (Some(r), Some(w)) = (running, web_sys::window()) {
            w.clear_interval_with_handle(r.timer);
            // The closure is dropped on a later turn: this may run inside a tick's call stack.
            wasm_bindgen_futures::spawn_local(async move { drop(r) });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn send(
        &self,
        engine: &Engine,
        config: &ProducerConfig,
        record: &Template,
        key: &Template,
        rng: &mut Rng,
        due: usize,
        now_ms: i64,
    ) {
        let first = {
            let mut inner = self.inner.borrow_mut();
            if inner.running.is_none() || inner.in_flight >= MAX_IN_FLIGHT || due == 0 {
                return;
            }
            let first = inner.counter;
            inner.counter += due as u64;
            first
        };
        let records: Vec<Outgoing> = (0..due as u64)
            .map(|i| {
                let ctx = RenderContext { now_ms, counter: first + i + 1 };
                let mut data = record.render(rng, ctx).into_bytes();
                if config.kind == TargetKind::DeliveryStream && data.last() != Some(&b'\n') {
                    data.push(b'\n');
                }
                Outgoing { data, partition_key: key.render(rng, ctx) }
            })
            .collect();
        for chunk in batch::batches(records, config.kind) {
            self.inner.borrow_mut().in_flight += 1;
            let (me, engine, kind, name) = (self.clone(), engine.clone(), config.kind, config.name.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let input = batch::put_input(kind, &name, &chunk);
                let tally = match aws(&engine, kind.service(), kind.operation(), input).await {
                    Ok(out) => batch::tally_output(kind, &out),
                    Err(e) => batch::tally_failure(chunk.len(), &e.code, &e.message),
                };
                let mut inner = me.inner.borrow_mut();
                inner.in_flight -= 1;
                inner.tally.add(tally);
            });
        }
    }
}
