//! Time and events shared by every service of the lake.
//!
//! - [`SimClock`]: the lake-wide simulated clock. It runs with real time plus an offset the user
//!   can advance ("30 days later"), so lifecycle rules and schedules can be tried in a lesson.
//! - [`EventBus`]: S3 publishes every object created or removed on it ([`S3Event`]); the lake
//!   drains it after each request and hands the events to EventBridge-style rules.
//! - [`pattern`]: EventBridge event-pattern matching over JSON events.
//! - [`yield_now`]: a pause that lets other requests in while a crawl or a job run works.
//! - [`hold_work`]: a test hook holding crawls and job runs at their next pause.
//! - [`cron`]: AWS `cron(...)` / `rate(...)` schedule expressions and their next fire times.
#![deny(missing_docs)]

mod bus;
mod clock;
pub mod cron;
mod error;
mod hold;
pub mod pattern;
mod yield_now;

pub use bus::{EventBus, S3Event};
pub use clock::{ClockStep, SimClock, MAX_OFFSET_MS};
pub use error::{Error, Result};
pub use hold::{hold_work, wait_while_held, work_held};
pub use yield_now::{set_yield_scheduler, yield_now};
