//! A throwaway PostgreSQL server for the hub tests: `initdb` into a temporary
//! folder, `pg_ctl start` on a Unix socket with no TCP listener, stopped when
//! the value is dropped (a failing test unwinds through the drop too). As
//! root, the server runs as the `postgres` user. Without PostgreSQL on the
//! machine the tests say so in one line and pass, unless `CI=true`, where a
//! missing server is a failure.

use std::path::PathBuf;
use std::process::Command;

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_postgres: bool,
    /// Also the number in the Unix socket's name.
    port: u16,
}

/// Where `initdb` is: on the PATH, else in Debian's versioned folders.
fn bin_dir() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("PATH") {
        for d in std::env::split_paths(&path) {
            // Through a link (Debian's /usr/local/bin/initdb) to the folder
            // that has psql and pg_dump beside it.
            if let Ok(real) = d.join("initdb").canonicalize()
                && let Some(real_dir) = real.parent()
                && real_dir.join("pg_ctl").is_file()
            {
                return Some(real_dir.to_path_buf());
            }
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|b| b.join("initdb").is_file())
        .collect();
    found.sort();
    found.pop()
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Cluster {
    /// A running server, or None (with one line said) where there is none to run.
    pub fn start() -> Option<Cluster> {
        Cluster::start_with(None)
    }

    /// A server that also listens on 127.0.0.1:`port` and takes only TLS
    /// there, with a certificate for `localhost` from a CA made for the test;
    /// the CA's certificate is `ca.pem` in the cluster's folder (see `ca`).
    pub fn start_tls(port: u16) -> Option<Cluster> {
        Cluster::start_with(Some(port))
    }

    fn start_with(tls_port: Option<u16>) -> Option<Cluster> {
        let Some(bin) = bin_dir() else {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true and no PostgreSQL here: .ci/run installs it (apt-get install postgresql)");
            }
            eprintln!("skipped: no PostgreSQL on this machine (initdb not found); install it to run the hub tests");
            return None;
        };
        let dir = tempfile::Builder::new().prefix("thinkbaby-pg-").tempdir().unwrap();
        let as_postgres = is_root();
        if as_postgres {
            let status = Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status().unwrap();
            assert!(status.success(), "chown to postgres failed");
        }
        let c = Cluster { dir, bin, as_postgres, port: tls_port.unwrap_or(5432) };
        c.run("initdb", &["-D", &c.data(), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
        let mut opts = format!("-c listen_addresses='' -k {} -c fsync=off -c full_page_writes=off", c.socket());
        if let Some(port) = tls_port {
            c.certificates();
            let hba = format!("{}/pg_hba.conf", c.data());
            let mut rules = String::from("local all all trust\nhostssl all all 127.0.0.1/32 trust\n");
            rules.push_str("hostnossl all all 127.0.0.1/32 reject\n");
            std::fs::write(&hba, rules).unwrap();
            opts = format!(
                "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
                c.socket(),
                c.dir.path().join("server.crt").display(),
                c.dir.path().join("server.key").display()
            );
        }
        c.run("pg_ctl", &["-D", &c.data(), "-o", &opts, "-l", &c.log(), "-w", "-t", "60", "start"]);
        Some(c)
    }

    /// The test CA's certificate (PEM).
    pub fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// A CA, and a server certificate for localhost signed by it, made with
    /// openssl (Debian's PostgreSQL package brings it).
    fn certificates(&self) {
        let d = self.dir.path();
        let openssl = |args: &[&str]| {
            let out = Command::new("openssl").current_dir(d).args(args).output().expect("openssl");
            assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        };
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=thinkbaby test CA",
        ]);
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ]);
        std::fs::write(d.join("ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n").unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ]);
        if self.as_postgres {
            let status = Command::new("chown")
                .args(["postgres:postgres", "server.key", "server.crt"])
                .current_dir(d)
                .status()
                .unwrap();
            assert!(status.success());
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(d.join("server.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn log(&self) -> String {
        self.dir.path().join("server.log").display().to_string()
    }

    pub fn socket(&self) -> String {
        self.dir.path().display().to_string()
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out = self.command(program).args(args).output().unwrap();
        if !out.status.success() {
            let log = std::fs::read_to_string(self.log()).unwrap_or_default();
            panic!(
                "{program} failed: {}\n{}\n{log}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    /// A new empty database on the server, and its connection string.
    pub fn database(&self, name: &str) -> String {
        self.run(
            "psql",
            &[
                "-h",
                &self.socket(),
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-q",
                "-c",
                &format!("CREATE DATABASE {name}"),
            ],
        );
        format!("host={} port={} user=postgres dbname={name}", self.socket(), self.port)
    }

    /// Runs SQL as the server's superuser; its output.
    pub fn sql(&self, db: &str, sql: &str) -> String {
        let out = self
            .command("psql")
            .args([
                "-h",
                &self.socket(),
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-d",
                db,
                "-A",
                "-t",
                "-q",
                "-c",
                sql,
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{sql}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Everything the hub's database holds, as `pg_dump` writes it.
    pub fn dump(&self, db: &str) -> Vec<u8> {
        let port = self.port.to_string();
        let out =
            self.command("pg_dump").args(["-h", &self.socket(), "-p", &port, "-U", "postgres", db]).output().unwrap();
        assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.command("pg_ctl").args(["-D", &self.data(), "-m", "immediate", "-w", "stop"]).output();
    }
}
