//! Whole-lake tests through the lake facade, natively, on an in-memory store.

mod cli;
mod lab_flow;
mod tidy;
