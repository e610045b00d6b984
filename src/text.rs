//! Stored text reaches a terminal only through here: a control character or an
//! escape sequence in a name becomes a visible placeholder, never a command to
//! the terminal. Widths are display widths, so Chinese names are cut cleanly.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The placeholder shown for each control character.
pub const PLACEHOLDER: char = '�';

/// Replaces control characters (C0, DEL, C1, and bidi overrides that could
/// reorder a line) with a visible placeholder.
pub fn clean(text: &str) -> String {
    if !text.chars().any(is_unsafe) {
        return text.to_string();
    }
    text.chars().map(|c| if is_unsafe(c) { PLACEHOLDER } else { c }).collect()
}

/// A character a terminal could act on: C0 and C1 controls, DEL, bidi overrides.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Like `clean`, but keeps line breaks (for multi-line notes).
pub fn clean_multiline(text: &str) -> String {
    text.split('\n').map(clean).collect::<Vec<_>>().join("\n")
}

/// Columns as ratatui places them: each grapheme cluster by its own width.
/// (Measuring the whole string at once can differ for Bengali and other
/// scripts, which would push the rest of a row out of line.)
pub fn width(text: &str) -> usize {
    text.graphemes(true).map(|g| g.width()).sum()
}

/// Cuts `text` to at most `max` columns, ending with `…` when it was cut.
pub fn fit(text: &str, max: usize) -> String {
    let text = clean(text);
    if width(&text) <= max {
        return text;
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = g.width();
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push_str(g);
    }
    out.push('…');
    out
}

/// Pads or cuts to exactly `cols` columns.
pub fn pad(text: &str, cols: usize) -> String {
    let mut s = fit(text, cols);
    let w = width(&s);
    s.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    s
}

/// "1 family", "3 families": a count with the word that goes with it.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible() {
        let evil = "Eve\u{1b}[2J\u{1b}]0;pwned\u{7}";
        let shown = clean(evil);
        assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'));
        assert!(shown.starts_with("Eve�[2J"));
        assert_eq!(clean("Zoë"), "Zoë");
        assert_eq!(clean("a\u{202E}b"), "a�b");
    }

    #[test]
    fn plural_agrees_with_the_count() {
        assert_eq!(plural(1, "family", "families"), "1 family");
        assert_eq!(plural(0, "family", "families"), "0 families");
        assert_eq!(plural(2, "baby", "babies"), "2 babies");
    }

    #[test]
    fn fit_counts_display_width() {
        assert_eq!(fit("李娜李娜", 5), "李娜…");
        assert_eq!(width(&fit("李娜李娜", 5)), 5);
        assert_eq!(fit("Zoë", 3), "Zoë");
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(fit("abc", 0), "");
        // Combining marks take no column.
        assert_eq!(width(&pad("Zoe\u{308}", 4)), 4);
        // Bengali: measured cluster by cluster, as ratatui draws it.
        let name = "সাদিয়া";
        let by_cluster: usize = name.graphemes(true).map(|g| g.width()).sum();
        assert_eq!(width(name), by_cluster);
        assert_eq!(width(&pad(name, 12)), 12);
    }
}
