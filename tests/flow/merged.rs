//! Two laptops' stores, one merged into the other with the library (as
//! `thinkbaby merge` does), then what waits decided on the screens: the count
//! in the header, a family edited on both decided part by part, a note and a
//! group. "Same family?" is in `same.rs`.

use crate::support::*;
use crate::*;
use chrono::Duration;
use thinkbaby::clock::Clock;
use thinkbaby::domain::{Baby, Concern, Family, Observation, Revision, Stamp, new_id};
use thinkbaby::store::Store;
use thinkbaby::store::merge::Records;
use thinkbaby::tui::app::App;
use thinkbaby::tui::overlay::Overlay;
use uuid::Uuid;

/// Laptop A is the fixture; laptop B was set up from A's records.
pub struct Laptops {
    pub fx: Fixture,
    b: tempfile::TempDir,
}

/// Everything a store holds, as a bundle carries it.
fn records(store: &Store) -> Records {
    Records::of_store(store).unwrap()
}

impl Laptops {
    pub fn new() -> Laptops {
        let fx = Fixture::new();
        let b = tempdir();
        let from_a = records(&fx.store());
        Store::open(b.path()).unwrap().merge(from_a).unwrap();
        Laptops { fx, b }
    }

    pub fn a(&self) -> Store {
        self.fx.store()
    }

    pub fn b(&self) -> Store {
        Store::open(self.b.path()).unwrap()
    }

    /// B's records merged into A.
    pub fn b_to_a(&self) {
        let from_b = records(&self.b());
        self.a().merge(from_b).unwrap();
    }

    /// A's records merged into B.
    pub fn a_to_b(&self) {
        let from_a = records(&self.a());
        self.b().merge(from_a).unwrap();
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.fx.clock.now()
    }
}

/// Changes the family whose carer is `carer` on `store`, as its Family form would.
pub fn edit(store: &Store, carer: &str, now: chrono::DateTime<chrono::Utc>, change: impl FnOnce(&mut Family)) {
    let mut f = family_named(store, carer);
    change(&mut f);
    f.stamp.touch(now, store.device());
    store.save_family(&f).unwrap();
}

/// A walk-in added on `store` at the fixture group's session on `at`'s day; its id.
pub fn walk_in(store: &Store, carer: &str, phone: &str, baby: &str, at: chrono::DateTime<chrono::Utc>) -> Uuid {
    let g = group(store);
    let s = store.open_session(g.id, at.date_naive(), "AB", at).unwrap();
    let dob = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    let b = Baby { id: new_id(at), name: baby.into(), dob, due: None, sex: None };
    let mut f = Family::new(carer, phone, vec![b], Stamp::new(at, store.device()));
    // As the walk-in form does: on the list of the group they came to.
    f.groups.push(g.id);
    store.add_walk_in(&s, &f, "AB", at).unwrap();
    f.id
}

/// The room of what waits, on top.
pub fn list(app: &App) -> &thinkbaby::tui::overlay::Conflicts {
    match app.overlays.iter().rev().find(|o| matches!(o, Overlay::Conflicts(_))) {
        Some(Overlay::Conflicts(c)) => c,
        _ => panic!("the room of what waits is not open"),
    }
}

/// Highlights the item whose title holds `text` by moving down the list, then opens it.
pub fn open_item(app: &mut App, text: &str) {
    ch(app, 'g');
    for _ in 0..list(app).items.len() {
        let c = list(app);
        if c.items[c.cursor.selected].title.contains(text) {
            enter(app);
            return;
        }
        ch(app, 'j');
    }
    panic!("nothing waiting says {text:?}:\n{}", screen(app));
}

/// The line of the screen that holds `text`.
fn line_with<'a>(s: &'a str, text: &str) -> &'a str {
    s.lines().find(|l| l.contains(text)).unwrap_or_else(|| panic!("no line holds {text:?}:\n{s}"))
}

/// Zoë's phone changed on both laptops, and her postcode on B (B's version has
/// more history, so every laptop shows B's until someone decides).
fn zoe_edited_on_both(l: &Laptops) {
    edit(&l.a(), "Zoë Clarke", l.now(), |f| f.carers[0].phone = "07700 900998".into());
    let b = l.b();
    edit(&b, "Zoë Clarke", l.now(), |f| f.carers[0].phone = "07700 900999".into());
    edit(&b, "Zoë Clarke", l.now(), |f| f.postcode = "LU3 9ZZ".into());
    drop(b);
    l.b_to_a();
}

#[test]
fn the_header_counts_what_waits_and_a_family_is_decided_part_by_part() {
    let l = Laptops::new();
    zoe_edited_on_both(&l);
    let mut app = l.fx.app();
    let s = screen(&mut app);
    assert!(counts(&s).contains(" · 1 to decide (d)"), "the count, with its key:\n{s}");

    ch(&mut app, 'd');
    let s = screen(&mut app);
    assert!(s.contains("To decide · 1"), "{s}");
    assert!(s.contains("≠ Zoë Clarke with Ava (6m): details edited on two laptops"), "{s}");
    assert!(s.contains("different: carer's phone, postcode · shown: laptop "), "{s}");

    enter(&mut app);
    let s = screen(&mut app);
    assert!(s.contains(" Shown now: from laptop ") && s.contains(" Other: from this laptop, 19/11/2026 10:05"), "{s}");
    line_with(&s, "▶ Carer's phone");
    assert!(line_with(&s, "Zoë Clarke: 07700 900999").contains("● shown now"), "{s}");
    assert!(line_with(&s, "Zoë Clarke: 07700 900998").contains("○ other"), "{s}");
    assert!(line_with(&s, "LU3 9ZZ").contains("● shown now"), "{s}");
    assert!(line_with(&s, "LU3 1HB").contains("○ other"), "{s}");
    assert_eq!(s.lines().last().unwrap(), " →/Space other value  Ctrl-S save decision  Esc back");

    // This laptop's phone, the other laptop's postcode.
    ch(&mut app, ' ');
    ch(&mut app, 'j');
    let s = screen(&mut app);
    assert!(line_with(&s, "07700 900998").contains("● other"), "{s}");
    line_with(&s, "▶ Postcode");
    ctrl(&mut app, 's');
    let s = screen(&mut app);
    assert_eq!(status(&s), " ✓ Saved 10:05: Zoë Clarke's details as you chose them", "{s}");
    assert!(s.contains("Nothing waits for a person"), "the list read again:\n{s}");
    assert!(!counts(&s).contains("to decide"), "the count gone:\n{s}");
    esc(&mut app);
    drop(app);

    // On disk: the values chosen, one version, nothing waiting.
    let store = l.a();
    let zoe = family_named(&store, "Zoë Clarke");
    assert_eq!((zoe.carers[0].phone.as_str(), zoe.postcode.as_str()), ("07700 900998", "LU3 9ZZ"));
    assert_eq!(store.family_versions(zoe.id).unwrap().unwrap().versions.len(), 1);
    assert!(store.pending().unwrap().is_empty());
    // And the decision travels: B shows it too once it has A's bundle.
    drop(store);
    l.a_to_b();
    let b = l.b();
    assert_eq!(family_named(&b, "Zoë Clarke").carers[0].phone, "07700 900998");
    assert!(b.pending().unwrap().is_empty());
}

#[test]
fn a_decision_not_saved_says_so_and_keeps_the_choices() {
    let l = Laptops::new();
    zoe_edited_on_both(&l);
    let mut app = l.fx.app();
    ch(&mut app, 'd');
    enter(&mut app);
    ch(&mut app, ' ');
    // Esc with a value marked asks first.
    esc(&mut app);
    assert!(screen(&mut app).contains("Back to the list? The values you marked are not saved"));
    ch(&mut app, 'n');
    // Meanwhile another of B's edits arrives (as the hub would bring it):
    // what the person compared is no longer what the store holds.
    edit(&l.b(), "Zoë Clarke", l.now(), |f| f.postcode = "LU1 1AA".into());
    app.store.merge(records(&l.b())).unwrap();
    ctrl(&mut app, 's');
    let s = screen(&mut app);
    assert!(status(&s).starts_with(" ✗ Not saved: this family changed since the screen was opened"), "{s}");
    assert!(s.contains("Your choices are still here"), "said in the room too:\n{s}");
    assert!(matches!(app.overlay(), Some(Overlay::Decide(_))), "the room stays");
    assert!(line_with(&s, "07700 900998").contains("● other"), "the mark stays:\n{s}");
    // Back on the list, it opens with what the store holds now.
    esc(&mut app);
    ch(&mut app, 'y');
    assert!(matches!(app.overlay(), Some(Overlay::Conflicts(_))));
    enter(&mut app);
    let s = screen(&mut app);
    assert!(line_with(&s, "LU1 1AA").contains("● shown now"), "{s}");
    assert!(line_with(&s, "Zoë Clarke: 07700 900998").contains("○ other"), "{s}");
    assert_eq!(app.pending.len(), 1, "still waiting");
    drop(app);
    assert_eq!(l.a().pending().unwrap().len(), 1);
}

/// A note by A about Łucja, edited on both laptops: on A without a concern,
/// on B raised to safeguarding.
fn a_note_edited_on_both(l: &Laptops) -> Uuid {
    let t = l.now() - Duration::minutes(30);
    let id = {
        let a = l.a();
        let f = family_named(&a, "Łucja Nowak");
        let s = a.open_session(group(&a).id, today(), "AB", t).unwrap();
        let rev = Revision {
            id: new_id(t),
            parents: vec![],
            tags: vec![],
            text: "Seems low".into(),
            concern: Concern::None,
            follow_up: String::new(),
            baby: None,
            by: "AB".into(),
            at: t,
            why: String::new(),
        };
        let o = Observation::new(new_id(t), f.id, s.id, rev, a.device());
        a.save_observation(&o).unwrap();
        o.id
    };
    l.a_to_b();
    for (store, text, concern) in
        [(l.a(), "Seems better today", Concern::None), (l.b(), "Seems very low", Concern::Safeguarding)]
    {
        let f = family_named(&store, "Łucja Nowak");
        let mut o = notes_of(&store, &f).into_iter().find(|o| o.id == id).unwrap();
        let at = t + Duration::minutes(9);
        let rev = Revision { id: new_id(at), text: text.into(), concern, at, ..o.current().clone() };
        o.revise(rev, store.device());
        store.save_observation(&o).unwrap();
    }
    l.b_to_a();
    id
}

#[test]
fn a_note_edited_on_two_laptops_shows_the_higher_concern_until_one_version_is_kept() {
    let l = Laptops::new();
    let id = a_note_edited_on_both(&l);
    let mut app = l.fx.app();
    highlight(&mut app, "Łucja Nowak");
    ch(&mut app, '3');
    let s = screen(&mut app);
    assert!(s.contains("! SAFEGUARDING"), "the higher concern shown:\n{s}");
    assert!(s.contains("Edited on two laptops: d decides which version stays"), "{s}");
    assert!(counts(&s).contains("1 to decide (d)"), "{s}");

    ch(&mut app, 'd');
    let s = screen(&mut app);
    assert!(s.contains("A note about Łucja Nowak (19/11/2026): edited on two laptops"), "{s}");
    assert!(s.contains("concerns None and Safeguarding · Safeguarding shown meanwhile"), "{s}");
    open_item(&mut app, "Łucja");
    let s = screen(&mut app);
    assert!(s.contains("Seems better today") && s.contains("Seems very low"), "both versions:\n{s}");
    assert!(s.contains("written by AB on 19/11/2026 09:44"), "{s}");
    // Keep the one without a concern, wherever it is in the list.
    if !line_with(&s, "Concern: None").contains('●') {
        ch(&mut app, ' ');
    }
    let s = screen(&mut app);
    assert!(line_with(&s, "Concern: None").contains('●'), "{s}");
    ctrl(&mut app, 's');
    let s = screen(&mut app);
    assert_eq!(status(&s), " ✓ Saved 10:05: the note about Łucja Nowak keeps the version chosen", "{s}");
    esc(&mut app);
    let s = screen(&mut app);
    assert!(!s.contains("SAFEGUARDING") && !s.contains("Edited on two laptops"), "{s}");
    assert!(!counts(&s).contains("to decide"), "{s}");
    drop(app);

    let store = l.a();
    let o = notes_of(&store, &family_named(&store, "Łucja Nowak")).into_iter().find(|o| o.id == id).unwrap();
    assert!(!o.is_conflicted(), "one latest version");
    assert_eq!((o.current().text.as_str(), o.concern()), ("Seems better today", Concern::None));
    assert_eq!(o.revisions.len(), 4, "every version kept, and the one kept written again over both");
    assert_eq!(o.current().by, INITIALS);
    assert!(store.pending().unwrap().is_empty());
}

#[test]
fn a_group_edited_on_two_laptops_is_decided_part_by_part() {
    let l = Laptops::new();
    for (store, venue) in [(l.a(), "Blenheim Crescent Church Hall"), (l.b(), "The Gallery, The Mall")] {
        let mut g = group(&store);
        g.venue = venue.into();
        g.stamp.touch(l.now(), store.device());
        store.save_group(&g).unwrap();
    }
    l.b_to_a();
    let shown = group(&l.a()).venue;
    let mut app = l.fx.app();
    ch(&mut app, 'd');
    let s = screen(&mut app);
    assert!(s.contains("≠ Group Central: edited on two laptops"), "{s}");
    assert!(s.contains("different: venue · shown: "), "{s}");
    enter(&mut app);
    ch(&mut app, ' ');
    ctrl(&mut app, 's');
    let s = screen(&mut app);
    assert_eq!(status(&s), " ✓ Saved 10:05: group Central as you chose it", "{s}");
    esc(&mut app);
    let other =
        if shown == "The Gallery, The Mall" { "Blenheim Crescent Church Hall" } else { "The Gallery, The Mall" };
    assert!(screen(&mut app).lines().next().unwrap().contains(&format!("Central · {}", &other[..10])), "the header");
    drop(app);
    let store = l.a();
    assert_eq!(group(&store).venue, other);
    assert!(store.pending().unwrap().is_empty());
}
