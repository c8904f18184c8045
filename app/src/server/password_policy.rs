//! What a new password must be: 10 to 256 characters, and not easy to guess. The guessability
//! estimate is zxcvbn's (its dictionaries hold the passwords most common in public breaches,
//! names, words and keyboard patterns), with the person's own email and name counted as known
//! words; a password it scores below "safely unguessable" (3 of 4) is refused with its reason.

use crate::error::AppError;
use zxcvbn::Score;

/// Checks a new password; `known` are words an attacker would try first for this person.
pub fn check_new(password: &str, known: &[&str]) -> Result<(), AppError> {
    shared::validation::check_new_password(password).map_err(AppError::Invalid)?;
    let mut words: Vec<&str> = known.iter().copied().filter(|w| !w.is_empty()).collect();
    // The parts of an address guessers try: "ada.lovelace@uni.edu" gives "ada", "lovelace", "uni".
    for k in known {
        words.extend(k.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() >= 3));
    }
    words.push("vigil");
    let estimate = zxcvbn::zxcvbn(password, &words);
    if estimate.score() >= Score::Three {
        return Ok(());
    }
    let feedback = estimate.feedback();
    let why = feedback
        .and_then(|f| f.warning())
        .map(|w| format!(" ({})", w.to_string().trim_end_matches('.').to_lowercase()))
        .unwrap_or_default();
    let hint = feedback
        .and_then(|f| f.suggestions().first().map(|s| format!(" {s}")))
        .unwrap_or_else(|| " Add another word or two that are not about you.".into());
    Err(AppError::Invalid(format!(
        "This password is too easy to guess{why}.{hint}"
    )))
}

#[cfg(test)]
mod tests {
    use super::check_new;

    #[test]
    fn common_and_personal_passwords_are_refused_with_a_reason() {
        let err = check_new("password123", &[]).unwrap_err().to_string();
        assert!(err.contains("too easy to guess"), "{err}");
        assert!(check_new("qwertyuiop", &[]).is_err(), "a keyboard row");
        assert!(check_new("short", &[])
            .unwrap_err()
            .to_string()
            .contains("at least 10"));
    }

    #[test]
    fn long_unusual_passphrases_pass() {
        check_new("correct horse battery staple", &[]).unwrap();
        check_new("a brand new passphrase", &["candidate@demo.vigil.test"]).unwrap();
    }

    #[test]
    fn a_password_made_of_ones_own_name_or_address_is_refused() {
        let me = ["xandria.quillfeather@uni.edu", "Xandria Quillfeather"];
        let err = check_new("quillfeather2026", &me).unwrap_err().to_string();
        assert!(err.contains("too easy to guess"), "{err}");
        check_new("quillfeather2026", &[]).unwrap();
    }
}
