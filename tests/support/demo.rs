//! The demo store (`thinkbaby --demo`'s families) with the clock fixed at
//! Thursday 19 November 2026: Central meets on the clock's weekday. The
//! demo's ids are random, and no screen shows one.

use super::*;
use chrono::Duration;
use std::rc::Rc;
use thinkbaby::clock::FixedClock;
use thinkbaby::store::Store;
use thinkbaby::tui::Options;
use thinkbaby::tui::app::App;
use thinkbaby::tui::theme::Theme;

pub struct Demo {
    pub app: App,
    pub clock: Rc<FixedClock>,
    _dir: tempfile::TempDir,
}

/// The demo store, its picker on the screen.
pub fn picker() -> Demo {
    let dir = tempdir();
    let clock = clock();
    let store: Store = thinkbaby::cli::demo::build(dir.path(), &*clock).unwrap();
    let options = Options { demo: true, ..options() };
    let app = App::new(store, clock.clone(), options, Theme { color: true }).unwrap();
    Demo { app, clock, _dir: dir }
}

/// Central opened from the picker, the facilitator signed in.
pub fn opened() -> Demo {
    let mut d = picker();
    enter(&mut d.app);
    sign_in(&mut d.app);
    d
}

fn check_in(d: &mut Demo, query: &str, minutes_later: i64) {
    d.clock.advance(Duration::minutes(minutes_later));
    ch(&mut d.app, '2');
    typ(&mut d.app, query);
    enter(&mut d.app);
    esc(&mut d.app);
}

/// An hour into the session: five families in (one a walk-in), one gone
/// home, and a note written today.
pub fn session() -> Demo {
    let mut d = opened();
    check_in(&mut d, "ayesha", 0);
    check_in(&mut d, "ioana", 3);
    check_in(&mut d, "李娜", 4);
    check_in(&mut d, "tomasz", 3);
    d.clock.advance(Duration::minutes(5));
    ch(&mut d.app, 'w');
    typ(&mut d.app, "Grace Okafor");
    enter(&mut d.app);
    typ(&mut d.app, "Tobi");
    enter(&mut d.app);
    typ(&mut d.app, "01/08/2026");
    ctrl(&mut d.app, 's');
    d.clock.advance(Duration::minutes(50));
    highlight(&mut d.app, "李娜");
    ch(&mut d.app, 'x');
    d.clock.advance(Duration::minutes(2));
    highlight(&mut d.app, "Ayesha Khan");
    ch(&mut d.app, 'n');
    typ(&mut d.app, "Zainab reached for the mirror and Ayesha named what she saw; long shared gaze.");
    tab(&mut d.app);
    ch(&mut d.app, 'g');
    ch(&mut d.app, 'h');
    ctrl(&mut d.app, 's');
    ch(&mut d.app, 'g');
    d
}
