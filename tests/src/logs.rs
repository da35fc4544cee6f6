//! Capturing everything `tracing` records (TRACE level, the HTTP stack included), to check
//! that no secret is ever logged.

use std::io;
use std::sync::{Arc, Mutex, OnceLock};

/// A `tracing` writer that keeps everything written.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Installs, once for the whole test binary, a global subscriber that records every event at
/// TRACE level; every test calls it first. Global rather than per-test (`set_default`):
/// `tracing` caches each call site's interest process-wide, so with a thread-local subscriber an
/// event hit first by a concurrent test without a subscriber can go unrecorded.
pub fn capture_logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Captured::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        logs
    })
}
