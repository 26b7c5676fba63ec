//! A private PostgreSQL server for a test: `initdb` into a temporary directory, `pg_ctl` on a
//! free port of 127.0.0.1, stopped and removed on drop. The binaries come from Debian's
//! `postgresql` package (`/usr/lib/postgresql/<version>/bin`, or `SALESFLOW_PG_BIN`, or
//! `PATH`); `initdb` refuses to run as root, so as root the server runs as the `postgres`
//! user (`runuser`).
//!
//! Without the binaries a test skips with a loud message, except when `CI` is set: then it
//! fails (CI installs the package, `.ci/run`).
//!
//! Shared by the tests of `salesflow` and `salesflow-cli` (`#[path]`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A running server.
pub struct PgServer {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

/// The directory of the server binaries, if there is one.
fn bin_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("SALESFLOW_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find(|d| d.join("initdb").exists() && d.join("pg_ctl").exists())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("its address").port()
}

fn check(what: &str, out: std::io::Result<Output>) -> Output {
    let out = out.unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

impl PgServer {
    /// Starts a server, or says loudly why not and returns `None` (no binaries, not in CI).
    ///
    /// # Panics
    ///
    /// When the binaries exist but the server does not start, or when `CI` is set and there
    /// are no binaries.
    pub fn start(test: &str) -> Option<PgServer> {
        let Some(bin) = bin_dir() else {
            let message = format!(
                "\n\n*** {test}: SKIPPED: no PostgreSQL server binaries (initdb, pg_ctl) in \
                 /usr/lib/postgresql/*/bin, $SALESFLOW_PG_BIN or PATH. Install Debian's \
                 `postgresql` package (apt-get install -y postgresql) to run it. ***\n"
            );
            assert!(
                std::env::var_os("CI").is_none(),
                "{message}CI is set: a skipped PostgreSQL test is a failure"
            );
            eprintln!("{message}");
            return None;
        };
        let as_postgres = is_root();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir =
            std::env::temp_dir().join(format!("salesflow-pg-{}-{nanos:09}", std::process::id()));
        let server = PgServer {
            bin,
            dir,
            port: free_port(),
            as_postgres,
        };
        check(
            "mkdir",
            server
                .command_of(Path::new("mkdir"))
                .arg("-p")
                .arg(&server.dir)
                .output(),
        );
        check(
            "initdb",
            server
                .command("initdb")
                .args([
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--no-sync",
                    "-D",
                ])
                .arg(server.data())
                .output(),
        );
        server.pg_ctl_start();
        Some(server)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn command_of(&self, program: &Path) -> Command {
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        }
    }

    fn command(&self, tool: &str) -> Command {
        self.command_of(&self.bin.join(tool))
    }

    fn pg_ctl_start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            self.port,
            self.dir.display()
        );
        check(
            "pg_ctl start",
            self.command("pg_ctl")
                .arg("-D")
                .arg(self.data())
                .arg("-l")
                .arg(self.dir.join("log"))
                .args(["-o", &options, "-w", "start"])
                .output(),
        );
    }

    /// The server's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL of database `db`.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Creates database `db` and returns its URL.
    pub fn create_db(&self, db: &str) -> String {
        check(
            "createdb",
            self.command("createdb")
                .args([
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &self.port.to_string(),
                    "-U",
                    "postgres",
                    db,
                ])
                .output(),
        );
        self.url(db)
    }

    /// Stops the server (fast: connections are closed), then starts it again on the same
    /// port with the same data.
    pub fn restart(&self) {
        self.stop("fast");
        self.pg_ctl_start();
    }

    /// Stops the server (`immediate`, `fast`).
    pub fn stop(&self, mode: &str) {
        check(
            "pg_ctl stop",
            self.command("pg_ctl")
                .arg("-D")
                .arg(self.data())
                .args(["-m", mode, "-w", "stop"])
                .output(),
        );
    }

    /// Starts it again after [`stop`](Self::stop).
    pub fn start_again(&self) {
        self.pg_ctl_start();
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"])
            .output();
        let _ = self
            .command_of(Path::new("rm"))
            .arg("-rf")
            .arg(&self.dir)
            .output();
    }
}
