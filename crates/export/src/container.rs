//! Zip containers of the XML formats (DOCX, OFD): entries in the order given, deflated, every
//! one dated from the document and with the same permissions, so the same parts always give
//! the same bytes.

use std::io::{Cursor, Write};

use nianbao_core::model::Date;

/// Zips `parts` (path, bytes) in order, deflated at `level`, every entry dated `date`
/// (midnight; 1980-01-01 if the date is outside what zip can store).
pub(crate) fn zip<'a>(
    parts: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    date: Date,
    level: i64,
) -> zip::result::ZipResult<Vec<u8>> {
    let when = u16::try_from(date.year)
        .ok()
        .and_then(|y| zip::DateTime::from_date_and_time(y, date.month, date.day, 0, 0, 0).ok())
        .unwrap_or_default();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(level))
        .last_modified_time(when)
        .unix_permissions(0o644)
        // The zip crate would write DOS on Windows: same bytes on every platform.
        .system(zip::System::Unix);
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        w.start_file(name, options)?;
        w.write_all(bytes)?;
    }
    Ok(w.finish()?.into_inner())
}
