//! “Did you mean …?” for unknown keys, kinds and placeholder names.
//!
//! Its own module so that the loader and the prose parser, which both suggest names, do not
//! import each other.

/// The allowed name closest to `name` by edit distance, if it is close enough to be a typo:
/// within 2 edits, or a quarter of the candidate's length for long names. Ties go to the
/// alphabetically first candidate, so the hint is the same on every run.
pub fn closest<'a>(name: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (strsim::levenshtein(name, a), *a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 4))
        .min()
        .map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let keys = ["agency", "year", "kind", "published"];
        assert_eq!(closest("agnecy", &keys), Some("agency"));
        assert_eq!(closest("yaer", &keys), Some("year"));
        assert_eq!(closest("zzzzzz", &keys), None);
        // Characters, not bytes, are edited: one substituted hanzi is one edit.
        assert_eq!(closest("申清表", &["申请表", "报告"]), Some("申请表"));
        // Equal distances: the alphabetically first.
        assert_eq!(closest("ab", &["ac", "aa"]), Some("aa"));
    }
}
