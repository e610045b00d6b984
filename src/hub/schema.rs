//! The hub's tables. `thinkbaby` holds what is relayed (sealed); `evaluation`
//! holds the pseudonymised tables for SQL. The first sync makes them; a hub
//! made by an older thinkbaby is brought up to date; a newer one is refused.

use super::HubError;
use postgres::{Client, GenericClient};

/// The hub's format: bump it with a step in `STEPS`.
pub const FORMAT: i32 = 1;

/// Each format's tables, from nothing: step `i` brings a hub from format `i` to `i + 1`.
const STEPS: &[&str] = &["
CREATE SCHEMA IF NOT EXISTS thinkbaby;
CREATE TABLE IF NOT EXISTS thinkbaby.meta (name text PRIMARY KEY, value bytea NOT NULL);
CREATE SEQUENCE IF NOT EXISTS thinkbaby.items_seq;
CREATE TABLE IF NOT EXISTS thinkbaby.items (
    ref bytea PRIMARY KEY,
    digest bytea NOT NULL,
    sealed bytea NOT NULL,
    seq bigint NOT NULL DEFAULT nextval('thinkbaby.items_seq')
);
CREATE INDEX IF NOT EXISTS items_by_seq ON thinkbaby.items (seq);
CREATE SCHEMA IF NOT EXISTS evaluation;
CREATE TABLE IF NOT EXISTS evaluation.families (
    family text PRIMARY KEY, babies text, postcode_district text, neighbourhood text, home_language text,
    interpreter text, referral_route text, hv_level text, need_level text, eha text, groups text,
    first_attendance text, first_attendance_quarter text, baby_age_weeks_at_first_attendance integer[],
    sessions_attended integer
);
CREATE TABLE IF NOT EXISTS evaluation.attendance (
    week text, quarter text, group_name text, family text, adults integer, babies integer,
    walk_in boolean, first_visit boolean, postcode_district text
);
CREATE TABLE IF NOT EXISTS evaluation.observations (
    week text, quarter text, group_name text, family text, tags text[], domains text[], concern text
);
COMMENT ON SCHEMA evaluation IS 'thinkbaby: pseudonymised tables for the evaluation, refreshed at every sync';
"];

/// A value of the hub's own settings (`thinkbaby.meta`).
pub(super) fn meta(c: &mut impl GenericClient, name: &str) -> Result<Option<Vec<u8>>, postgres::Error> {
    Ok(c.query_opt("SELECT value FROM thinkbaby.meta WHERE name = $1", &[&name])?.map(|r| r.get(0)))
}

/// A number kept there as text: None when absent, -1 when unreadable.
pub(super) fn meta_number(c: &mut impl GenericClient, name: &str) -> Result<Option<i64>, postgres::Error> {
    Ok(meta(c, name)?.map(|v| String::from_utf8_lossy(&v).parse().unwrap_or(-1)))
}

/// Sets one of them, written or overwritten.
pub(super) fn set_meta(c: &mut impl GenericClient, name: &str, value: &[u8]) -> Result<(), postgres::Error> {
    c.execute(
        "INSERT INTO thinkbaby.meta (name, value) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
        &[&name, &value],
    )?;
    Ok(())
}

/// Makes or updates the tables, in one transaction; refuses a hub from a newer thinkbaby.
pub fn prepare(client: &mut Client) -> Result<(), HubError> {
    let mut tx = client.transaction()?;
    // One program sets a hub up at a time.
    tx.execute("SELECT pg_advisory_xact_lock(7301210)", &[])?;
    let exists: bool = tx.query_one("SELECT to_regclass('thinkbaby.meta') IS NOT NULL", &[])?.get(0);
    let found: i32 =
        if exists { meta_number(&mut tx, "format")?.map_or(0, |n| i32::try_from(n).unwrap_or(0).max(0)) } else { 0 };
    if found > FORMAT {
        return Err(HubError::TooNew(found));
    }
    for step in &STEPS[found as usize..] {
        tx.batch_execute(step)?;
    }
    if found < FORMAT {
        set_meta(&mut tx, "format", FORMAT.to_string().as_bytes())?;
    }
    tx.commit()?;
    Ok(())
}
