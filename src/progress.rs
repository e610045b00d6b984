//! Progress on stderr for work that can take more than a second (a rebuild,
//! an import, a bundle), drawn only when stderr is a terminal, so scripts and
//! tests see nothing of it.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

pub struct Progress(ProgressBar);

impl Progress {
    /// A bar for `total` steps, named by `what` ("rebuilding the store").
    pub fn new(what: &str, total: u64) -> Progress {
        let target =
            if std::io::stderr().is_terminal() { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        let bar = ProgressBar::with_draw_target(Some(total), target);
        let style = ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_message(what.to_string());
        Progress(bar)
    }

    pub fn step(&self, n: u64) {
        self.0.inc(n);
    }

    /// Clears the bar; what was done is said by the caller.
    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
