//! Running an external command (a `--version`, kubectl) with a timeout,
//! killing it when the time is up, without blocking on its pipes.

use std::io::Read;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// stderr kept for error messages.
const STDERR_CAP: u64 = 8 * 1024;

/// A started command.
pub struct Running<T> {
    child: Child,
    started: Instant,
    timeout: Duration,
    out_rx: Receiver<T>,
    err_rx: Receiver<Vec<u8>>,
}

/// A finished (or killed) command.
#[derive(Debug)]
pub struct Finished<T> {
    pub exit_status: Option<i32>,
    pub duration_ms: u64,
    /// What the stdout reader returned, when it finished.
    pub output: Option<T>,
    /// Short error text: timed out, killed by a signal, exit status with stderr.
    pub error: Option<String>,
}

/// How the environment of the child is set.
pub enum Env {
    /// A minimal, fixed environment (`PATH`, `LANG=C`): version probes.
    Clean,
    /// The collector's own environment (kubectl needs `HOME`/`KUBECONFIG`).
    Inherit,
}

/// Start `argv` with stdin closed; `reader` consumes stdout on its own thread.
pub fn spawn<T: Send + 'static>(
    argv: &[String],
    env: Env,
    timeout: Duration,
    reader: impl FnOnce(ChildStdout) -> T + Send + 'static,
) -> std::io::Result<Running<T>> {
    let Some(program) = argv.first() else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "empty argv",
        ));
    };
    let mut cmd = Command::new(program);
    cmd.args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Env::Clean = env {
        cmd.env_clear()
            .env(
                "PATH",
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            )
            .env("LANG", "C");
    }
    let started = Instant::now();
    let mut child = cmd.spawn()?;
    let (out_tx, out_rx) = mpsc::channel();
    let (err_tx, err_rx) = mpsc::channel();
    if let Some(stdout) = child.stdout.take() {
        std::thread::spawn(move || {
            let _ = out_tx.send(reader(stdout));
        });
    }
    if let Some(stderr) = child.stderr.take() {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let mut limited = stderr.take(STDERR_CAP);
            let _ = limited.read_to_end(&mut buf);
            // Drain the rest so the child never blocks on a full pipe.
            let _ = std::io::copy(&mut limited.into_inner(), &mut std::io::sink());
            let _ = err_tx.send(buf);
        });
    }
    Ok(Running {
        child,
        started,
        timeout,
        out_rx,
        err_rx,
    })
}

impl<T> Running<T> {
    /// Wait for the command, killing it at its deadline.
    pub fn wait(mut self) -> Finished<T> {
        let deadline = self.started + self.timeout;
        let mut pause = Duration::from_millis(1);
        let mut timed_out = false;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) => {}
                Err(_) => break None,
            }
            if Instant::now() >= deadline {
                timed_out = true;
                let _ = self.child.kill();
                break self.child.wait().ok();
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(20));
        };
        // The pipes close when the child exits, unless a grandchild holds them.
        let grace = Duration::from_millis(500);
        let output = self.out_rx.recv_timeout(grace).ok();
        let stderr = self.err_rx.recv_timeout(grace).unwrap_or_default();
        let duration_ms = self.started.elapsed().as_millis() as u64;
        let exit_status = if timed_out {
            None
        } else {
            status.and_then(|s| s.code())
        };
        let error = if timed_out {
            Some(format!(
                "timed out after {} s, killed",
                self.timeout.as_secs()
            ))
        } else {
            match status {
                None => Some("could not wait for the command".to_string()),
                Some(s) if s.code().is_none() => Some("killed by a signal".to_string()),
                Some(s) if !s.success() => {
                    let text = String::from_utf8_lossy(&stderr);
                    let first = text
                        .lines()
                        .find(|l| !l.trim().is_empty())
                        .unwrap_or("")
                        .trim();
                    let first: String = first.chars().take(300).collect();
                    Some(format!("exit status {}: {first}", s.code().unwrap_or(-1)))
                }
                Some(_) => None,
            }
        };
        Finished {
            exit_status,
            duration_ms,
            output,
            error,
        }
    }
}

/// Read at most `cap` bytes of a stream, draining (and dropping) the rest.
pub fn read_capped(stream: impl Read, cap: u64) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut limited = stream.take(cap);
    let _ = limited.read_to_end(&mut buf);
    let _ = std::io::copy(&mut limited.into_inner(), &mut std::io::sink());
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sv(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn captures_stdout_and_status() {
        let r = spawn(
            &sv(&["/bin/sh", "-c", "echo hello; echo oops >&2; exit 3"]),
            Env::Clean,
            Duration::from_secs(5),
            |o| read_capped(o, 1024),
        )
        .unwrap()
        .wait();
        assert_eq!(r.output.as_deref(), Some(&b"hello\n"[..]));
        assert_eq!(r.exit_status, Some(3));
        assert_eq!(r.error.as_deref(), Some("exit status 3: oops"));
    }

    #[test]
    fn kills_on_timeout() {
        let started = Instant::now();
        let r = spawn(
            &sv(&["/bin/sh", "-c", "exec sleep 30"]),
            Env::Clean,
            Duration::from_millis(200),
            |o| read_capped(o, 1024),
        )
        .unwrap()
        .wait();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(r.exit_status, None);
        assert!(r.error.unwrap().contains("timed out"));
    }

    #[test]
    fn missing_program_is_an_error() {
        assert!(spawn(
            &sv(&["/nonexistent/kubectl"]),
            Env::Clean,
            Duration::from_secs(1),
            |o| read_capped(o, 10)
        )
        .is_err());
        assert!(
            spawn::<Vec<u8>>(&[], Env::Clean, Duration::from_secs(1), |o| read_capped(
                o, 10
            ))
            .is_err()
        );
    }
}
