//! The centre's hub: a PostgreSQL server that relays what laptops push, sealed
//! under the team's key, and keeps pseudonymised tables for the evaluation.
//!
//! A sync, under one lock on the hub so syncs take turns:
//! 1. pull what others pushed since this laptop last pulled, and work out the
//!    merge here (the bundles' code path, nothing written yet);
//! 2. push every value changed here since the last push, and every value the
//!    merge changes, merged, so the hub loses nothing another laptop pushed;
//! 3. commit on the hub; then commit here, in one local commit: the merge,
//!    where the hub got to, and the outbox emptied;
//! 4. refresh the `evaluation` tables from the merged records.
//!
//! Killed at any moment, the hub and the laptop are each whole (one
//! transaction, one commit); the next sync sends and takes again what the
//! last one did not finish, and merging twice changes nothing.
//!
//! The `postgres` crate is blocking: it runs its own small runtime inside, so
//! this program's code stays synchronous, as the rest of it is.

mod conn;
mod evaluation;
mod schema;
mod seal;

use crate::store::bundle::Item;
use crate::store::docs::HubState;
use crate::store::merge::{Merged, Records};
use crate::store::{DocKey, META_HUB, Store, StoreError};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;
use seal::HubKey;
use secrecy::SecretString;
use std::collections::BTreeSet;

pub use evaluation::Tables;
pub use schema::FORMAT;

/// What a sync did.
#[derive(Debug, Clone, Default)]
pub struct Synced {
    /// The hub, as messages name it (no password).
    pub hub: String,
    pub pushed: usize,
    pub pulled: usize,
    pub merged: Merged,
    /// True when this laptop synced with this hub for the first time.
    pub first: bool,
    /// Rows now in the evaluation tables, when they were refreshed.
    pub evaluation: Option<Tables>,
}

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("the hub's address is not one thinkbaby can use ({0}): give a postgresql:// URL or host=... dbname=...")]
    Address(String),
    #[error(
        "cannot reach the hub at {hub}: {why}.\nCheck the address and the network, then sync again; nothing was changed on this laptop."
    )]
    Unreachable { hub: String, why: String },
    #[error(
        "the hub at {hub} refused the login: {why}.\nCheck the user and password in the connection string; nothing was changed on this laptop."
    )]
    Refused { hub: String, why: String },
    #[error(
        "the hub was set up by a newer thinkbaby (hub format {0}, this one knows {FORMAT}): update thinkbaby on this laptop"
    )]
    TooNew(i32),
    #[error(
        "the hub's key does not open with this passphrase: give the team's passphrase (--hub-passphrase-file FILE)"
    )]
    WrongPassphrase,
    #[error("what the hub holds is damaged ({0}); nothing was changed on this laptop")]
    Damaged(String),
    #[error("the hub stopped the sync: {0}. Nothing was changed on this laptop; sync again.")]
    Database(String),
    #[error("{0}")]
    Local(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<postgres::Error> for HubError {
    fn from(e: postgres::Error) -> Self {
        let why = match e.as_db_error() {
            Some(db) => db.message().to_string(),
            None => e.to_string(),
        };
        HubError::Database(why)
    }
}

impl HubError {
    fn from_connect(hub: &str, e: postgres::Error) -> HubError {
        if let Some(db) = e.as_db_error() {
            let code = db.code().code();
            let why = db.message().to_string();
            return if code.starts_with("28") || code == "3D000" {
                HubError::Refused { hub: hub.to_string(), why }
            } else {
                HubError::Unreachable { hub: hub.to_string(), why }
            };
        }
        let mut why = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            why = s.to_string();
            source = s.source();
        }
        HubError::Unreachable { hub: hub.to_string(), why }
    }
}

/// Items are pushed this many at a time.
const BATCH: usize = 5_000;
/// The lock every sync holds on the hub while it pulls and pushes.
const SYNC_LOCK: i64 = 7_301_211;

/// Syncs the store with the hub at `conn` (see the module's comment).
pub fn sync(store: &mut Store, conn: &str, pass: &SecretString) -> Result<Synced, HubError> {
    let (mut client, hub_name) = conn::connect(conn)?;
    schema::prepare(&mut client)?;
    let state = store.hub_state()?;
    let mut out = Synced { hub: hub_name, ..Synced::default() };

    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SYNC_LOCK])?;
    let (hub_id, key) = hub_key(&mut tx, state.as_ref(), pass)?;
    let same_hub = state.as_ref().is_some_and(|s| s.id == hub_id);
    out.first = !same_hub;
    let cursor = if same_hub { state.as_ref().map_or(0, |s| s.pulled) } else { 0 };

    // 1. Pull, and work the merge out.
    let mut entries = Vec::new();
    let mut evaluation_key = None;
    for row in tx.query("SELECT ref, sealed FROM thinkbaby.items WHERE seq > $1 ORDER BY seq", &[&cursor])? {
        let (reference, sealed): (Vec<u8>, Vec<u8>) = (row.get(0), row.get(1));
        for item in key.open(&reference, &sealed)? {
            match item {
                Item::EvaluationKey(k) => evaluation_key = Some(k),
                other => entries.extend(other.entry()),
            }
        }
        out.pulled += 1;
    }
    // The team's evaluation key: the hub's, or, for the first laptop, its own,
    // made now so it travels with the first push and every laptop and the
    // evaluation tables give a family the same pseudonym.
    if evaluation_key.is_none() {
        crate::report::Pseudonymiser::of_store(store)?;
    }
    let mut plan = store.plan_merge(Records { entries, evaluation_key })?;

    // 2. Push what changed here, and what the merge changes, merged.
    let mut docs: BTreeSet<DocKey> = store.outbox(!same_hub)?.into_iter().map(|e| e.doc).collect();
    docs.extend(plan.written());
    let pushed: Vec<DocKey> = docs.into_iter().collect();
    out.pushed = push(&mut tx, store, &plan, &key, &pushed)?;
    let top: i64 = tx.query_one("SELECT coalesce(max(seq), 0) FROM thinkbaby.items", &[])?.get(0);
    tx.commit()?;

    // 3. Here, in one commit: the merge, where the hub got to, the outbox emptied.
    plan.set_meta(META_HUB, &HubState { id: hub_id, key: key.bytes(), pulled: top });
    plan.pushed(pushed);
    out.merged = store.apply_merge(plan)?;

    // 4. The evaluation's tables, when anything moved (or they lag).
    if out.pulled > 0 || out.pushed > 0 || evaluation::lags(&mut client, top)? {
        out.evaluation = Some(evaluation::refresh(&mut client, store, top)?);
    }
    Ok(out)
}

/// The hub's id and key: made by the first laptop to sync; otherwise opened
/// with the team's passphrase (once: the laptop keeps it, sealed).
fn hub_key(
    tx: &mut postgres::Transaction<'_>,
    state: Option<&HubState>,
    pass: &SecretString,
) -> Result<(uuid::Uuid, HubKey), HubError> {
    let id = schema::meta(tx, "hub_id")?;
    let sealed = schema::meta(tx, "key")?;
    match (id, sealed) {
        (Some(id), Some(sealed)) => {
            let id = uuid::Uuid::from_slice(&id).map_err(|_| HubError::Damaged("its id".into()))?;
            if let Some(s) = state.filter(|s| s.id == id)
                && let Some(k) = HubKey::from_bytes(&s.key)
            {
                return Ok((id, k));
            }
            Ok((id, HubKey::unwrap(&sealed, pass)?))
        }
        _ => {
            crate::store::check_new_passphrase(pass)?;
            let id = uuid::Uuid::now_v7();
            let key = HubKey::random()?;
            let insert = "INSERT INTO thinkbaby.meta (name, value) VALUES ($1, $2)";
            tx.execute(insert, &[&"hub_id", &id.as_bytes().to_vec()])?;
            tx.execute(insert, &[&"key", &key.wrap(pass)?])?;
            Ok((id, key))
        }
    }
}

/// Sends each value (merged as it will be here), its removal, and the team's
/// evaluation key; a value the hub holds unchanged is left as it is.
fn push(
    tx: &mut postgres::Transaction<'_>,
    store: &Store,
    plan: &crate::store::merge::MergePlan,
    key: &HubKey,
    docs: &[DocKey],
) -> Result<usize, HubError> {
    tx.batch_execute("CREATE TEMPORARY TABLE incoming (ref bytea, digest bytea, sealed bytea) ON COMMIT DROP")?;
    let mut gone: Vec<Vec<u8>> = Vec::new();
    let mut sent = 0;
    let progress = crate::progress::Progress::new("sending to the hub", docs.len() as u64);
    for chunk in docs.chunks(BATCH) {
        let writer = tx.copy_in("COPY incoming (ref, digest, sealed) FROM STDIN BINARY")?;
        let mut w = BinaryCopyInWriter::new(writer, &[Type::BYTEA, Type::BYTEA, Type::BYTEA]);
        for doc in chunk {
            let reference = key.reference(Some(doc));
            match store.hub_items(plan, doc)? {
                Some(items) => {
                    let (sealed, digest) = key.seal(&reference, &items)?;
                    w.write(&[&reference, &digest, &sealed])?;
                }
                None => gone.push(reference),
            }
            progress.step(1);
        }
        w.finish()?;
    }
    if let Some(k) = plan.evaluation_key().or(store.evaluation_key()?) {
        let reference = key.reference(None);
        let (sealed, digest) = key.seal(&reference, &[Item::EvaluationKey(k)])?;
        tx.execute("INSERT INTO incoming (ref, digest, sealed) VALUES ($1, $2, $3)", &[&reference, &digest, &sealed])?;
    }
    sent += tx.execute(
        "INSERT INTO thinkbaby.items (ref, digest, sealed) SELECT ref, digest, sealed FROM incoming
         ON CONFLICT (ref) DO UPDATE SET digest = EXCLUDED.digest, sealed = EXCLUDED.sealed,
             seq = nextval('thinkbaby.items_seq')
         WHERE thinkbaby.items.digest IS DISTINCT FROM EXCLUDED.digest",
        &[],
    )? as usize;
    if !gone.is_empty() {
        sent += tx.execute("DELETE FROM thinkbaby.items WHERE ref = ANY($1)", &[&gone])? as usize;
    }
    Ok(sent)
}
