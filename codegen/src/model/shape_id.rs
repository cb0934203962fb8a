//! Smithy shape ids: `namespace#Name` and `namespace#Name$member`.

/// Is `s` a Smithy identifier: `(ALPHA / "_") *(ALPHA / DIGIT / "_")`, with at
/// least one letter or digit after leading underscores?
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    let all_valid = s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    all_valid && s.chars().any(|c| c.is_ascii_alphanumeric())
}

/// Is `s` an absolute root shape id, `ns.sub#Name`?
pub fn is_shape_id(s: &str) -> bool {
    match s.split_once('#') {
        Some((ns, name)) => ns.split('.').all(is_identifier) && is_identifier(name),
        None => false,
    }
}

/// The name part of `ns#Name` (or the whole string when there is no `#`).
pub fn name_of(id: &str) -> &str {
    id.split_once('#').map_or(id, |(_, n)| n)
}

/// The namespace part of `ns#Name`.
pub fn namespace_of(id: &str) -> &str {
    id.split_once('#').map_or("", |(ns, _)| ns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_ids() {
        assert!(is_shape_id("com.amazonaws.logs#PutDestination"));
        assert!(is_shape_id("smithy.api#String"));
        assert!(is_shape_id("a#_b1"));
        assert!(!is_shape_id("nonamespace"));
        assert!(!is_shape_id("a#"));
        assert!(!is_shape_id("#A"));
        assert!(!is_shape_id("a..b#C"));
        assert!(!is_shape_id("a#B$c"));
        assert!(!is_shape_id("a#1B"));
        assert!(!is_shape_id("a#__"));
        assert_eq!(name_of("a.b#C"), "C");
        assert_eq!(namespace_of("a.b#C"), "a.b");
    }
}
