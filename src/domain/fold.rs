//! Text folding for matching people by name: accents and case ignored, so
//! "zoe" finds "Zoë" and "lucja" finds "Łucja". Scripts without a Latin
//! transliteration (Arabic, Bengali, Chinese) are kept as they are.

/// Lower-case, accents removed, runs of white space made one space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if let Some(latin) = latin_letter(c) {
            out.push_str(&latin.to_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A Latin-script letter with diacritics, as its base letters; anything else None.
fn latin_letter(c: char) -> Option<&'static str> {
    // Latin-1 Supplement through Latin Extended Additional (Vietnamese).
    let code = c as u32;
    if !(0xC0..=0x24F).contains(&code) && !(0x1E00..=0x1EFF).contains(&code) {
        // Combining marks vanish so that decomposed input folds like composed.
        if (0x300..=0x36F).contains(&code) {
            return Some("");
        }
        return None;
    }
    deunicode::deunicode_char(c)
}

/// Only the digits, for matching phone numbers however they were typed.
pub fn digits(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// A postcode in one canonical form: upper case, one space before the inward code.
pub fn postcode(text: &str) -> String {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).flat_map(|c| c.to_uppercase()).collect();
    if compact.len() > 3 && compact.is_ascii() {
        let (outward, inward) = compact.split_at(compact.len() - 3);
        format!("{outward} {inward}")
    } else {
        compact
    }
}

/// The outward code ("district") of a postcode: `LU3 1HB` gives `LU3`.
pub fn postcode_district(text: &str) -> String {
    postcode(text).split(' ').next().unwrap_or("").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_and_case() {
        assert_eq!(fold("Zoë"), "zoe");
        assert_eq!(fold("Łucja"), "lucja");
        assert_eq!(fold("Nguyễn Thị Lan"), "nguyen thi lan");
        assert_eq!(fold("Zoe\u{308}"), "zoe");
        assert_eq!(fold("  Ana   Maria "), "ana maria");
        assert_eq!(fold("Ștefan"), "stefan");
    }

    #[test]
    fn keeps_other_scripts() {
        assert_eq!(fold("محمد"), "محمد");
        assert_eq!(fold("李娜"), "李娜");
        assert_eq!(fold("সাদিয়া"), "সাদিয়া");
    }

    #[test]
    fn postcodes() {
        assert_eq!(postcode("lu31hb"), "LU3 1HB");
        assert_eq!(postcode(" LU1  2TW"), "LU1 2TW");
        assert_eq!(postcode_district("LU3 1HB"), "LU3");
        assert_eq!(digits("07700 900-123"), "07700900123");
    }
}
