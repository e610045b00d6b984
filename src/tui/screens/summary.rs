//! Summary (5) of the open session, from `report::summary::session_summary`.

use crate::report::render::bar_of;
use crate::report::summary::SessionSummary;
use crate::text::{fit, pad};
use crate::tui::app::App;
use crate::tui::rows::Rows;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

fn breakdown<'a>(app: &App, title: &str, rows: &[(String, usize)], w: usize) -> Vec<Line<'a>> {
    let mut out = vec![Line::styled(format!(" {title}"), app.theme.title())];
    if rows.is_empty() {
        out.push(Line::styled("   none", app.theme.dim()));
    }
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0);
    let label_w = 20.min(w.saturating_sub(10));
    for (label, n) in rows {
        // Room for "   label nnn " and a gap before the next column.
        let b = bar_of(*n, max, w.saturating_sub(label_w + 11).min(16));
        out.push(Line::raw(fit(&format!("   {} {n:>3} {b}", pad(label, label_w)), w)));
    }
    out
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let Some(s) = &app.summary else {
        let none = " Nobody has been checked in today yet, so there is nothing to sum up.";
        frame.render_widget(Rows::new(vec![Line::raw(none)]), area);
        return;
    };
    let w = area.width as usize;
    let [top, middle, chart] =
        Layout::vertical([Constraint::Length(4), Constraint::Min(3), Constraint::Length(4)]).areas(area);
    let head = vec![
        Line::from(vec![
            Span::styled(" Came today: ", t.title()),
            Span::raw(format!("{} families, {} adults, {} babies", s.families, s.adults, s.babies)),
        ]),
        Line::raw(fit(
            &format!(
                "   first visits {} · walk-ins {} · expected {} of {} came · referred {}",
                s.first_visits, s.walk_ins, s.expected_present, s.expected, s.referred_present
            ),
            w,
        )),
        Line::from(vec![
            Span::raw("   concerns: "),
            Span::styled(
                format!("{} safeguarding", s.safeguarding),
                if s.safeguarding > 0 { t.alert() } else { t.dim() },
            ),
            Span::raw(format!(", {} to follow up", s.follow_ups)),
        ]),
    ];
    frame.render_widget(Rows::new(head), top);
    let [left, right] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(middle);
    let lw = left.width as usize;
    let mut l = breakdown(app, "Referral routes", &s.referral_routes, lw);
    l.extend(breakdown(app, "Health visiting", &s.hv_levels, lw));
    frame.render_widget(Rows::new(l), left);
    let rw = right.width as usize;
    let mut r = breakdown(app, "Neighbourhoods", &s.neighbourhoods, rw);
    r.extend(breakdown(app, "Signposting and staff actions", &s.signposting, rw));
    frame.render_widget(Rows::new(r), right);
    frame.render_widget(Rows::new(weekly(app, s, w)), chart);
}

/// The group's families per week over 26 weeks, as a column chart in eighths.
fn weekly<'a>(app: &App, s: &SessionSummary, w: usize) -> Vec<Line<'a>> {
    let max = s.weekly.iter().map(|x| x.1).max().unwrap_or(0);
    let cells: String = s
        .weekly
        .iter()
        .map(|(_, n)| {
            if max == 0 || *n == 0 {
                '·'
            } else {
                ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'][(n * 8).div_ceil(max).clamp(1, 8) - 1]
            }
        })
        .collect();
    let first = s.weekly.first().map(|x| x.0.format("%-d %b").to_string()).unwrap_or_default();
    let last = s.weekly.last().map(|x| x.0.format("%-d %b").to_string()).unwrap_or_default();
    vec![
        Line::styled(
            format!(" Families a week at this group, last {} weeks (most: {max})", s.weekly.len()),
            app.theme.title(),
        ),
        Line::styled(fit(&format!("   {cells}"), w), app.theme.here()),
        Line::styled(
            fit(&format!("   {first:<w2$}{last}", w2 = s.weekly.len().saturating_sub(last.len()).max(1)), w),
            app.theme.dim(),
        ),
    ]
}
