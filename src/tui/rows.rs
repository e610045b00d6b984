//! Text drawn as a terminal will show it. ratatui places each grapheme cluster
//! at `unicode-width`'s width, which gives a Bengali vowel sign no column where
//! a terminal gives it one; the rest of the row then lands on the name
//! (`সাদিয়া 5m` drawn as `সাদয়া5m`). `Rows` places every cluster at
//! `text::cluster_width`, and writes each word that holds a cluster of several
//! characters (Bengali, Devanagari, an accent typed apart, an emoji sequence)
//! whole, in one cell as wide as the word: the terminal gets the word in one
//! piece and shapes it itself.

use crate::text::cluster_width;
use ratatui::buffer::{Buffer, CellDiffOption, CellWidth};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use std::num::NonZeroU16;
use unicode_segmentation::UnicodeSegmentation;

/// Lines of text, one row each, or word-wrapped to a width.
#[derive(Debug, Clone, Default)]
pub struct Rows<'a> {
    lines: Vec<Line<'a>>,
    scroll: usize,
    style: Style,
}

impl<'a> Rows<'a> {
    /// One row per line; what does not fit the width is left out.
    pub fn new(lines: Vec<Line<'a>>) -> Rows<'a> {
        Rows { lines, scroll: 0, style: Style::new() }
    }

    /// Each line wrapped at spaces to `width` columns (a word wider than that
    /// is broken between clusters). Leading spaces, an indent, are kept.
    pub fn wrapped(lines: Vec<Line<'a>>, width: usize) -> Rows<'static> {
        let mut out = Vec::with_capacity(lines.len());
        for line in &lines {
            wrap(line, width.max(1), 0, &mut out);
        }
        Rows::new(out)
    }

    /// As `wrapped`, each line's later rows starting under its text (past
    /// its leading spaces and a "• "), as a list in a document does.
    pub fn wrapped_hanging(lines: Vec<Line<'a>>, width: usize) -> Rows<'static> {
        let mut out = Vec::with_capacity(lines.len());
        for line in &lines {
            wrap(line, width.max(1), hanging_indent(line).min(width / 2), &mut out);
        }
        Rows::new(out)
    }

    /// The rows, to be drawn with others.
    pub fn lines(self) -> Vec<Line<'a>> {
        self.lines
    }

    /// Rows in all (after wrapping).
    pub fn height(&self) -> usize {
        self.lines.len()
    }

    /// Starts `rows` rows down.
    pub fn scroll(mut self, rows: usize) -> Rows<'a> {
        self.scroll = rows;
        self
    }

    /// The style under every row (a header's background).
    pub fn style(mut self, style: Style) -> Rows<'a> {
        self.style = style;
        self
    }
}

impl Widget for Rows<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if self.style != Style::new() {
            buf.set_style(area, self.style);
        }
        for (i, line) in self.lines.iter().skip(self.scroll).take(area.height as usize).enumerate() {
            put_line(buf, area.x, area.y + i as u16, area.width, line);
        }
    }
}

/// A span's text in pieces: words (no spaces) and single spaces.
fn pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, g) in text.grapheme_indices(true) {
        let space = g.chars().all(char::is_whitespace);
        match (space, start) {
            (true, Some(s)) => {
                out.push(&text[s..i]);
                out.push(g);
                start = None;
            }
            (true, None) => out.push(g),
            (false, None) => start = Some(i),
            (false, Some(_)) => {}
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// Writes `line` at (x, y), at most `width` columns, its style over the whole
/// row (a highlight); returns the columns its text used.
pub fn put_line(buf: &mut Buffer, x: u16, y: u16, width: u16, line: &Line) -> u16 {
    let end = x.saturating_add(width);
    if line.style != Style::new() {
        buf.set_style(Rect { x, y, width, height: 1 }.intersection(buf.area), line.style);
    }
    let mut col = x;
    for span in &line.spans {
        let style = span.style;
        // Characters that each stand alone (most of a screen) are a cell
        // each, with no more to work out.
        if span.content.chars().all(crate::text::alone) {
            for (i, c) in span.content.char_indices() {
                let w = crate::text::alone_width(c);
                if w == 0 {
                    continue;
                }
                if col as usize + w > end as usize {
                    return col - x;
                }
                put_natural(buf, col, y, &span.content[i..i + c.len_utf8()], w as u16, style);
                col += w as u16;
            }
            continue;
        }
        // A control character never reaches a cell: it shows as a placeholder.
        let unsafe_text = span.content.chars().any(crate::text::is_unsafe);
        let cleaned = if unsafe_text { crate::text::clean(&span.content) } else { String::new() };
        let content: &str = if unsafe_text { &cleaned } else { &span.content };
        for piece in pieces(content) {
            let clusters: Vec<(&str, usize)> = piece.graphemes(true).map(|g| (g, cluster_width(g))).collect();
            // A word a terminal must get in one piece: a cluster of several
            // characters, or one that ratatui would measure otherwise.
            let whole = clusters
                .iter()
                .any(|(g, w)| g.len() > 1 && (g.chars().nth(1).is_some() || *w != g.cell_width() as usize));
            let room = end.saturating_sub(col) as usize;
            if whole {
                // As much of the word as fits, cut between clusters.
                let (mut bytes, mut used) = (0, 0);
                for (g, w) in &clusters {
                    if used + w > room {
                        break;
                    }
                    (bytes, used) = (bytes + g.len(), used + w);
                }
                if used > 0 {
                    put(buf, col, y, &piece[..bytes], used as u16, style);
                    col += used as u16;
                }
                if bytes < piece.len() {
                    return col - x;
                }
                continue;
            }
            for (g, w) in clusters {
                if w == 0 {
                    continue;
                }
                if col as usize + w > end as usize {
                    return col - x;
                }
                put(buf, col, y, g, w as u16, style);
                col += w as u16;
            }
        }
    }
    col - x
}

/// The longest run of `text`'s clusters that fits `room` columns, and its width.
fn cut(text: &str, room: usize) -> (&str, usize) {
    let mut used = 0;
    let mut bytes = 0;
    for g in text.graphemes(true) {
        let w = cluster_width(g);
        if used + w > room {
            break;
        }
        used += w;
        bytes += g.len();
    }
    (&text[..bytes], used)
}

/// One cell holding `text`, `w` columns wide; the cells it covers are left empty.
fn put(buf: &mut Buffer, x: u16, y: u16, text: &str, w: u16, style: Style) {
    let forced = NonZeroU16::new(w).filter(|_| w != text.cell_width());
    put_cell(buf, x, y, text, w, style, forced.map_or(CellDiffOption::None, CellDiffOption::ForcedWidth));
}

/// `put` for text as wide as ratatui measures it (a character that stands alone).
fn put_natural(buf: &mut Buffer, x: u16, y: u16, text: &str, w: u16, style: Style) {
    put_cell(buf, x, y, text, w, style, CellDiffOption::None);
}

fn put_cell(buf: &mut Buffer, x: u16, y: u16, text: &str, w: u16, style: Style, diff: CellDiffOption) {
    let a = buf.area;
    // A whole cell inside the buffer is written in place (most of a frame's cells).
    if y >= a.top() && y < a.bottom() && x >= a.left() && x.saturating_add(w) <= a.right() {
        let i = buf.index_of(x, y);
        if let Some((cell, covered)) = buf.content[i..i + usize::from(w.max(1))].split_first_mut() {
            cell.set_symbol(text).set_style(style).set_diff_option(diff);
            for c in covered {
                c.set_symbol("").set_style(style).set_diff_option(CellDiffOption::None);
            }
        }
        return;
    }
    let Some(cell) = buf.cell_mut((x, y)) else { return };
    cell.set_symbol(text).set_style(style);
    cell.set_diff_option(diff);
    for dx in 1..w {
        if let Some(covered) = buf.cell_mut((x + dx, y)) {
            covered.set_symbol("").set_style(style);
            covered.set_diff_option(CellDiffOption::None);
        }
    }
}

/// Where a line's text starts: past its leading spaces and a mark before
/// the words ("• ", "✓ ", "✗ ", "+ ": one symbol and a space).
fn hanging_indent(line: &Line) -> usize {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let rest = text.trim_start_matches(' ');
    let mut chars = rest.chars();
    let mark = match (chars.next(), chars.next()) {
        (Some(c), Some(' ')) if !c.is_alphanumeric() => crate::text::width(&c.to_string()) + 1,
        _ => 0,
    };
    text.len() - rest.len() + mark
}

/// Appends `line` wrapped to `width` columns to `out`, rows after the first
/// starting `indent` columns in.
fn wrap(line: &Line, width: usize, indent: usize, out: &mut Vec<Line<'static>>) {
    let mut row: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    // Where text starts on the current row (past the indent of a broken one).
    let mut start = 0;
    // Whether a row was broken: a space at the start of the next one is dropped.
    let mut broken = false;
    // Ends the row; the next starts with the indent.
    let mut flush = |row: &mut Vec<Span<'static>>| {
        // No space left hanging at the end of a broken row.
        while row.last().is_some_and(|s| s.content.chars().all(char::is_whitespace)) && row.len() > 1 {
            row.pop();
        }
        out.push(Line::from(std::mem::take(row)).style(line.style));
        if indent > 0 {
            row.push(Span::raw(" ".repeat(indent)));
        }
    };
    for span in &line.spans {
        for piece in pieces(&span.content) {
            let space = piece.chars().all(char::is_whitespace);
            if space && broken && used == start {
                continue;
            }
            let mut rest = piece;
            while !rest.is_empty() {
                let w = crate::text::width(rest);
                if used + w <= width {
                    row.push(Span::styled(rest.to_string(), span.style));
                    used += w;
                    break;
                }
                if space {
                    break;
                }
                if used > start {
                    flush(&mut row);
                    (used, start, broken) = (indent, indent, true);
                    continue;
                }
                // A word wider than a row: as much as fits, then on.
                let (head, hw) = cut(rest, width - used);
                let head = if hw == 0 { rest.graphemes(true).next().unwrap_or(rest) } else { head };
                row.push(Span::styled(head.to_string(), span.style));
                flush(&mut row);
                (used, start, broken) = (indent, indent, true);
                rest = &rest[head.len()..];
            }
        }
    }
    // A broken row holds its indent before anything else.
    if row.len() > usize::from(broken && indent > 0) || !broken {
        flush(&mut row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_bullet_hangs_under_its_text() {
        let line = Line::raw("  • Or press g to add your group, open it");
        let rows: Vec<String> = Rows::wrapped_hanging(vec![line], 20).lines().iter().map(|l| l.to_string()).collect();
        assert_eq!(rows, ["  • Or press g to", "    add your group,", "    open it"]);
        // A word longer than the room left is cut, and goes on under the text.
        let line = Line::raw(" Data in /home/facilitator/thinkbaby-data");
        let rows: Vec<String> = Rows::wrapped_hanging(vec![line], 16).lines().iter().map(|l| l.to_string()).collect();
        assert_eq!(rows, [" Data in", " /home/facilitat", " or/thinkbaby-da", " ta"]);
        assert!(rows.iter().all(|r| crate::text::width(r) <= 16), "{rows:?}");
    }

    fn text_of(buf: &Buffer, y: u16) -> String {
        (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>()
    }

    #[test]
    fn a_bengali_name_is_one_cell_as_wide_as_the_terminal_draws_it() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 1));
        Rows::new(vec![Line::raw("সাদিয়া 5m")]).render(buf.area, &mut buf);
        assert_eq!(buf[(0, 0)].symbol(), "সাদিয়া");
        assert_eq!(buf[(0, 0)].cell_width(), 6);
        assert!((1..6).all(|x| buf[(x, 0)].symbol().is_empty()));
        assert_eq!(buf[(7, 0)].symbol(), "5", "the age starts after the name's six columns and a space");
        assert_eq!(text_of(&buf, 0).trim_end(), "সাদিয়া 5m");
    }

    #[test]
    fn latin_and_chinese_are_cell_by_cell_and_nothing_passes_the_edge() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 5, 1));
        Rows::new(vec![Line::raw("李娜李娜")]).render(buf.area, &mut buf);
        assert_eq!(text_of(&buf, 0).trim_end(), "李娜", "the second half of each is an empty cell");
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 1));
        Rows::new(vec![Line::raw("সাদিয়া")]).render(buf.area, &mut buf);
        assert_eq!(buf[(0, 0)].symbol(), "সাদি", "cut between clusters, never inside one");
    }

    #[test]
    fn wrapping_keeps_the_indent_and_breaks_at_spaces() {
        let rows = Rows::wrapped(vec![Line::raw("   one two three four")], 12);
        let text: Vec<String> =
            rows.lines.iter().map(|l| l.spans.iter().map(|s| s.content.to_string()).collect()).collect();
        assert_eq!(text, ["   one two", "three four"]);
        let long = Rows::wrapped(vec![Line::raw("abcdefghij")], 4);
        assert_eq!(long.height(), 3);
    }
}
