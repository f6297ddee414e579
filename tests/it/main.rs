//! The course lab flow through the lake facade, natively, on an in-memory store.

mod lab_flow;
mod tidy;
