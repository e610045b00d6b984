//! "Same family?" after two laptops added the same walk-in: both families side
//! by side, joined only after a yes (one family, both attendances), or marked
//! different; and the room of what waits as insta snapshots.

use crate::merged::{Laptops, edit, open_item, walk_in};
use crate::support::*;
use crate::*;
use chrono::Duration;
use thinkbaby::tui::overlay::Overlay;

/// Sana checked in as a walk-in on A today and on B last week; Amira added on
/// both with another phone but the same baby (a name and date of birth alike).
fn walk_ins_on_both(l: &Laptops) -> (uuid::Uuid, uuid::Uuid) {
    let now = l.now();
    let sana_a = walk_in(&l.a(), "Sana Mahmood", "07700 900555", "Aisha", now);
    let sana_b = walk_in(&l.b(), "Sana Mahmood", "+44 7700 900555", "Aisha", now - Duration::days(7));
    walk_in(&l.a(), "Amira Osman", "07700 900601", "Lina", now + Duration::minutes(1));
    walk_in(&l.b(), "Amira Osman", "07700 900602", "Lina", now - Duration::days(7));
    l.b_to_a();
    (sana_a, sana_b)
}

#[test]
fn a_same_family_pair_is_joined_after_a_yes_and_another_marked_different() {
    let l = Laptops::new();
    let (sana_a, sana_b) = walk_ins_on_both(&l);
    let mut app = l.fx.app();
    let s = screen(&mut app);
    assert!(counts(&s).contains("2 to decide (d)"), "{s}");
    ch(&mut app, 'd');
    let s = screen(&mut app);
    assert!(s.contains("? Same family? Sana Mahmood here, and Sana Mahmood from laptop "), "{s}");
    assert!(s.contains("Aisha 01/09/2026 (07700 900555) | Aisha 01/09/2026 (+44 7700 900555)"), "{s}");

    open_item(&mut app, "Sana");
    let s = screen(&mut app);
    for want in ["● keep: Already here", "○ From laptop ", "07700 900555", "+44 7700 900555", "Aisha, born 01/09/2026"]
    {
        assert!(s.contains(want), "{want:?}:\n{s}");
    }
    assert!(s.lines().any(|l| l.contains("Visits") && l.matches("1 session · 0 notes").count() == 2), "{s}");
    assert!(s.lines().any(|l| l.contains("Groups") && l.matches("Central").count() == 2), "{s}");
    assert!(s.lines().any(|l| l.contains("Added") && l.contains("19/11/2026") && l.contains("12/11/2026")), "{s}");
    assert_eq!(s.lines().last().unwrap(), " s same family  d different  Tab keep other  Esc later");

    // Nothing is joined without a yes.
    ch(&mut app, 's');
    let s = screen(&mut app);
    assert!(
        s.contains("Join them as one family? Sana Mahmood (already here) is kept, and the")
            && s.contains("other's 1 attendance moves to it."),
        "{s}"
    );
    ch(&mut app, 'n');
    assert!(matches!(app.overlay(), Some(Overlay::Same(_))), "a no changes nothing");
    ch(&mut app, 's');
    ch(&mut app, 'y');
    let s = screen(&mut app);
    assert_eq!(status(&s), " ✓ Saved 10:05: Sana Mahmood, one family now", "{s}");
    assert!(counts(&s).contains("1 to decide (d)"), "{s}");
    assert!(!s.contains("Same family? Sana"), "the list read again:\n{s}");

    // The other pair: two families.
    open_item(&mut app, "Amira");
    ch(&mut app, 'd');
    let s = screen(&mut app);
    assert_eq!(status(&s), " ✓ Saved 10:05: two different families, not asked again", "{s}");
    assert!(s.contains("Nothing waits for a person"), "{s}");
    esc(&mut app);
    let s = screen(&mut app);
    assert!(!counts(&s).contains("to decide"), "{s}");
    assert_eq!(s.lines().filter(|l| l.contains("Sana Mahmood")).count(), 1, "one Sana on the roster:\n{s}");
    ch(&mut app, '2');
    typ(&mut app, "sana");
    assert_eq!(hits(&screen(&mut app)).len(), 1, "and one in the search");
    drop(app);

    let store = l.a();
    let sanas: Vec<_> = store
        .families()
        .unwrap()
        .into_iter()
        .filter(|f| f.first_carer() == "Sana Mahmood" && f.joined_into.is_none())
        .collect();
    assert_eq!(sanas.len(), 1, "one family");
    assert_eq!(sanas[0].id, sana_a, "the one here, kept");
    assert_eq!(store.attendance_of_family(sana_a).unwrap().len(), 2, "both laptops' attendances");
    assert!(store.attendance_of_family(sana_b).unwrap().is_empty());
    let amiras: Vec<_> = store.families().unwrap().into_iter().filter(|f| f.first_carer() == "Amira Osman").collect();
    assert_eq!(amiras.len(), 2, "two families");
    assert!(amiras[0].not_same_as.contains(&amiras[1].id) && amiras[1].not_same_as.contains(&amiras[0].id));
    assert!(store.pending().unwrap().is_empty());

    // The decisions travel: B, which never had A's Sana, gets her joined
    // with its own, and asks about neither pair.
    drop(store);
    l.a_to_b();
    let b = l.b();
    assert!(b.pending().unwrap().is_empty(), "{:?}", b.pending().unwrap());
    assert_eq!(b.attendance_of_family(sana_a).unwrap().len(), 2);
}

#[test]
fn the_one_kept_can_be_the_other_and_a_join_not_saved_keeps_that_choice() {
    let l = Laptops::new();
    let (sana_a, sana_b) = walk_ins_on_both(&l);
    let mut app = l.fx.app();
    ch(&mut app, 'd');
    open_item(&mut app, "Sana");
    tab(&mut app);
    let s = screen(&mut app);
    assert!(s.contains("○ Already here") && s.contains("● keep: From laptop "), "{s}");
    ch(&mut app, 's');
    assert!(screen(&mut app).contains("Sana Mahmood (from laptop "), "the question names the one kept");
    // Meanwhile the two are joined by another way in: this join cannot be.
    let now = app.clock.now();
    app.store.join_families(sana_a, sana_b, now).unwrap();
    ch(&mut app, 'y');
    let s = screen(&mut app);
    assert_eq!(status(&s), " ✗ Not saved: these families are already one. Your choices are still here.", "{s}");
    assert!(matches!(app.overlay(), Some(Overlay::Same(s)) if s.keep == 1), "the room stays, the choice too");
    assert!(s.contains("● keep: From laptop "), "{s}");
}

/// Each kind of thing that waits, once: a family, a group, a note, a pair.
fn one_of_each(l: &Laptops) {
    walk_ins_on_both(l);
    let a = l.a();
    let b = l.b();
    edit(&a, "محمد", l.now(), |f| f.postcode = "LU1 1AB".into());
    edit(&b, "محمد", l.now(), |f| f.postcode = "LU1 1AC".into());
    edit(&b, "محمد", l.now(), |f| f.home_language = "Arabic (Sudanese)".into());
    for (store, venue) in [(&a, "Blenheim Crescent Church Hall"), (&b, "The Gallery, The Mall")] {
        let mut g = group(store);
        g.venue = venue.into();
        g.stamp.touch(l.now(), store.device());
        store.save_group(&g).unwrap();
    }
    let mut g = group(&b);
    g.end = chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap();
    b.save_group(&g).unwrap();
    drop((a, b));
    l.b_to_a();
}

/// The screen with each laptop's id (random) written as one made-up id, the same width.
fn steady(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find("laptop ") {
        out.push_str(&rest[..at + 7]);
        rest = &rest[at + 7..];
        // Up to 8 digits: fewer where the line was cut short.
        let hex = rest.chars().take_while(|c| c.is_ascii_hexdigit()).count().min(8);
        out.push_str(&"1a2b3c4d"[..hex]);
        rest = &rest[hex..];
    }
    out.push_str(rest);
    out
}

#[test]
fn snapshot_the_room_of_what_waits() {
    let l = Laptops::new();
    one_of_each(&l);
    let mut app = l.fx.app();
    ch(&mut app, 'd');
    insta::assert_snapshot!("conflicts", steady(&screen(&mut app)));
    insta::assert_snapshot!("conflicts_small", steady(&screen_at(&mut app, 60, 16)));
    open_item(&mut app, "محمد");
    insta::assert_snapshot!("decide_family", steady(&screen(&mut app)));
    insta::assert_snapshot!("decide_family_small", steady(&screen_at(&mut app, 60, 16)));
    esc(&mut app);
    open_item(&mut app, "Sana");
    insta::assert_snapshot!("same_family", steady(&screen(&mut app)));
    insta::assert_snapshot!("same_family_small", steady(&screen_at(&mut app, 60, 16)));
}
