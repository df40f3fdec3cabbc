//! The same zip bytes on every platform.
//!
//! The `zip` crate records the system it runs on in each entry's "version made by" (DOS on
//! Windows, Unix elsewhere), so the same report gave different DOCX and XLSX bytes on Windows
//! than on Linux (seen under wine: those bytes were the only difference). The DOCX writer sets
//! the system itself; rust_xlsxwriter has no such option, so its output is rewritten here.

/// Host system "Unix" (APPNOTE 4.4.2), what every entry says on Linux.
const UNIX: u8 = 3;
const CENTRAL: [u8; 4] = [0x50, 0x4b, 0x01, 0x02];
const END: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];

/// Sets the host system of every central-directory entry of the zip in `bytes` to Unix.
///
/// The byte is metadata only (no checksum covers it; readers use it to interpret the
/// permission bits, which are Unix ones here anyway). Returns how many entries were set, or
/// `None`, leaving `bytes` as they are, for anything but a plain non-zip64 archive.
pub(crate) fn made_by_unix(bytes: &mut [u8]) -> Option<usize> {
    let u16_at = |b: &[u8], at: usize| -> Option<usize> {
        Some(usize::from(u16::from_le_bytes(
            b.get(at..at + 2)?.try_into().ok()?,
        )))
    };
    let u32_at = |b: &[u8], at: usize| -> Option<usize> {
        usize::try_from(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?)).ok()
    };
    // The end record is the last 22 bytes plus a comment of at most 64 KiB.
    let floor = bytes.len().saturating_sub(22 + 0xffff);
    let end = (floor..=bytes.len().checked_sub(22)?)
        .rev()
        .find(|&i| bytes[i..i + 4] == END)?;
    let entries = u16_at(bytes, end + 10)?;
    let mut at = u32_at(bytes, end + 16)?;
    if entries == 0xffff || at == 0xffff_ffff {
        return None; // zip64: not written by our exporters
    }
    // Find every entry first, so a malformed directory changes nothing.
    let mut hosts = Vec::with_capacity(entries);
    for _ in 0..entries {
        if bytes.get(at..at + 4)? != CENTRAL {
            return None;
        }
        hosts.push(at + 5);
        at += 46 + u16_at(bytes, at + 28)? + u16_at(bytes, at + 30)? + u16_at(bytes, at + 32)?;
    }
    for &h in &hosts {
        bytes[h] = UNIX;
    }
    Some(hosts.len())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io::{Cursor, Read, Write};

    use zip::{System, ZipArchive, ZipWriter};

    use super::made_by_unix;

    fn zip_made_on(system: System) -> Vec<u8> {
        let options = zip::write::SimpleFileOptions::default()
            .system(system)
            .unix_permissions(0o600);
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, text) in [("a.xml", "甲"), ("dir/b.xml", "乙乙")] {
            w.start_file(name, options).unwrap();
            w.write_all(text.as_bytes()).unwrap();
        }
        w.set_comment("comment").unwrap();
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn windows_made_zip_gets_the_linux_bytes() {
        let mut dos = zip_made_on(System::Dos);
        let unix = zip_made_on(System::Unix);
        assert_ne!(dos, unix);
        assert_eq!(made_by_unix(&mut dos), Some(2));
        assert_eq!(dos, unix);
        // Still a valid archive with the same content.
        let mut z = ZipArchive::new(Cursor::new(dos)).unwrap();
        let mut text = String::new();
        z.by_name("dir/b.xml")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "乙乙");
    }

    #[test]
    fn anything_else_is_left_alone() {
        for mut junk in [Vec::new(), b"PK\x05\x06".to_vec(), vec![0u8; 100]] {
            let before = junk.clone();
            assert_eq!(made_by_unix(&mut junk), None);
            assert_eq!(junk, before);
        }
        // A directory offset pointing past the end.
        let mut z = zip_made_on(System::Dos);
        let end = z.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
        let past = u32::try_from(z.len() + 100).unwrap();
        z[end + 16..end + 20].copy_from_slice(&past.to_le_bytes());
        let before = z.clone();
        assert_eq!(made_by_unix(&mut z), None);
        assert_eq!(z, before);
    }
}
