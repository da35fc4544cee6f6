//! Running the commands the bench times: each one is shown in the report exactly as a person
//! would type it from the repository root, and errors name the command and show the end of
//! its output.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A command run from the repository root.
#[derive(Clone, Debug)]
pub struct Cmd {
    /// `cargo`, or a path relative to the root (`.venv-bench/bin/python`).
    pub program: String,
    pub args: Vec<String>,
    /// Environment set for the command, shown before it; paths are relative to the root.
    pub env: Vec<(String, String)>,
}

impl Cmd {
    pub fn new(program: &str, args: &[&str]) -> Self {
        Cmd {
            program: program.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
            env: Vec::new(),
        }
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// The command as typed in a shell at the repository root.
    pub fn display(&self) -> String {
        let mut words: Vec<String> = self
            .env
            .iter()
            .map(|(k, v)| format!("{k}={}", shell_word(v)))
            .collect();
        words.push(shell_word(&self.program));
        words.extend(self.args.iter().map(|a| shell_word(a)));
        words.join(" ")
    }

    fn command(&self, root: &Path) -> Command {
        // A relative program path is resolved here: how `Command` resolves one is
        // platform-specific.
        let program: PathBuf = if self.program.contains('/') {
            root.join(&self.program)
        } else {
            PathBuf::from(&self.program)
        };
        let mut command = Command::new(program);
        command.args(&self.args).current_dir(root);
        for (key, value) in &self.env {
            // Relative paths in the environment are relative to the root, as displayed.
            command.env(key, value);
        }
        command
    }
}

/// Quotes a word for a POSIX shell when it needs it.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// What a finished command printed, and how long it took.
pub struct Finished {
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

/// The last `lines` lines of some output, for error messages.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    let start = all.len().saturating_sub(lines);
    all[start..].join("\n")
}

fn failure(cmd: &Cmd, status: ExitStatus, stdout: &str, stderr: &str) -> String {
    let mut message = format!("`{}` failed ({status})", cmd.display());
    for (name, text) in [("stdout", stdout), ("stderr", stderr)] {
        let text = tail(text, 25);
        if !text.trim().is_empty() {
            message.push_str(&format!("\n--- last lines of its {name}:\n{text}"));
        }
    }
    message
}

/// Runs a command to its end with its output captured, timed from spawn to exit. A non-zero
/// exit is an error with the end of the output.
pub fn run_captured(root: &Path, cmd: &Cmd) -> Result<Finished, String> {
    let start = Instant::now();
    let output = cmd
        .command(root)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("`{}` could not start: {e}", cmd.display()))?;
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(failure(cmd, output.status, &stdout, &stderr));
    }
    Ok(Finished {
        stdout,
        stderr,
        elapsed,
    })
}

/// Runs a command with its output going to our stderr (progress a person wants to see), timed.
pub fn run_shown(root: &Path, cmd: &Cmd) -> Result<Duration, String> {
    let start = Instant::now();
    let status = cmd
        .command(root)
        .stdin(Stdio::null())
        .stdout(std::io::stderr())
        .stderr(Stdio::inherit())
        .status()
        .map_err(|e| format!("`{}` could not start: {e}", cmd.display()))?;
    let elapsed = start.elapsed();
    if !status.success() {
        return Err(format!(
            "`{}` failed ({status}); its output is above",
            cmd.display()
        ));
    }
    Ok(elapsed)
}

/// Kills and reaps a child when dropped, whatever happened in between.
pub struct KillOnDrop {
    child: Child,
    name: String,
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait()
            && let Err(error) = self.child.kill()
        {
            eprintln!("could not stop {}: {error}", self.name);
        }
        let _ = self.child.wait();
    }
}

/// A server started in the background, stopped when this is dropped.
pub struct Server {
    pub url: String,
    _child: KillOnDrop,
}

/// Starts a server that prints its base URL as the first line on stdout, and waits up to
/// `timeout` for that line. The rest of its stdout is drained so the server never blocks on
/// a full pipe; its stderr goes to ours.
pub fn start_server(root: &Path, cmd: &Cmd, timeout: Duration) -> Result<Server, String> {
    let mut child = cmd
        .command(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("`{}` could not start: {e}", cmd.display()))?;
    let stdout = child.stdout.take();
    let mut guard = KillOnDrop {
        child,
        name: cmd.display(),
    };
    let Some(stdout) = stdout else {
        return Err(format!("`{}`: no stdout to read", cmd.display()));
    };
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut first = String::new();
        let read = reader.read_line(&mut first).map(|_| first);
        let _ = sender.send(read);
        let mut sink = Vec::new();
        let _ = reader.read_to_end(&mut sink);
    });
    let first = match receiver.recv_timeout(timeout) {
        Ok(Ok(line)) => line,
        Ok(Err(error)) => return Err(format!("`{}`: reading stdout: {error}", cmd.display())),
        Err(_) => {
            let exited = matches!(guard.child.try_wait(), Ok(Some(_)));
            return Err(format!(
                "`{}` printed no URL within {} s{}",
                cmd.display(),
                timeout.as_secs(),
                if exited { " (it exited)" } else { "" }
            ));
        }
    };
    let url = first.trim().to_string();
    if !url.starts_with("http://") {
        let status = guard.child.try_wait().ok().flatten();
        return Err(format!(
            "`{}`: expected a base URL (http://...) as the first line, got {:?}{}",
            cmd.display(),
            url,
            status.map_or(String::new(), |s| format!(" and it exited ({s})"))
        ));
    }
    Ok(Server { url, _child: guard })
}

/// Runs a command with its output captured, killing it after `limit`.
pub fn run_with_limit(root: &Path, cmd: &Cmd, limit: Duration) -> Result<Finished, String> {
    let start = Instant::now();
    let child = cmd
        .command(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("`{}` could not start: {e}", cmd.display()))?;
    let mut guard = KillOnDrop {
        child,
        name: cmd.display(),
    };
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let out = drain(
        guard
            .child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        guard
            .child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let status = loop {
        match guard.child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > limit => {
                drop(guard);
                return Err(format!(
                    "`{}` did not finish within {} s and was stopped",
                    cmd.display(),
                    limit.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(error) => return Err(format!("`{}`: waiting: {error}", cmd.display())),
        }
    };
    let elapsed = start.elapsed();
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if !status.success() {
        return Err(failure(cmd, status, &stdout, &stderr));
    }
    Ok(Finished {
        stdout,
        stderr,
        elapsed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_display_as_typed_in_a_shell() {
        let cmd = Cmd::new("cargo", &["build", "--manifest-path", "a b/Cargo.toml"])
            .env("CARGO_TARGET_DIR", "target/x");
        assert_eq!(
            cmd.display(),
            "CARGO_TARGET_DIR=target/x cargo build --manifest-path 'a b/Cargo.toml'"
        );
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn tail_keeps_the_last_lines() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("a", 5), "a");
        assert_eq!(tail("", 5), "");
    }

    #[test]
    fn a_failed_command_is_named_with_its_output() {
        let root = std::env::temp_dir();
        let cmd = Cmd::new("sh", &["-c", "echo out; echo err >&2; exit 3"]);
        let error = run_captured(&root, &cmd).err().unwrap();
        assert!(
            error.starts_with("`sh -c 'echo out; echo err >&2; exit 3'` failed"),
            "{error}"
        );
        assert!(error.contains("out") && error.contains("err"), "{error}");
        let error = run_captured(&root, &Cmd::new("./no-such-program-here", &[]))
            .err()
            .unwrap();
        assert!(error.contains("could not start"), "{error}");
    }

    #[test]
    fn a_server_that_prints_no_url_is_an_error_and_is_stopped() {
        let root = std::env::temp_dir();
        let cmd = Cmd::new("sh", &["-c", "echo not-a-url; exec sleep 30"]);
        let error = start_server(&root, &cmd, Duration::from_secs(10))
            .err()
            .unwrap();
        assert!(error.contains("expected a base URL"), "{error}");
        let cmd = Cmd::new("sh", &["-c", "echo http://127.0.0.1:1; exec sleep 30"]);
        let server = start_server(&root, &cmd, Duration::from_secs(10)).unwrap();
        assert_eq!(server.url, "http://127.0.0.1:1");
    }
}
