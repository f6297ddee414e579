//! The lake clock and the scheduler's bookkeeping as state shared by every tab on the lake.
//!
//! Each tab's worker keeps the clock in memory and writes it to `_meta/clock.json`. Two tabs
//! may both write it, so a write never replaces what it did not read: it reads the stored
//! record, merges it into its own (the union of clock steps, the latest schedule check), and
//! writes with a compare-and-swap on the record's version, retrying when another tab wrote in
//! between. Reading it back ([`Lake::load_clock`], also on another tab's change) merges the
//! same way, so lake time never goes backwards in any tab.
//!
//! A reset or an import starts a new clock history: the record's `epoch` names the history, and
//! a tab that finds another epoch stored (or none at all) takes the stored record as it is.

use object_store::{path::Path, ObjectStoreExt, PutMode, PutOptions, PutPayload, UpdateVersion};
use puddle_api::{ApiError, DamagedRecord};

use crate::{automation::ClockRecord, Lake};

/// Attempts of one compare-and-swap write before giving up.
const CAS_ATTEMPTS: usize = 8;

pub(crate) fn clock_path() -> Path {
    Path::from_iter(["_meta", "clock.json"])
}

/// What storage holds.
enum Stored {
    Absent,
    /// Does not parse: why.
    Damaged(String),
    Record(ClockRecord, UpdateVersion),
}

fn internal(e: object_store::Error) -> ApiError {
    ApiError::internal(format!("lake clock storage: {e}"))
}

impl Lake {
    async fn read_clock_record(&self) -> Result<Stored, ApiError> {
        let result = match self.s3().store().get(&clock_path()).await {
            Ok(r) => r,
            Err(object_store::Error::NotFound { .. }) => return Ok(Stored::Absent),
            Err(e) => return Err(internal(e)),
        };
        let version = UpdateVersion { e_tag: result.meta.e_tag.clone(), version: result.meta.version.clone() };
        let bytes = result.bytes().await.map_err(internal)?;
        Ok(match serde_json::from_slice::<ClockRecord>(&bytes) {
            Ok(record) => Stored::Record(record, version),
            Err(e) => Stored::Damaged(e.to_string()),
        })
    }

    /// Takes the stored record into memory: merged when it continues this tab's clock history,
    /// as it is when the lake was reset or replaced. A damaged record is set aside and reported.
    fn adopt(&self, stored: Option<&ClockRecord>) {
        let mut state = self.automation_state();
        let memory = &mut state.record;
        let same_history = match (stored, &memory.epoch) {
            (Some(s), Some(m)) => s.epoch.as_ref() == Some(m),
            (Some(_), None) => true, // this tab never wrote: it joins the stored history
            (None, _) => false,
        };
        match stored {
            Some(s) if same_history => {
                self.s3().clock().merge(&s.steps);
                memory.steps = self.s3().clock().steps();
                memory.schedules_checked = memory.schedules_checked.max(s.schedules_checked);
                memory.lifecycle_day = memory.lifecycle_day.max(s.lifecycle_day);
                memory.epoch = s.epoch.clone();
            }
            Some(s) => {
                self.s3().clock().restore(s.steps.clone());
                *memory = s.clone();
            }
            None => {
                self.s3().clock().restore(Vec::new());
                *memory = ClockRecord::default();
            }
        }
    }

    /// Forgets this tab's clock history (before reading a reset or imported lake's).
    pub(crate) fn forget_clock(&self) {
        self.s3().clock().restore(Vec::new());
        self.automation_state().record = ClockRecord::default();
    }

    /// Reads the clock and scheduler state stored with the lake (at open, after a reset or an
    /// import, and when another tab changed the lake).
    pub(crate) async fn load_clock(&self) -> Result<(), ApiError> {
        match self.read_clock_record().await? {
            Stored::Record(record, _) => self.adopt(Some(&record)),
            Stored::Absent => self.adopt(None),
            Stored::Damaged(why) => {
                let damaged = DamagedRecord { path: clock_path().to_string(), error: why };
                self.set_aside(vec![damaged]).await?;
                self.adopt(None);
            }
        }
        Ok(())
    }

    /// Writes this tab's clock merged with what another tab may have stored meanwhile.
    pub(crate) async fn save_clock(&self) -> Result<(), ApiError> {
        for _ in 0..CAS_ATTEMPTS {
            let mode = match self.read_clock_record().await? {
                Stored::Record(record, version) => {
                    self.adopt(Some(&record));
                    PutMode::Update(version)
                }
                Stored::Damaged(why) => {
                    // Moved out of the way (kept in quarantine), then written anew.
                    self.set_aside(vec![DamagedRecord { path: clock_path().to_string(), error: why }]).await?;
                    PutMode::Create
                }
                Stored::Absent => PutMode::Create,
            };
            let record = {
                let mut state = self.automation_state();
                state.record.steps = self.s3().clock().steps();
                if state.record.epoch.is_none() {
                    state.record.epoch = Some(uuid::Uuid::new_v4().to_string());
                }
                state.record.clone()
            };
            let body = serde_json::to_vec(&record).map_err(|e| ApiError::internal(e.to_string()))?;
            let options = PutOptions { mode, ..Default::default() };
            match self.s3().store().put_opts(&clock_path(), PutPayload::from(body), options).await {
                Ok(_) => return Ok(()),
                // Another tab wrote first: read its record and try again.
                Err(object_store::Error::Precondition { .. } | object_store::Error::AlreadyExists { .. }) => {}
                Err(e) => return Err(internal(e)),
            }
        }
        Err(ApiError::internal("the lake clock kept changing in another tab; try again"))
    }
}
