//! Several laptops, one record: `bundle`, `merge` and `conflicts`. Every
//! stored string printed goes through `text::clean`.

use crate::cli::passphrase;
use crate::clock::Clock;
use crate::domain::conflict::differences;
use crate::domain::{Family, Observation};
use crate::failure::Failure;
use crate::store::bundle::{self, BundleError};
use crate::store::merge::{self, Merged};
use crate::store::{Pending, Store, pending};
use crate::text::{clean, plural};
use secrecy::SecretString;
use std::path::Path;

impl From<BundleError> for Failure {
    fn from(e: BundleError) -> Self {
        match e {
            BundleError::Store(s) => s.into(),
            other => Failure::new(other.to_string()),
        }
    }
}

/// A passphrase from `--bundle-passphrase-file`, held to the store's rules.
fn bundle_passphrase(file: &Path) -> Result<SecretString, Failure> {
    let pass =
        crate::passphrase::given(Some(file))?.ok_or_else(|| Failure::new("the bundle passphrase file is empty"))?;
    crate::store::check_new_passphrase(&pass).map_err(|e| Failure::new(format!("bundle passphrase: {e}")))?;
    Ok(pass)
}

/// `thinkbaby bundle -o FILE`: everything this laptop holds, sealed.
pub fn write(
    dir: &Path,
    pass_file: Option<&Path>,
    file: &Path,
    bundle_pass: Option<&Path>,
    clock: &dyn Clock,
) -> Result<String, Failure> {
    let chosen = bundle_pass.map(bundle_passphrase).transpose()?;
    let (store, pass) = passphrase::open_store_keeping(dir, pass_file)?;
    let counts = bundle::write(&store, file, chosen.unwrap_or(pass), clock.now())?;
    Ok(format!(
        "bundled {counts}\ninto {}, sealed with a passphrase: merge it on the other laptop with `thinkbaby merge FILE`\n",
        file.display()
    ))
}

/// `thinkbaby merge FILE`: another laptop's bundle, in one commit.
pub fn merge(
    dir: &Path,
    pass_file: Option<&Path>,
    file: &Path,
    bundle_pass: Option<&Path>,
    clock: &dyn Clock,
) -> Result<String, Failure> {
    if !file.is_file() {
        return Err(Failure::new(format!("there is no file {}: check the name and the folder", file.display())));
    }
    let chosen = bundle_pass.map(|p| crate::passphrase::given(Some(p))).transpose()?.flatten();
    let (mut store, pass) = passphrase::open_store_keeping(dir, pass_file)?;
    let (head, done) = store.merge_bundle(file, chosen.unwrap_or(pass))?;
    let mut out = format!(
        "merged the bundle of laptop {}, written {}\n",
        short(head.device),
        clock.local(head.written).format("%d/%m/%Y %H:%M")
    );
    out.push_str(&said(&done));
    if let Some(ahead) = merge::clock_ahead(head.written, clock.now()) {
        out.push_str(&format!(
            "that laptop's clock is at least {} ahead of this one's: set the right time on it (nothing depends on clocks)\n",
            plural(ahead.num_minutes() as usize, "minute", "minutes")
        ));
    }
    Ok(out)
}

fn short(id: uuid::Uuid) -> String {
    let hex = id.simple().to_string();
    hex[hex.len() - 8..].to_string()
}

/// A merge in a few lines: what it added and changed, what waits.
pub fn said(m: &Merged) -> String {
    let s = &m.stats;
    let mut out = String::new();
    let mut added = Vec::new();
    let mut changed = Vec::new();
    let say = |list: &mut Vec<String>, n: usize, one: &str, many: &str| {
        if n > 0 {
            list.push(plural(n, one, many));
        }
    };
    say(&mut added, s.families_added, "family", "families");
    say(&mut added, s.attendance_added, "attendance", "attendances");
    say(&mut added, s.notes_added, "note", "notes");
    say(&mut added, s.sessions_added, "session", "sessions");
    say(&mut added, s.groups_added, "group", "groups");
    say(&mut added, s.staff_added, "staff member", "staff");
    say(&mut changed, s.families_changed, "family", "families");
    say(&mut changed, s.attendance_changed, "attendance", "attendances");
    say(&mut changed, s.notes_changed, "note", "notes");
    say(&mut changed, s.groups_changed, "group", "groups");
    if added.is_empty() && changed.is_empty() && m.erased == 0 && s.audit_added == 0 {
        out.push_str("nothing new: this laptop already had everything in it\n");
    } else {
        let mut parts = Vec::new();
        if !added.is_empty() {
            parts.push(format!("added {}", and_list(&added)));
        }
        if !changed.is_empty() {
            parts.push(format!("changed {}", and_list(&changed)));
        }
        if parts.is_empty() {
            parts.push(format!("added {}", plural(s.audit_added, "audit entry", "audit entries")));
        }
        out.push_str(&parts.join("; "));
        out.push('\n');
    }
    if m.erased > 0 {
        out.push_str(&format!(
            "{} erased on the other laptop {} erased here too, for good\n",
            plural(m.erased, "family", "families"),
            if m.erased == 1 { "is" } else { "are" }
        ));
    }
    if m.new_pseudonyms {
        out.push_str(
            "this laptop now uses the team's evaluation key: pseudonyms in new exports differ from earlier ones\n",
        );
    }
    out.push_str(&waiting(&m.waiting));
    out
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "waiting for a person: 1 family edited on two laptops, 1 possible duplicate".
pub fn waiting(items: &[Pending]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let count = |k: u8| items.iter().filter(|p| p.kind == k).count();
    let mut parts = Vec::new();
    for (k, one, many) in [
        (pending::FAMILY, "family edited on two laptops", "families edited on two laptops"),
        (pending::GROUP, "group edited on two laptops", "groups edited on two laptops"),
        (pending::NOTE, "note edited on two laptops", "notes edited on two laptops"),
        (pending::SAME_FAMILY, "possible duplicate family", "possible duplicate families"),
    ] {
        if count(k) > 0 {
            parts.push(plural(count(k), one, many));
        }
    }
    format!(
        "waiting for a person: {}: see `thinkbaby conflicts`, and decide each on the screens (press d)\n",
        parts.join(", ")
    )
}

impl From<crate::hub::HubError> for Failure {
    fn from(e: crate::hub::HubError) -> Self {
        match e {
            crate::hub::HubError::Store(s) => s.into(),
            other => Failure::new(other.to_string()),
        }
    }
}

/// `thinkbaby sync --hub CONN`: the hub and this laptop, each up to date with the other.
pub fn sync(dir: &Path, pass_file: Option<&Path>, hub: &str, hub_pass: Option<&Path>) -> Result<String, Failure> {
    let chosen = hub_pass.map(|p| crate::passphrase::given(Some(p))).transpose()?.flatten();
    let (mut store, pass) = passphrase::open_store_keeping(dir, pass_file)?;
    let done = crate::hub::sync(&mut store, hub, &chosen.unwrap_or(pass))?;
    let mut out = format!(
        "synced with {}: sent {}, took {}\n",
        done.hub,
        plural(done.pushed, "change", "changes"),
        plural(done.pulled, "change", "changes")
    );
    out.push_str(&said(&done.merged));
    if let Some(t) = done.evaluation {
        out.push_str(&format!(
            "evaluation tables: {}, {}, {}\n",
            plural(t.families, "family", "families"),
            plural(t.attendance, "attendance", "attendances"),
            plural(t.observations, "observation", "observations")
        ));
    }
    Ok(out)
}

/// `thinkbaby conflicts`: what waits, with what differs.
pub fn conflicts(store: &Store, clock: &dyn Clock) -> Result<String, Failure> {
    let items = store.pending()?;
    if items.is_empty() {
        return Ok("nothing waits for a person: every laptop's versions agree\n".into());
    }
    let mut out = format!("{} for a person:\n", plural(items.len(), "thing waits", "things wait"));
    for p in &items {
        out.push('\n');
        out.push_str(&describe(store, p, clock)?);
    }
    Ok(out)
}

fn known_as(f: &Family) -> String {
    let babies: Vec<String> =
        f.babies.iter().map(|b| format!("{} born {}", b.name, b.dob.format("%d/%m/%Y"))).collect();
    let phone = f.carers.first().map(|c| c.phone.as_str()).unwrap_or("");
    clean(&format!(
        "{} ({}), {}",
        f.carer_names(),
        if phone.is_empty() { "no phone" } else { phone },
        babies.join(", ")
    ))
}

/// One waiting item in words, with both values of every field that differs.
pub fn describe(store: &Store, p: &Pending, clock: &dyn Clock) -> Result<String, Failure> {
    let mut out = String::new();
    match p.kind {
        pending::FAMILY => {
            let Some(v) = store.family_versions(p.a)? else { return Ok(out) };
            let Some(shown) = v.current().cloned() else { return Ok(out) };
            out.push_str(&format!("Family {} (id {}): edited on two laptops\n", known_as(&shown), p.a));
            for other in v.conflicts() {
                let Some(body) = &other.body else { continue };
                out.push_str(&format!("  shown now, and in the other version (from laptop {}):\n", short(other.by)));
                // Cleaned line by line: a line end inside `clean` would be shown as `�`.
                for d in differences(&shown, body) {
                    let line = format!("    {}: {}  |  other: {}", d.field.label(), d.shown, d.other);
                    out.push_str(&clean(&line));
                    out.push('\n');
                }
            }
        }
        pending::GROUP => {
            if let Some(g) = store.group(p.a)? {
                out.push_str(&clean(&format!("Group {}: edited on two laptops", g.name)));
                out.push('\n');
            }
        }
        pending::NOTE => {
            let note: Option<Observation> = store.observations_of_family(p.a)?.into_iter().find(|o| o.id == p.b);
            let family = store.family(p.a)?.map(|f| clean(&f.carer_names())).unwrap_or_default();
            if let Some(o) = note {
                let concerns: Vec<String> = o.heads().iter().map(|h| h.concern.to_string()).collect();
                out.push_str(&format!(
                    "Note of {} about {family}: edited on two laptops (concern {}; shown: {})\n",
                    clock.local(o.at).format("%d/%m/%Y"),
                    concerns.join(" | "),
                    o.concern()
                ));
            }
        }
        pending::SAME_FAMILY => {
            if let (Some(a), Some(b)) = (store.family(p.a)?, store.family(p.b)?) {
                out.push_str(&format!(
                    "Same family?\n  {}  (id {})\n  {}  (id {})\n",
                    known_as(&a),
                    a.id,
                    known_as(&b),
                    b.id
                ));
            }
        }
        _ => {}
    }
    Ok(out)
}
