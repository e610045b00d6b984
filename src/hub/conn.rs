//! Reaching the hub: a libpq connection string or a `postgresql://` URL.
//! Unix sockets in the clear; over the network, TLS with rustls (the web's
//! roots, or the centre's own with `sslrootcert=FILE`), never an OpenSSL build.

use super::HubError;
use postgres::Client;
use postgres::config::{Config, Host};
use std::str::FromStr;
use std::time::Duration;

/// The hub, as the messages name it: host and database, never the password.
pub fn describe(config: &Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let db = config.get_dbname().unwrap_or("postgres");
    format!("{} (database {db})", if hosts.is_empty() { "localhost".to_string() } else { hosts.join(", ") })
}

/// Opens a connection, or says in one line why not.
pub fn connect(conn: &str) -> Result<(Client, String), HubError> {
    let (conn, root) = take_root_cert(conn);
    // rustls always checks the server's certificate and name, so libpq's
    // verify-ca and verify-full are what `require` does here (the driver
    // knows only disable, prefer and require).
    let conn = conn.replace("sslmode=verify-full", "sslmode=require").replace("sslmode=verify-ca", "sslmode=require");
    let mut config = Config::from_str(&conn).map_err(|e| HubError::Address(e.to_string()))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    config.application_name("thinkbaby");
    let name = describe(&config);
    let all_local = !config.get_hosts().is_empty() && config.get_hosts().iter().all(|h| !matches!(h, Host::Tcp(_)));
    let client = if all_local {
        config.connect(postgres::NoTls)
    } else {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(path) = root {
            let pem = std::fs::read(&path).map_err(|e| HubError::Address(format!("cannot read {path}: {e}")))?;
            for cert in rustls_pemfile_certs(&pem) {
                roots.add(cert).map_err(|e| HubError::Address(format!("{path}: {e}")))?;
            }
        }
        let tls = rustls::ClientConfig::builder_with_provider(rustls::crypto::ring::default_provider().into())
            .with_safe_default_protocol_versions()
            .map_err(|e| HubError::Address(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
    };
    client.map(|c| (c, name.clone())).map_err(|e| HubError::from_connect(&name, e))
}

/// `sslrootcert=FILE` is libpq's; the driver does not take it, so it is read
/// here, from a connection string or a URL's query.
fn take_root_cert(conn: &str) -> (String, Option<String>) {
    if conn.starts_with("postgres://") || conn.starts_with("postgresql://") {
        let Some((base, query)) = conn.split_once('?') else { return (conn.to_string(), None) };
        let mut root = None;
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| match p.strip_prefix("sslrootcert=") {
                Some(path) => {
                    root = Some(path.to_string());
                    false
                }
                None => true,
            })
            .collect();
        let rest = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
        return (rest, root);
    }
    let mut root = None;
    let kept: Vec<&str> = conn
        .split_whitespace()
        .filter(|part| match part.strip_prefix("sslrootcert=") {
            Some(path) => {
                root = Some(path.trim_matches('\'').to_string());
                false
            }
            None => true,
        })
        .collect();
    if root.is_some() { (kept.join(" "), root) } else { (conn.to_string(), None) }
}

/// The certificates in a PEM file.
fn rustls_pemfile_certs(pem: &[u8]) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_slice_iter(pem).filter_map(Result::ok).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hub_is_named_without_its_password() {
        let c = Config::from_str("postgresql://thinkbaby:s3cret@hub.example.org:5432/centre").unwrap();
        let said = describe(&c);
        assert_eq!(said, "hub.example.org (database centre)");
        let (rest, root) = take_root_cert("host=hub dbname=centre sslmode=verify-full sslrootcert=/etc/ca.pem");
        assert_eq!(root.as_deref(), Some("/etc/ca.pem"));
        assert!(!rest.contains("sslrootcert"));
        let (rest, root) = take_root_cert("postgresql://u@hub/centre?sslmode=verify-full&sslrootcert=/etc/ca.pem");
        assert_eq!(
            (rest.as_str(), root.as_deref()),
            ("postgresql://u@hub/centre?sslmode=verify-full", Some("/etc/ca.pem"))
        );
    }
}
