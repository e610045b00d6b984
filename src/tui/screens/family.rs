//! Family (4): details, alerts and consents, attendance by week, and the
//! timeline of every attendance and observation, newest first.

use super::notes::concern_mark;
use crate::domain::{Family, age};
use crate::text::{clean, fit};
use crate::tui::app::App;
use crate::tui::history::History;
use crate::tui::rows::Rows;
use chrono::{Datelike, Duration, NaiveDate};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::collections::HashSet;

/// Weeks shown in the attendance chart (about six months).
pub const WEEKS: i64 = 26;

fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(d.weekday().num_days_from_monday() as i64)
}

/// One cell a week, oldest first: `█` attended, `·` not; and a line of month
/// names, each under the first week of its month when there is room for it.
pub fn week_chart(dates: &HashSet<NaiveDate>, today: NaiveDate) -> (String, String) {
    let this = monday(today);
    let mut bars = String::new();
    let mut months: Vec<char> = vec![' '; WEEKS as usize];
    let mut free = 0usize;
    let mut last_month = 0;
    for (col, i) in (0..WEEKS).rev().enumerate() {
        let start = this - Duration::weeks(i);
        let hit = (0..7).any(|d| dates.contains(&(start + Duration::days(d))));
        bars.push(if hit { '█' } else { '·' });
        if start.month() != last_month {
            last_month = start.month();
            let label: Vec<char> = start.format("%b").to_string().chars().collect();
            if col >= free && col + label.len() <= months.len() {
                months[col..col + label.len()].copy_from_slice(&label);
                free = col + label.len() + 1;
            }
        }
    }
    (bars, months.into_iter().collect::<String>().trim_end().to_string())
}

fn details(app: &App, f: &Family, w: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let today = app.today();
    let mut l = vec![Line::styled(fit(&format!(" {}", f.carer_names()), w), t.title())];
    if let Some(e) = &f.erased {
        let when = app.clock.local(e.at).format("%d/%m/%Y");
        l.push(Line::styled(clean(&format!("   Personal data erased {when} by {}: {}", e.by, e.why)), t.dim()));
    }
    // An open concern is the first thing to see, not a line in the history.
    for words in app.open_concerns(f.id).iter().filter_map(crate::tui::concerns::words) {
        l.push(Line::styled(format!("   ! {words}"), t.alert()));
    }
    for c in &f.carers {
        let rel = if c.relationship.is_empty() { String::new() } else { format!(" ({})", c.relationship) };
        l.push(Line::raw(clean(&format!("   {}{rel}  {}", c.name, c.phone))));
    }
    for b in &f.babies {
        let a = age::age_on(b.dob, b.due, today).sentence();
        let due = b.due.map(|d| format!(", due {}", d.format("%d/%m/%Y"))).unwrap_or_default();
        if f.is_erased() {
            l.push(Line::raw(format!("   baby {}", crate::domain::family::ERASED)));
            continue;
        }
        l.push(Line::raw(clean(&format!("   baby {}  {a}  born {}{due}", b.name, b.dob.format("%d/%m/%Y")))));
    }
    let lang = if f.home_language.is_empty() { "-".to_string() } else { f.home_language.clone() };
    let interp = if f.interpreter { " (interpreter needed)" } else { "" };
    l.push(Line::raw(fit(
        &format!("   {}  ·  language {lang}{interp}", if f.postcode.is_empty() { "no postcode" } else { &f.postcode }),
        w,
    )));
    let need = f.need_level.map(|n| format!("level {n}")).unwrap_or("level -".into());
    let referred = f.referral.date.map(|d| format!(" on {}", d.format("%d/%m/%Y"))).unwrap_or_default();
    l.push(Line::raw(fit(
        &format!(
            "   referred by {}{referred} · {} · need {need}{}",
            f.referral.route,
            f.hv_level,
            if f.eha { " · EHA in place" } else { "" }
        ),
        w,
    )));
    l.push(Line::raw(fit(
        &format!("   consent: photos {} · data sharing {}", f.photos.answer, f.data_sharing.answer),
        w,
    )));
    for a in &f.alerts {
        l.push(Line::styled(clean(&format!("   ! {}: {}", a.kind, crate::text::one_line(&a.text))), t.alert()));
    }
    l
}

/// Draws the screen; returns how far it can scroll (its last page).
pub fn draw(app: &App, frame: &mut Frame, area: Rect) -> u16 {
    let w = area.width as usize;
    let Some(f) = app.focus.and_then(|id| app.families.get(&id)) else {
        frame.render_widget(Rows::new(vec![Line::raw(" Choose a family on the roster (1) first.")]), area);
        return 0;
    };
    let t = &app.theme;
    let mut lines = details(app, &f, w);
    let empty = History::empty(f.id);
    let history = app.history_of(f.id).unwrap_or(&empty);
    let (attendance, notes) = (&history.visits, &history.notes);
    let mut entries: Vec<(chrono::DateTime<chrono::Utc>, Line)> = Vec::new();
    let mut dates = HashSet::new();
    for (a, session) in attendance {
        let group = session
            .as_ref()
            .and_then(|s| app.groups.iter().find(|g| g.id == s.group))
            .map(|g| g.name.clone())
            .unwrap_or_default();
        if let Some(s) = &session {
            dates.insert(s.date);
        }
        let when = app.clock.local(a.checked_in);
        let out = a.checked_out.map(|o| format!("-{}", app.clock.local(o).format("%H:%M"))).unwrap_or_default();
        let walk = if a.walk_in { " walk-in" } else { "" };
        let text =
            format!("   {}  attended {} {}{out}{walk}", when.format("%d/%m/%Y"), clean(&group), when.format("%H:%M"));
        entries.push((a.checked_in, Line::raw(fit(&text, w))));
    }
    for o in notes {
        let r = o.current();
        let tags: Vec<&str> = r.tags.iter().map(|id| app.tags.label(id)).collect();
        let first_line = r.text.lines().next().unwrap_or("");
        let mark = concern_mark(r.concern);
        let text = format!(
            "   {}  note by {}: {}{}{}",
            app.clock.local(o.at).format("%d/%m/%Y"),
            o.author,
            if tags.is_empty() { String::new() } else { format!("[{}] ", tags.join(", ")) },
            first_line,
            if mark.is_empty() { String::new() } else { format!("  {mark}") }
        );
        let style = if mark.is_empty() { ratatui::style::Style::new() } else { t.alert() };
        entries.push((o.at, Line::styled(fit(&text, w), style)));
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    let (bars, months) = week_chart(&dates, app.today());
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(format!(" Attendance, last {WEEKS} weeks: "), t.title()),
        Span::raw(format!("{} of {WEEKS} weeks", bars.chars().filter(|c| *c == '█').count())),
    ]));
    lines.push(Line::styled(format!("   {bars}"), t.here()));
    lines.push(Line::styled(format!("   {months}"), t.dim()));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            " History ({}, {}), newest first",
            crate::text::plural(attendance.len(), "visit", "visits"),
            crate::text::plural(notes.len(), "note", "notes")
        ),
        t.title(),
    ));
    if entries.is_empty() {
        lines.push(Line::raw("   Nothing yet."));
    }
    lines.extend(entries.into_iter().map(|(_, l)| l));
    // The audit trail: who changed what, newest first.
    let audit = &history.audit;
    lines.push(Line::raw(""));
    lines.push(Line::styled(format!(" Changes ({}), newest first", audit.len()), t.title()));
    for (e, words) in audit.iter().rev() {
        let when = app.clock.local(e.at).format("%d/%m/%Y %H:%M");
        lines.push(Line::styled(clean(&format!("   {when}  {:<4} {words}", e.by)), t.dim()));
    }
    let rows = Rows::wrapped(lines, w);
    // Scroll no further than the last page.
    let last = (rows.height() as u16).saturating_sub(area.height);
    frame.render_widget(rows.scroll(app.family.scroll.min(last) as usize), area);
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_marks_weeks_attended_and_names_months_without_overlap() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 19).unwrap();
        let dates: HashSet<NaiveDate> =
            [NaiveDate::from_ymd_opt(2026, 11, 19).unwrap(), NaiveDate::from_ymd_opt(2026, 11, 5).unwrap()]
                .into_iter()
                .collect();
        let (bars, months) = week_chart(&dates, today);
        assert_eq!(bars.chars().count(), WEEKS as usize);
        assert!(bars.ends_with("█·█"), "{bars}");
        assert_eq!(bars.chars().filter(|c| *c == '█').count(), 2);
        // Every label is a whole month name, separated by at least one space.
        for word in months.split_whitespace() {
            assert_eq!(word.chars().count(), 3, "{months}");
        }
        assert!(months.contains("Nov"));
    }
}
