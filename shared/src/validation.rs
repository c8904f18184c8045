//! Checks on what people type, with messages fit to show them.

pub const MIN_PASSWORD_LEN: usize = 10;
pub const MAX_PASSWORD_LEN: usize = 256;

/// Trims and lower-cases an email address, or says what is wrong with it.
pub fn normalize_email(raw: &str) -> Result<String, String> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err("Enter your email address.".into());
    }
    if email.len() > 254 {
        return Err("That email address is too long.".into());
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        Err("Enter an email address like name@example.org.".into())
    }
}

pub fn check_new_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_LEN {
        return Err(format!(
            "Use at least {MIN_PASSWORD_LEN} characters for your password."
        ));
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(format!("Use at most {MAX_PASSWORD_LEN} bytes for your password."));
    }
    Ok(())
}

pub fn normalize_display_name(raw: &str) -> Result<String, String> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => Err("Enter your name.".into()),
        1..=100 => Ok(name),
        _ => Err("Use at most 100 characters for your name.".into()),
    }
}

/// A name for something an organisation keeps (itself, a department): spaces collapsed,
/// 1 to 100 characters. `what` names it in the message ("the department's name").
pub fn normalize_label(raw: &str, what: &str) -> Result<String, String> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => Err(format!("Enter {what}.")),
        1..=100 => Ok(name),
        _ => Err(format!("Use at most 100 characters for {what}.")),
    }
}

/// A place to go after signing in, if it is a path on this site: `/` then anything but a second
/// slash or a backslash (`//host` and `/\host` leave the site), and no control character or
/// space anywhere (browsers drop tabs and newlines from addresses, so `/<TAB>/host` becomes
/// `//host`). Anything else goes to the dashboard.
pub fn safe_next(next: &str) -> Option<&str> {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && next.len() <= 2_000
        && !next.chars().any(|c| c.is_control() || c.is_whitespace());
    local.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_or_explained() {
        assert_eq!(
            normalize_email("  Ada@Example.ORG "),
            Ok("ada@example.org".into())
        );
        for bad in ["", "ada", "ada@", "@x.org", "ada@org", "a b@x.org", "a@x.org."] {
            assert!(normalize_email(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn passwords_need_a_minimum_length() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("long enough pw").is_ok());
        assert!(check_new_password(&"x".repeat(300)).is_err());
    }

    #[test]
    fn names_collapse_whitespace() {
        assert_eq!(
            normalize_display_name("  Ada   Lovelace "),
            Ok("Ada Lovelace".into())
        );
        assert!(normalize_display_name("   ").is_err());
    }

    #[test]
    fn only_paths_on_this_site_are_followed_after_sign_in() {
        for ok in ["/", "/exams/abc", "/review?page=2", "/%09/evil.example"] {
            assert_eq!(safe_next(ok), Some(ok), "{ok}");
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }
}
