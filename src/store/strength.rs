//! How strong a new passphrase must be: the one rule for a new store, a new
//! passphrase (`passwd`), a backup and a bundle. The store's key is derived with
//! Argon2id at about half a second a try on a laptop, but a thief with the disk
//! tries on faster hardware and for as long as they like: a passphrase must be
//! long (12 characters or more) and hard to guess by zxcvbn's estimate (score 4,
//! more than 10^10 guesses), which three or four unrelated words are and a
//! name with a year, a keyboard pattern or a repeated letter are not.

/// Words anyone who knows the program or the centre would try first.
const KNOWN: &[&str] = &["thinkbaby", "think baby", "luton", "flying start", "passphrase", "password", "baby"];

/// The hint that goes with every refusal.
pub const HINT: &str = "Use three or four unrelated words, such as \"orchard kettle Tuesday lantern\" (not those).";

use super::crypto::MIN_PASSPHRASE as MIN_CHARS;

/// Ok, or the reason the passphrase is refused and what to do instead.
pub fn judge(pass: &str) -> Result<(), String> {
    let why = if pass.chars().count() < MIN_CHARS {
        format!("it has fewer than {MIN_CHARS} characters")
    } else {
        let estimate = zxcvbn::zxcvbn(pass, KNOWN);
        if estimate.score() >= zxcvbn::Score::Four {
            return Ok(());
        }
        match estimate.feedback().and_then(|f| f.warning()) {
            Some(w) => lowercase_first(w.to_string().trim_end_matches('.')),
            None => format!("a computer could guess it in about 10^{:.0} tries", estimate.guesses_log10()),
        }
    };
    // One line: it is shown in a narrow box on the unlock screen too.
    Err(format!("That passphrase is too easy to guess ({why}). {HINT}"))
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::judge;

    #[test]
    fn unrelated_words_pass_and_guessable_ones_say_why() {
        for good in ["bobbin wind up the lantern hall", "purple kettle winter bus", "made-up families only"] {
            assert_eq!(judge(good), Ok(()), "{good}");
        }
        let said = judge("aaaaaaaaaaaa").unwrap_err();
        assert!(said.starts_with("That passphrase is too easy to guess (repeats like"), "{said}");
        assert!(!said.contains('\n'), "{said}");
        assert!(said.contains("three or four unrelated words"), "{said}");
        assert!(judge("            ").is_err(), "twelve spaces");
        assert!(judge("thinkbaby2026").is_err(), "the program's name and a year");
        assert!(judge("Password1234").is_err());
        assert!(judge("kettle").unwrap_err().contains("fewer than 12 characters"));
    }
}
