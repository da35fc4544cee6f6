//! The in-memory state: records of every resource kind per project, with statuses computed
//! lazily from timestamps (no background tasks).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use crate::clock::now_millis;

/// One stored resource.
pub(crate) struct Record {
    pub id: String,
    /// Unique creation time in milliseconds (the order of lists and the marker's meaning).
    pub created_ms: u64,
    /// The ids of the parents named in the collection path (nested resources), in order.
    pub scope: Vec<String>,
    /// The fields as the service keeps them (including secrets, which views leave out).
    pub fields: Map<String, Value>,
    /// The status shown until `until`; after that `ready`.
    pending: String,
    until: Instant,
    ready: String,
}

impl Record {
    pub(crate) fn new(id: String, created_ms: u64, fields: Map<String, Value>) -> Record {
        Record {
            id,
            created_ms,
            scope: Vec::new(),
            fields,
            pending: String::new(),
            until: Instant::now(),
            ready: "ACTIVE".into(),
        }
    }

    /// Shows `pending` (if any) for `delay` from `now`, then `ready`.
    pub(crate) fn transition(
        &mut self,
        pending: Option<&str>,
        ready: &str,
        now: Instant,
        delay: Duration,
    ) {
        self.ready = ready.to_string();
        match pending {
            Some(pending) => {
                self.pending = pending.to_string();
                self.until = now.checked_add(delay).unwrap_or(now);
            }
            None => self.until = now,
        }
    }

    /// Shows `pending` for `delay` from `now`, then the status it was ready with before.
    pub(crate) fn pass_through(&mut self, pending: &str, now: Instant, delay: Duration) {
        let ready = std::mem::take(&mut self.ready);
        self.transition(Some(pending), &ready, now, delay);
    }

    /// The current status.
    pub(crate) fn status(&self, now: Instant) -> &str {
        if now < self.until {
            &self.pending
        } else {
            &self.ready
        }
    }

    pub(crate) fn str(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Value::as_str)
    }
}

/// The resources of one project, by resource name (`vpn_connection`), in creation order.
#[derive(Default)]
pub(crate) struct Project {
    records: HashMap<String, Vec<Record>>,
}

impl Project {
    pub(crate) fn all(&self, kind: &str) -> &[Record] {
        self.records.get(kind).map(Vec::as_slice).unwrap_or(&[])
    }

    pub(crate) fn find(&self, kind: &str, id: &str) -> Option<&Record> {
        self.all(kind).iter().find(|r| r.id == id)
    }

    pub(crate) fn find_mut(&mut self, kind: &str, id: &str) -> Option<&mut Record> {
        self.records.get_mut(kind)?.iter_mut().find(|r| r.id == id)
    }

    /// A creation time for a new record of `kind` that a hook makes: now, and after every
    /// record of that kind (lists order by it and page on it).
    pub(crate) fn next_created_ms(&self, kind: &str) -> u64 {
        self.all(kind)
            .iter()
            .map(|r| r.created_ms + 1)
            .max()
            .unwrap_or(0)
            .max(crate::clock::now_millis())
    }

    pub(crate) fn push(&mut self, kind: &str, record: Record) {
        self.records
            .entry(kind.to_string())
            .or_default()
            .push(record);
    }

    /// Removes every record of `kind` for which `gone` holds.
    pub(crate) fn remove_where(&mut self, kind: &str, gone: impl Fn(&Record) -> bool) {
        if let Some(list) = self.records.get_mut(kind) {
            list.retain(|r| !gone(r));
        }
    }
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

    /// The time of a change made now (not necessarily unique).
    pub(crate) fn now_ms(&self) -> u64 {
        now_millis().max(self.last_ms)
    }

    pub(crate) fn project(&mut self, id: &str) -> &mut Project {
        self.projects.entry(id.to_string()).or_default()
    }

    /// Every record as `(project, kind, id)`, sorted.
    pub(crate) fn inventory(&self) -> Vec<(String, String, String)> {
        let mut all: Vec<(String, String, String)> = self
            .projects
            .iter()
            .flat_map(|(project, held)| {
                held.records.iter().flat_map(move |(kind, records)| {
                    records
                        .iter()
                        .map(move |r| (project.clone(), kind.clone(), r.id.clone()))
                })
            })
            .collect();
        all.sort();
        all
    }
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
