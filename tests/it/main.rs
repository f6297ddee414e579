//! Whole-lake tests through the lake facade, natively, on an in-memory store.

mod archive;
mod athena;
mod athena_workbench;
mod automation;
mod cli;
mod cli_model;
mod crash;
mod crawler_cases;
mod crawler_features;
mod crawler_wizard_input;
mod etl;
mod glue;
mod glue_catalog;
mod glue_jobs;
mod hardening;
mod json_classifier;
mod lab_flow;
mod shared_state;
mod slt;
mod streaming;
mod sync;
mod tidy;
mod write_path;
