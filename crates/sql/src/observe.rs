//! What a caller learns while a statement runs: when planning ended, and each record batch.

use futures::future::BoxFuture;

/// Watches one statement as it runs ([`crate::RunOptions::observer`]).
///
/// The engine calls [`QueryObserver::planned`] once the physical plan of the statement's query
/// is built, before its first batch is read, and awaits [`QueryObserver::batch_done`] after every
/// record batch (a long query's chance to refresh a heartbeat or look for a stop request). A
/// statement that plans no query (DDL) calls neither.
pub trait QueryObserver: Send + Sync + std::fmt::Debug {
    /// Planning is over; execution starts.
    fn planned(&self);
    /// One more record batch was produced.
    fn batch_done(&self) -> BoxFuture<'_, ()>;
}
