//! Wakes a yielding engine task from a new macrotask, so the worker's pending messages (other
//! requests: a job run's state, a stop) are handled in between. Installed with
//! `puddle_events::set_yield_scheduler`.
//!
//! A `MessageChannel` message, not `setTimeout(0)`: timers nested more than five deep are
//! clamped to 4 ms, and a query yields after every record batch.

use std::{cell::RefCell, collections::VecDeque, task::Waker};

use wasm_bindgen::{prelude::*, JsCast};
use web_sys::{MessageChannel, MessageEvent};

thread_local! {
    static WAITING: RefCell<VecDeque<Waker>> = const { RefCell::new(VecDeque::new()) };
    static CHANNEL: Option<MessageChannel> = open_channel();
}

fn open_channel() -> Option<MessageChannel> {
    let channel = MessageChannel::new().ok()?;
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(|_: MessageEvent| {
        if let Some(waker) = WAITING.with(|w| w.borrow_mut().pop_front()) {
            waker.wake();
        }
    });
    // Setting onmessage also starts the port.
    channel.port1().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget(); // lives as long as the worker
    Some(channel)
}

/// Wakes `waker` from a later macrotask (at once if the channel is unavailable).
pub fn wake_later(waker: Waker) {
    WAITING.with(|w| w.borrow_mut().push_back(waker));
    let posted = CHANNEL.with(|c| c.as_ref().is_some_and(|c| c.port2().post_message(&JsValue::NULL).is_ok()));
    if !posted {
        if let Some(waker) = WAITING.with(|w| w.borrow_mut().pop_back()) {
            waker.wake();
        }
    }
}
