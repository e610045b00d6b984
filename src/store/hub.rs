//! What the store keeps for its hub (see `crate::hub`): where this laptop has
//! got to, what it has changed since its last push (the outbox), and each
//! stored value as the records a hub relays.

use super::apply::{DocKey, OutboxEntry};
use super::archive::AttendanceVersions;
use super::bundle::Item;
use super::docs::{FamilyDoc, HubState, VisitDoc};
use super::keys::TreeId;
use super::merge::MergePlan;
use super::{META_HUB, Store, StoreError};
use crate::domain::{Group, Session, Staff, Versioned};

impl Store {
    pub fn hub_state(&self) -> Result<Option<HubState>, StoreError> {
        self.meta(META_HUB)
    }

    /// What to push: every value changed since the last push, or (the first
    /// push to this hub) every value there is.
    pub fn outbox(&self, everything: bool) -> Result<Vec<OutboxEntry>, StoreError> {
        if !everything {
            return self.scan_all(TreeId::Outbox);
        }
        let mut out = Vec::new();
        for d in self.scan_all::<FamilyDoc>(TreeId::Families)? {
            out.push(OutboxEntry { doc: DocKey::Family(d.id), removed: false });
        }
        for d in self.scan_all::<VisitDoc>(TreeId::Visits)? {
            out.push(OutboxEntry { doc: DocKey::Visit(d.family, d.session), removed: false });
        }
        for s in self.sessions()? {
            out.push(OutboxEntry { doc: DocKey::Session(s.id), removed: false });
        }
        for g in self.groups()? {
            out.push(OutboxEntry { doc: DocKey::Group(g.id), removed: false });
        }
        for s in self.staff()? {
            out.push(OutboxEntry { doc: DocKey::Staff(s.initials), removed: false });
        }
        Ok(out)
    }

    /// A value as the records a hub relays, as it will be once `plan` is
    /// written (None: it is gone).
    pub fn hub_items(&self, plan: &MergePlan, doc: &DocKey) -> Result<Option<Vec<Item>>, StoreError> {
        let p = &plan.planned;
        let h = self.hasher();
        Ok(match doc {
            DocKey::Family(id) => {
                let d = match p.families.get(id) {
                    Some(d) => Some(d.clone()),
                    None => self.get::<FamilyDoc>(TreeId::Families, &h.family(*id))?,
                };
                d.map(|d| {
                    let mut items = vec![Item::Family(d.family)];
                    items.extend(d.audit.into_iter().map(Item::Audit));
                    items
                })
            }
            DocKey::Visit(f, s) => {
                if p.removed_visits.contains(&(*f, *s)) {
                    return Ok(None);
                }
                let d = match p.visits.get(&(*f, *s)) {
                    Some(d) => Some(d.clone()),
                    None => self.visit_doc(*f, *s)?,
                };
                d.map(|d| {
                    let mut items = Vec::new();
                    if let Some(a) = d.attendance {
                        items.push(Item::Attendance(AttendanceVersions {
                            session: d.session,
                            family: d.family,
                            versions: a,
                        }));
                    }
                    items.extend(d.notes.into_iter().map(Item::Observation));
                    items.extend(d.audit.into_iter().map(Item::Audit));
                    items
                })
            }
            DocKey::Session(id) => match p.sessions.get(id) {
                Some(v) => Some(vec![Item::Session(v.clone())]),
                None => {
                    self.get::<Versioned<Session>>(TreeId::Sessions, &h.session(*id))?.map(|v| vec![Item::Session(v)])
                }
            },
            DocKey::Group(id) => match p.groups.get(id) {
                Some(v) => Some(vec![Item::Group(v.clone())]),
                None => self.get::<Versioned<Group>>(TreeId::Groups, &h.group(*id))?.map(|v| vec![Item::Group(v)]),
            },
            DocKey::Staff(i) => match p.staff.get(i) {
                Some(v) => Some(vec![Item::Staff(v.clone())]),
                None => self.get::<Versioned<Staff>>(TreeId::Staff, &h.staff(i))?.map(|v| vec![Item::Staff(v)]),
            },
        })
    }
}
