//! The in-memory state: resources per project, with lazily computed statuses.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use crate::clock::{iso_millis, now_millis};

/// One stored resource.
pub(crate) struct Record {
    pub id: String,
    /// Unique creation time in milliseconds (the order of lists and the marker's meaning).
    pub created_ms: u64,
    /// The fields as the service keeps them (including secrets, which views leave out).
    pub fields: Map<String, Value>,
    /// The status shown until `until`; after that the resource is `ACTIVE`.
    pending: &'static str,
    until: Instant,
}

impl Record {
    pub(crate) fn new(id: String, created_ms: u64, fields: Map<String, Value>) -> Record {
        Record {
            id,
            created_ms,
            fields,
            pending: "PENDING_CREATE",
            until: Instant::now(),
        }
    }

    /// Shows `status` for `delay` from `now`, then `ACTIVE`.
    pub(crate) fn transition(&mut self, status: &'static str, now: Instant, delay: Duration) {
        self.pending = status;
        self.until = now.checked_add(delay).unwrap_or(now);
    }

    /// The current status.
    pub(crate) fn status(&self, now: Instant) -> &'static str {
        if now < self.until {
            self.pending
        } else {
            "ACTIVE"
        }
    }

    pub(crate) fn str(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Value::as_str)
    }
}

/// The resources of one project.
#[derive(Default)]
pub(crate) struct Project {
    pub vgws: Vec<Record>,
    pub cgws: Vec<Record>,
    pub connections: Vec<Record>,
    pub monitors: Vec<Record>,
    pub ipsec: Vec<Record>,
}

/// Everything the emulator holds.
#[derive(Default)]
pub(crate) struct Store {
    last_ms: u64,
    projects: HashMap<String, Project>,
}

impl Store {
    /// A creation time in milliseconds, strictly later than every one handed out before, so
    /// that `created_at` (the pagination marker) is unique.
    pub(crate) fn stamp(&mut self) -> u64 {
        let now = now_millis();
        self.last_ms = if now > self.last_ms {
            now
        } else {
            self.last_ms.saturating_add(1)
        };
        self.last_ms
    }

    /// `updated_at` for a change made now (not necessarily unique).
    pub(crate) fn now_iso(&self) -> String {
        iso_millis(now_millis().max(self.last_ms))
    }

    pub(crate) fn project(&mut self, id: &str) -> &mut Project {
        self.projects.entry(id.to_string()).or_default()
    }
}

/// Finds a record by id.
pub(crate) fn find<'a>(records: &'a [Record], id: &str) -> Option<&'a Record> {
    records.iter().find(|r| r.id == id)
}

/// Finds a record by id, mutably.
pub(crate) fn find_mut<'a>(records: &'a mut [Record], id: &str) -> Option<&'a mut Record> {
    records.iter_mut().find(|r| r.id == id)
}

/// A new resource id (a random UUID, as the service uses).
pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A short random number for default names (`vpn-1655`).
pub(crate) fn name_suffix() -> u32 {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    u32::from(u16::from_le_bytes([bytes[0], bytes[1]])) % 9000 + 1000
}
