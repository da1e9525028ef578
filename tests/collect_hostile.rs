//! The collector on a sick node: real files and real processes that are
//! unreadable, vanish mid-scan, block, loop or are too large; an output
//! device that is read-only or full; SIGINT and SIGTERM while the bundle is
//! being written. The collector must never hang or crash, must record what it
//! could not collect in the manifest's errors, and must never leave half a
//! bundle behind.

use collector::bundle::{self, Limits, VerifiedBundle};
use collector::manifest::{Content, FileType};
use collector::sign::PublicKey;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_kstig-collect");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn key() -> PathBuf {
    repo().join("samples/keys/test-only-signing.key")
}

fn public_key() -> PublicKey {
    PublicKey::from_pem_file(&repo().join("samples/keys/test-only-signing.pub")).expect("key")
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Run a command with a deadline: a hang is a failure, not a stuck test.
fn run_with_deadline(mut cmd: Command, deadline: Duration) -> Output {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("SOURCE_DATE_EPOCH");
    let mut child = cmd.spawn().expect("spawn");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > deadline {
            let _ = child.kill();
            panic!("{cmd:?} did not finish within {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("output")
}

fn collector_cmd(root: Option<&Path>, out: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--key").arg(key()).arg("--out").arg(out);
    match root {
        Some(r) => c.arg("--root").arg(r),
        None => c.arg("--no-cluster"),
    };
    c
}

/// The bundle a successful run wrote (exit 0 or 1), verified.
fn bundle_of(o: &Output, out: &Path) -> VerifiedBundle {
    let code = o.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "exit {code}\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let names = entries(out);
    assert_eq!(names.len(), 1, "exactly one file in --out: {names:?}");
    assert!(names[0].ends_with(".kstig.tar.gz"), "{names:?}");
    let bytes = std::fs::read(out.join(&names[0])).expect("read bundle");
    bundle::read_verified(&bytes, &[public_key()], &Limits::default()).expect("bundle verifies")
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn write(root: &Path, p: &str, body: &[u8]) {
    let full = root.join(p.trim_start_matches('/'));
    std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
    std::fs::write(&full, body).expect("write");
}

/// A small kubeadm-like node: a kubelet process whose flags name the config
/// paths the tests replace with hostile things.
fn small_tree(root: &Path) {
    write(root, "/etc/hostname", b"sick-node\n");
    write(root, "/etc/passwd", b"root:x:0:0::/root:/bin/sh\n");
    write(root, "/etc/group", b"root:x:0:\n");
    write(
        root,
        "/proc/100/cmdline",
        b"/usr/bin/kubelet\0--config=/var/lib/kubelet/config.yaml\0--kubeconfig=/etc/kubernetes/kubelet.conf\0--client-ca-file=/etc/kubernetes/pki/ca.crt\0",
    );
    write(root, "/proc/100/comm", b"kubelet\n");
    write(root, "/proc/100/status", b"PPid:\t1\nUid:\t0\t0\t0\t0\n");
    write(
        root,
        "/var/lib/kubelet/config.yaml",
        b"kind: KubeletConfiguration\nstaticPodPath: /etc/kubernetes/manifests\n",
    );
    write(
        root,
        "/etc/kubernetes/kubelet.conf",
        b"apiVersion: v1\nkind: Config\n",
    );
    write(
        root,
        "/etc/kubernetes/manifests/kube-apiserver.yaml",
        b"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: kube-apiserver\n    command: [kube-apiserver, --secure-port=6443]\n",
    );
}

fn tmp() -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    // Traversable by an unprivileged user (the unreadable-file case runs as nobody).
    std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    t
}

fn error_ops(b: &VerifiedBundle, path: &str) -> Vec<String> {
    b.manifest
        .errors
        .iter()
        .filter(|e| e.path == path)
        .map(|e| e.op.clone())
        .collect()
}

fn record<'a>(b: &'a VerifiedBundle, path: &str) -> &'a collector::manifest::FileRecord {
    b.manifest
        .files
        .iter()
        .find(|f| f.path == path && f.via.is_none())
        .unwrap_or_else(|| panic!("no record for {path}"))
}

#[test]
fn fifo_socket_device_loop_and_oversize_at_config_paths() {
    let t = tmp();
    let root = t.path().join("root");
    small_tree(&root);
    // The kubelet's --config is a FIFO nobody writes to.
    let cfg = root.join("var/lib/kubelet/config.yaml");
    std::fs::remove_file(&cfg).expect("rm");
    let c = std::ffi::CString::new(cfg.to_str().expect("utf-8")).expect("cstring");
    // SAFETY: plain libc call with a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    // Its --kubeconfig is a listening socket.
    let kc = root.join("etc/kubernetes/kubelet.conf");
    std::fs::remove_file(&kc).expect("rm");
    let _listener = std::os::unix::net::UnixListener::bind(&kc).expect("bind socket");
    // Its --client-ca-file is a character device (/dev/zero's numbers: reading it never ends).
    let ca = root.join("etc/kubernetes/pki/ca.crt");
    std::fs::create_dir_all(ca.parent().expect("parent")).expect("mkdir");
    let have_device = is_root() && {
        let c = std::ffi::CString::new(ca.to_str().expect("utf-8")).expect("cstring");
        // SAFETY: plain libc call with a valid C string.
        unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o644, libc::makedev(1, 5)) == 0 }
    };
    if !have_device {
        println!("no device node case: mknod needs root; /dev/zero linked instead");
        symlink("/dev/zero", &ca).expect("symlink");
    }
    // A symlink loop and a self link in a walked directory.
    let k = root.join("etc/kubernetes");
    symlink("/etc/kubernetes/loop-b.yaml", k.join("loop-a.yaml")).expect("symlink");
    symlink("loop-a.yaml", k.join("loop-b.yaml")).expect("symlink");
    // A manifest over the 4 MiB content cap, and a sparse file over the 256 MiB hash cap.
    let mut big = b"apiVersion: v1\nkind: Pod\n# ".to_vec();
    big.extend(std::iter::repeat_n(b'x', 5 << 20));
    write(&root, "/etc/kubernetes/manifests/big.yaml", &big);
    let sparse = std::fs::File::create(k.join("huge.conf")).expect("create");
    sparse.set_len(300 << 20).expect("sparse file");
    let out = t.path().join("out");
    let start = Instant::now();
    let o = run_with_deadline(collector_cmd(Some(&root), &out), Duration::from_secs(60));
    assert!(start.elapsed() < Duration::from_secs(30), "took too long");
    let b = bundle_of(&o, &out);
    assert_eq!(o.status.code(), Some(1), "errors recorded make exit 1");

    // Named by the kubelet's flags: recorded as missing evidence too.
    for p in [
        "/var/lib/kubelet/config.yaml",
        "/etc/kubernetes/kubelet.conf",
        "/etc/kubernetes/pki/ca.crt",
    ] {
        if p.ends_with("ca.crt") && !have_device {
            continue;
        }
        assert_eq!(error_ops(&b, p), vec!["not-regular".to_string()], "{p}");
    }
    let f = record(&b, "/var/lib/kubelet/config.yaml");
    assert_eq!(f.file_type, FileType::Fifo);
    assert!(matches!(f.content, Content::Withheld { .. }));
    let s = record(&b, "/etc/kubernetes/kubelet.conf");
    assert_eq!(s.file_type, FileType::Socket);
    assert!(s.sha256.is_none());
    if have_device {
        let d = record(&b, "/etc/kubernetes/pki/ca.crt");
        assert_eq!(d.file_type, FileType::Char);
        assert!(d.sha256.is_none());
    }
    assert!(error_ops(&b, "/etc/kubernetes/loop-a.yaml").contains(&"symlink-loop".to_string()));
    let big = record(&b, "/etc/kubernetes/manifests/big.yaml");
    assert_eq!(
        big.content,
        Content::Withheld {
            reason: "too large".into()
        }
    );
    assert!(big.sha256.is_some(), "hashed though not captured");
    assert!(error_ops(&b, "/etc/kubernetes/manifests/big.yaml").contains(&"too-large".to_string()));
    let huge = record(&b, "/etc/kubernetes/huge.conf");
    assert!(huge.sha256.is_none(), "not hashed past the hash cap");
    assert_eq!(huge.size, 300 << 20);
}

#[test]
fn unreadable_files_and_directories_are_recorded() {
    let t = tmp();
    let root = t.path().join("root");
    small_tree(&root);
    write(&root, "/etc/kubernetes/secret-ish.yaml", b"a: 1\n");
    write(&root, "/etc/kubernetes/locked/inner.yaml", b"b: 2\n");
    let chmod = |p: &str, mode: u32| {
        std::fs::set_permissions(
            root.join(p.trim_start_matches('/')),
            std::fs::Permissions::from_mode(mode),
        )
        .expect("chmod")
    };
    chmod("/var/lib/kubelet/config.yaml", 0o000);
    chmod("/etc/kubernetes/secret-ish.yaml", 0o000);
    chmod("/etc/kubernetes/locked", 0o000);
    let out = t.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    // Root reads through mode bits: run the collector as nobody then.
    let cmd = if is_root() {
        // nobody must be able to run the binary where cargo built it.
        let ok = Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                BIN,
                "--version",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            println!("skipped: running as root and the collector cannot be run as nobody here");
            return;
        }
        // nobody must read the key and write the output folder.
        let k = t.path().join("signing.key");
        std::fs::copy(key(), &k).expect("copy key");
        std::fs::set_permissions(&k, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN])
            .arg("--key")
            .arg(&k)
            .arg("--out")
            .arg(&out)
            .arg("--root")
            .arg(&root);
        c
    } else {
        collector_cmd(Some(&root), &out)
    };
    let o = run_with_deadline(cmd, Duration::from_secs(60));
    let b = bundle_of(&o, &out);
    assert_eq!(o.status.code(), Some(1));
    for p in [
        "/var/lib/kubelet/config.yaml",
        "/etc/kubernetes/secret-ish.yaml",
    ] {
        assert_eq!(error_ops(&b, p), vec!["open".to_string()], "{p}");
        assert_eq!(
            record(&b, p).content,
            Content::Withheld {
                reason: "unreadable".into()
            },
            "{p}"
        );
    }
    assert_eq!(
        error_ops(&b, "/etc/kubernetes/locked"),
        vec!["readdir".to_string()]
    );
    assert_eq!(
        record(&b, "/etc/kubernetes/locked").file_type,
        FileType::Dir
    );
}

/// Runs `f` in a loop on another thread until dropped.
struct Churn {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<u64>>,
}

impl Churn {
    fn start(f: impl Fn(u64) + Send + 'static) -> Churn {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let mut i = 0;
            while !flag.load(Ordering::Relaxed) {
                f(i);
                i += 1;
            }
            i
        });
        Churn {
            stop,
            handle: Some(handle),
        }
    }

    fn stop(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.handle
            .take()
            .map(|h| h.join().unwrap_or(0))
            .unwrap_or(0)
    }
}

impl Drop for Churn {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

#[test]
fn files_that_vanish_or_change_type_mid_scan() {
    let t = tmp();
    let root = t.path().join("root");
    small_tree(&root);
    let manifests = root.join("etc/kubernetes/manifests");
    let kdir = root.join("etc/kubernetes");
    let churn = Churn::start(move |i| {
        // Files appear and vanish, a file becomes a FIFO or a directory and back.
        let a = manifests.join(format!("pod-{}.yaml", i % 50));
        let _ = std::fs::write(&a, b"apiVersion: v1\nkind: Pod\n");
        let _ = std::fs::remove_file(manifests.join(format!("pod-{}.yaml", (i + 25) % 50)));
        let swap = kdir.join("swap.conf");
        let _ = std::fs::remove_file(&swap);
        let _ = std::fs::remove_dir(&swap);
        match i % 3 {
            0 => {
                let _ = std::fs::write(&swap, b"x: 1\n");
            }
            1 => {
                let c =
                    std::ffi::CString::new(swap.to_str().unwrap_or_default()).unwrap_or_default();
                // SAFETY: plain libc call with a valid C string.
                unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
            }
            _ => {
                let _ = std::fs::create_dir(&swap);
            }
        }
        let d = kdir.join(format!("d{}", i % 10));
        let _ = std::fs::create_dir_all(d.join("sub"));
        let _ = std::fs::write(d.join("sub/x.yaml"), b"y: 2\n");
        let _ = std::fs::remove_dir_all(kdir.join(format!("d{}", (i + 5) % 10)));
    });
    for run in 0..4 {
        let out = t.path().join(format!("out{run}"));
        let o = run_with_deadline(collector_cmd(Some(&root), &out), Duration::from_secs(60));
        let b = bundle_of(&o, &out);
        // Whatever vanished was either not seen or recorded as an error.
        for e in &b.manifest.errors {
            assert!(!e.message.is_empty(), "{e:?}");
        }
    }
    assert!(churn.stop() > 10, "the churn thread ran");
}

#[test]
fn processes_that_vanish_mid_scan_on_a_live_node() {
    let t = tmp();
    // Short-lived processes named like Kubernetes components, started and
    // ending all the time while the collector reads /proc.
    let fake = t.path().join("kube-apiserver");
    std::fs::copy("/bin/sh", &fake).expect("copy /bin/sh");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let spawner = fake.clone();
    let churn = Churn::start(move |_| {
        let child = Command::new(&spawner)
            .args(["-c", "exit 0", "--secure-port=6443", "--token=VANISHING"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        if let Ok(mut c) = child {
            let _ = c.wait();
        }
    });
    for run in 0..2 {
        let out = t.path().join(format!("out{run}"));
        let o = run_with_deadline(collector_cmd(None, &out), Duration::from_secs(120));
        let b = bundle_of(&o, &out);
        assert!(b.manifest.live);
        for p in &b.manifest.processes {
            assert!(!p.argv.iter().any(|a| a.contains("VANISHING")), "{p:?}");
        }
    }
    assert!(churn.stop() > 5, "processes were started");
}

/// Run the collector through `sh -c` with a prefix (a mount, a ulimit) and
/// list the output folder afterwards inside the same shell (a private mount
/// namespace disappears with it).
fn run_in_shell(setup: &str, root: &Path, out: &Path, unshare: bool) -> (i32, String, String) {
    let script = format!(
        "{setup}\n'{BIN}' --key '{}' --out '{}' --root '{}'; rc=$?; printf 'LEFT:%s\\n' \"$(ls -A '{}')\"; exit $rc",
        key().display(),
        out.display(),
        root.display(),
        out.display()
    );
    let mut cmd = if unshare {
        let mut c = Command::new("unshare");
        c.args(["-m", "sh", "-c", &script]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", &script]);
        c
    };
    cmd.env("SOURCE_DATE_EPOCH", "1795180000");
    let o = run_with_deadline(cmd, Duration::from_secs(60));
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn can_unshare_mount() -> bool {
    is_root()
        && Command::new("unshare")
            .args(["-m", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs /mnt"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
}

#[test]
fn full_or_read_only_output_leaves_no_partial_bundle() {
    let t = tmp();
    let root = t.path().join("root");
    small_tree(&root);
    // Bulk that does not compress, so the bundle is larger than the limits below.
    let mut noise = Vec::new();
    let mut x: u32 = 7;
    for _ in 0..200_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise.push(b"abcdefghijklmnopqrstuvwxyz012345"[(x >> 27) as usize]);
    }
    let mut body = b"apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    n: ".to_vec();
    body.extend_from_slice(&noise);
    body.push(b'\n');
    write(&root, "/etc/kubernetes/manifests/noise.yaml", &body);

    // File size limit (works everywhere, root or not): EFBIG, not SIGXFSZ.
    let out = t.path().join("out-fsize");
    std::fs::create_dir(&out).expect("mkdir");
    let (code, stdout, stderr) = run_in_shell("ulimit -f 64", &root, &out, false);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert!(stderr.contains("File too large"), "{stderr}");
    assert!(stdout.contains("LEFT:\n"), "{stdout}");

    if !can_unshare_mount() {
        println!("skipped the full and read-only device cases: no private mount namespace");
        return;
    }
    // A full device: a 64 KiB tmpfs.
    let out = t.path().join("out-full");
    std::fs::create_dir(&out).expect("mkdir");
    let setup = format!(
        "mount -t tmpfs -o size=64k tmpfs '{}' || exit 99",
        out.display()
    );
    let (code, stdout, stderr) = run_in_shell(&setup, &root, &out, true);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(stdout.contains("LEFT:\n"), "{stdout}");

    // A read-only device: a read-only bind mount.
    let out = t.path().join("out-ro");
    std::fs::create_dir(&out).expect("mkdir");
    let setup = format!(
        "mount --bind '{0}' '{0}' && mount -o remount,bind,ro '{0}' || exit 99",
        out.display()
    );
    let (code, stdout, stderr) = run_in_shell(&setup, &root, &out, true);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(stderr.contains("Read-only file system"), "{stderr}");
    assert!(stdout.contains("LEFT:\n"), "{stdout}");
    assert!(entries(&out).is_empty());
}

/// SIGINT and SIGTERM while the temporary bundle file exists: the collector
/// is stopped (SIGSTOP) as soon as the file appears, signalled, resumed; it
/// must exit 128+N and leave nothing in --out.
#[test]
fn sigint_and_sigterm_while_writing_remove_the_temporary_file() {
    let t = tmp();
    let root = t.path().join("root");
    small_tree(&root);
    // Enough content that writing and syncing the bundle takes a while.
    for i in 0..4 {
        let mut body = format!("apiVersion: v1\nkind: Pod\n# {i}\n").into_bytes();
        let mut x: u32 = 99 + i;
        for _ in 0..(3 << 20) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            body.push(
                b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+/"
                    [(x >> 26) as usize],
            );
        }
        write(
            &root,
            &format!("/etc/kubernetes/manifests/bulk-{i}.yaml"),
            &body,
        );
    }
    for (sig, code) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
        let mut caught = false;
        for attempt in 0..6 {
            let out = t.path().join(format!("out-{sig}-{attempt}"));
            std::fs::create_dir(&out).expect("mkdir");
            let mut child = collector_cmd(Some(&root), &out)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn");
            let pid = child.id() as libc::pid_t;
            let deadline = Instant::now() + Duration::from_secs(120);
            let mut stopped = false;
            loop {
                if child.try_wait().expect("wait").is_some() {
                    break;
                }
                if entries(&out).iter().any(|n| n.contains(".tmp.")) {
                    // SAFETY: kill(2) on our own child.
                    unsafe { libc::kill(pid, libc::SIGSTOP) };
                    stopped = true;
                    break;
                }
                assert!(Instant::now() < deadline, "collector did not finish");
                std::thread::yield_now();
            }
            if !stopped {
                let _ = child.wait();
                continue;
            }
            let tmp_still_there = entries(&out).iter().any(|n| n.contains(".tmp."));
            // SAFETY: kill(2) on our own child.
            unsafe {
                libc::kill(pid, sig);
                libc::kill(pid, libc::SIGCONT);
            }
            let status = child.wait().expect("wait");
            let left = entries(&out);
            if tmp_still_there {
                assert_eq!(status.code(), Some(code), "signal {sig}");
                assert!(left.is_empty(), "left behind: {left:?}");
                caught = true;
                break;
            }
            // The rename won the race: a complete bundle or nothing, never a temporary file.
            assert!(left.iter().all(|n| !n.contains(".tmp.")), "{left:?}");
        }
        if !caught {
            println!("signal {sig}: never caught the collector while its temporary file existed");
        }
    }
}
