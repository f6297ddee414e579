//! Whole-lake tests through the lake facade, natively, on an in-memory store.

mod archive;
mod athena;
mod cli;
mod etl;
mod glue;
mod lab_flow;
mod sync;
mod tidy;
