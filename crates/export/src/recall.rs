//! What one export worked out, kept for the next export with the same [`crate::fonts::Fonts`]
//! (`watch` and `serve`, which build the same report after every save): the lines of each
//! paragraph and the compressed bytes of each PDF stream. An edit changes a few paragraphs
//! and the pages they are on; everything else is taken from here instead of being broken
//! into lines and compressed again. The results are the same either way (a paragraph's lines
//! depend only on its text, its role and the fonts; a stream's bytes only on its content), so
//! the output bytes never depend on what was kept.
//!
//! Only sessions keep results ([`crate::fonts::Fonts::remember`]): a one-off or batch build
//! would only pay for hashing and copying what no later export asks for.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use nianbao_core::typography::Role;

use crate::layout::{Line, LineKind};

/// A body paragraph as the layout sets it: its runs (text, bold), role and line kind.
pub(crate) type ParagraphKey = (Vec<(String, bool)>, Role, LineKind);

/// The results kept, shared by the clones of a [`crate::fonts::Fonts`] and its threads.
#[derive(Default)]
pub(crate) struct Recall {
    /// Lines of a body paragraph (y relative to the paragraph).
    pub paragraphs: Kept<ParagraphKey, Arc<Vec<Line>>>,
    /// A stream's content → its zlib bytes (`None`: compression would not make it smaller).
    pub streams: Kept<Vec<u8>, Option<Arc<Vec<u8>>>>,
}

impl Recall {
    /// Starts an export: results not used by the last [`Kept::KEEP_EXPORTS`] exports are
    /// dropped, so memory follows what the report now has, not what it ever had.
    pub fn next_export(&self) {
        self.paragraphs.next_export();
        self.streams.next_export();
    }
}

impl std::fmt::Debug for Recall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Recall({} paragraphs, {} streams)",
            self.paragraphs.len(),
            self.streams.len()
        )
    }
}

/// Values by key, each stamped with the last export that used it.
pub(crate) struct Kept<K, V> {
    inner: Mutex<Entries<K, V>>,
}

/// The number of the current export, and each value with the last export that used it.
struct Entries<K, V> {
    export: u64,
    map: HashMap<K, (V, u64)>,
}

impl<K, V> Default for Kept<K, V> {
    fn default() -> Self {
        Kept {
            inner: Mutex::new(Entries {
                export: 0,
                map: HashMap::new(),
            }),
        }
    }
}

impl<K: Hash + Eq, V: Clone> Kept<K, V> {
    /// Exports whose results are kept: a build makes up to two (the PDF and the OFD), and
    /// `serve` builds two versions of a report (this year's and a preview).
    const KEEP_EXPORTS: u64 = 4;

    fn next_export(&self) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.export += 1;
            let oldest = inner.export.saturating_sub(Self::KEEP_EXPORTS);
            inner.map.retain(|_, (_, used)| *used > oldest);
        }
    }

    fn len(&self) -> usize {
        self.inner.lock().map_or(0, |inner| inner.map.len())
    }

    /// The value kept for `key`, stamped as used by this export.
    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let mut inner = self.inner.lock().ok()?;
        let export = inner.export;
        inner.map.get_mut(key).map(|(v, used)| {
            *used = export;
            v.clone()
        })
    }

    /// Keeps `value` for `key`.
    pub fn put(&self, key: K, value: V) {
        if let Ok(mut inner) = self.inner.lock() {
            let export = inner.export;
            inner.map.insert(key, (value, export));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_recent_exports_used_and_drops_the_rest() {
        let kept: Kept<String, u32> = Kept::default();
        kept.next_export();
        kept.put("a".into(), 1);
        kept.put("b".into(), 2);
        assert_eq!(kept.get("a"), Some(1));
        for _ in 0..Kept::<String, u32>::KEEP_EXPORTS - 1 {
            kept.next_export();
            // "a" is used by every export, "b" by none after the first.
            assert_eq!(kept.get("a"), Some(1));
        }
        assert_eq!(kept.len(), 2, "b was used within the last exports");
        kept.next_export();
        assert_eq!(kept.get("a"), Some(1));
        assert_eq!(kept.get("b"), None, "b was not used by the last exports");
        assert_eq!(kept.len(), 1);
    }
}
