//! Observation notes as facilitators write them, for made-up families: the
//! demo's history and the generated stores of trials and benchmarks.

use super::Rng;
use crate::domain::audit;
use crate::domain::*;
use crate::store::Change;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// A note a facilitator might write: tags, text, concern, follow-up action.
pub struct Note {
    pub tags: &'static [&'static str],
    pub text: &'static str,
    pub concern: Concern,
    pub follow_up: &'static str,
}

pub const NOTES: &[Note] = &[
    Note {
        tags: &["responds-to-cues", "talks-sings"],
        text: "Sang Wind the Bobbin Up and waited for baby's smile before each verse; baby kicked and cooed back.",
        concern: Concern::None,
        follow_up: "",
    },
    Note {
        tags: &["floor-play", "follows-lead", "baby-vocalises"],
        text: "On the mat, let baby choose between the rattle and the mirror and named each one as baby reached.",
        concern: Concern::None,
        follow_up: "",
    },
    Note {
        tags: &["soothes-distress", "warm-holding"],
        text: "Baby cried when the door banged; held close and swayed, settled in about a minute.",
        concern: Concern::None,
        follow_up: "",
    },
    Note {
        tags: &["shared-gaze", "wonders-aloud"],
        text: "Wondered aloud whether baby was tired of the noise and moved to the quiet corner; long shared gaze.",
        concern: Concern::None,
        follow_up: "",
    },
    Note {
        tags: &["connects-with-parent"],
        text: "Chatted with another parent from the same road and swapped numbers.",
        concern: Concern::None,
        follow_up: "",
    },
    Note {
        tags: &["modelled-interaction", "talks-sings"],
        text: "Modelled talking baby through a nappy change; carer tried it next time and laughed with baby.",
        concern: Concern::None,
        follow_up: "",
    },
    Note {
        tags: &["parent-low", "asks-for-help", "signposted"],
        text: "Said she has hardly slept and feels alone since moving to Luton. Gave details of the perinatal mental health team and the Tuesday stay and play.",
        concern: Concern::FollowUp,
        follow_up: "Ask next week whether she contacted the perinatal team; with consent, let the health visitor know.",
    },
    Note {
        tags: &["hard-to-settle", "parent-anxious"],
        text: "Worried that baby is not feeding enough; baby hard to settle. Suggested the health visitor's baby clinic.",
        concern: Concern::None,
        follow_up: "",
    },
    Note {
        tags: &["rough-handling", "safeguarding-raised", "shared-with-colleague"],
        text: "Baby lifted sharply by one arm while crying; a bruise seen on the upper arm. Shared with co-facilitator straight away.",
        concern: Concern::Safeguarding,
        follow_up: "Designated safeguarding lead told the same morning; record the referral outcome.",
    },
    Note {
        tags: &["calm-alert", "responds-to-cues"],
        text: "Calm and alert the whole session; carer answered each look and sound.",
        concern: Concern::None,
        follow_up: "",
    },
];

/// One observation of `f` at session `s` (which starts at `start`), written by
/// one of `staff`: a note from the table, its concern as often as facilitators
/// raise one, and the occasional edit or deletion.
pub(super) fn observation(
    rng: &mut Rng,
    f: &Family,
    start: DateTime<Utc>,
    s: &Session,
    staff: [&str; 2],
    device: Uuid,
) -> Observation {
    let when = start + Duration::minutes(rng.within(5..95));
    let baby = &f.babies[rng.index(f.babies.len())];
    let author = rng.pick(&staff).to_string();
    let concern = match rng.below(100) {
        0..90 => Concern::None,
        90..98 => Concern::FollowUp,
        _ => Concern::Safeguarding,
    };
    let like: Vec<&Note> = NOTES.iter().filter(|n| n.concern == concern).collect();
    let note = *rng.pick(&like);
    let note_id = rng.id(when);
    let first = Revision {
        id: crate::store::migrate::revision_id(note_id, 0, when),
        parents: vec![],
        tags: note.tags.iter().map(|t| t.to_string()).collect(),
        text: note.text.into(),
        concern,
        follow_up: note.follow_up.into(),
        baby: (rng.below(10) < 7).then_some(baby.id),
        by: author.clone(),
        at: when,
        why: String::new(),
    };
    let mut o = Observation::new(note_id, f.id, s.id, first.clone(), device);
    if rng.below(20) == 0 {
        let mut second = first;
        second.id = crate::store::migrate::revision_id(note_id, 1, when + Duration::hours(2));
        second.text.push_str(" (Added after the group: she said it went better at home.)");
        second.at = when + Duration::hours(2);
        second.why = "added what mum said at the end".into();
        o.revise(second, device);
    }
    if rng.below(200) == 0 {
        o.deleted =
            Some(Tombstone { by: author, at: when + Duration::days(1), why: "written on the wrong family".into() });
    }
    o
}

/// An audit entry as the program writes it, with a deterministic id.
pub(super) fn audit_entry(rng: &mut Rng, mut e: AuditEntry) -> AuditEntry {
    e.id = rng.id(e.at);
    e
}

/// The audit entries of a new note, and of its later edit or deletion.
pub(super) fn audit_note(rng: &mut Rng, change: &mut Change, o: &Observation, device: Uuid) {
    let first = Observation { revisions: o.revisions[..1].to_vec(), deleted: None, ..o.clone() };
    if let Some((action, details)) = audit::observation_change(None, &first) {
        let e = AuditEntry::new(o.family, action, o.at, &o.author, device).at_session(o.session).details(details);
        change.audit(&audit_entry(rng, e).about_note(o.id));
    }
    if o.revisions.len() > 1 || o.deleted.is_some() {
        let (at, by) = match &o.deleted {
            Some(t) => (t.at, t.by.clone()),
            None => (o.current().at, o.current().by.clone()),
        };
        let with_edit = Observation { deleted: None, ..o.clone() };
        for (old, new) in [(&first, &with_edit), (&with_edit, o)] {
            if let Some((action, details)) = audit::observation_change(Some(old), new) {
                let e = AuditEntry::new(o.family, action, at, &by, device).at_session(o.session).details(details);
                change.audit(&audit_entry(rng, e).about_note(o.id));
            }
        }
    }
}
