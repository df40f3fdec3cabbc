//! Reading input files: the one path every file nianbao reads goes through — `report.toml`,
//! the prose files, last year's report and its prose, and font files.
//!
//! What it guarantees (see `docs/architecture.md`, "Inputs"):
//! - **Confinement by real path**: a file named by a report must lie inside the report's
//!   folder after every symlink is resolved ([`ReadError::Outside`], E-PATH), so a prose
//!   file that is a symlink to `/etc/passwd` is never read and published.
//! - **Regular files only**: a FIFO, device, socket or folder is refused at once, without
//!   blocking ([`ReadError::NotRegular`]). On Unix the file is opened with `O_NONBLOCK` and
//!   checked with `fstat` on the open handle, so a FIFO swapped in after a check cannot hang
//!   the reader either.
//! - **Bounded reads**: at most [`TEXT_LIMIT`] bytes of a text file, [`FONT_LIMIT`] of a
//!   font ([`ReadError::TooLarge`]); a file that grows while being read is refused, not
//!   followed.
//! - **Encodings**: UTF-8 with or without a BOM; UTF-16 with a BOM; GBK/GB18030 (what
//!   Notepad and WPS write as "ANSI" text on a Chinese Windows) decoded with `encoding_rs` and
//!   reported so the clerk can re-save as UTF-8. Anything else is refused with the place of
//!   the first byte that could not be read.

use std::fs::{File, Metadata};
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Largest text input (`report.toml`, a prose file): 16 MB. A whole report's prose is a few
/// tens of kilobytes; anything near this is the wrong file.
pub const TEXT_LIMIT: u64 = 16 * 1024 * 1024;

/// Largest font file: 256 MB (a full CJK TrueType collection is 20–60 MB).
pub const FONT_LIMIT: u64 = 256 * 1024 * 1024;

/// Why a file could not be read. Messages in Chinese via [`ReadError::message`].
#[derive(Debug)]
pub enum ReadError {
    /// No such file (or a folder on the way is missing).
    NotFound,
    /// The file's real path (symlinks resolved) is outside the folder it must stay in.
    Outside {
        /// Where the path really leads.
        real: PathBuf,
        /// The folder it had to stay in.
        root: PathBuf,
    },
    /// Not a regular file: what it is instead (文件夹, 命名管道 …).
    NotRegular(&'static str),
    /// Larger than the limit for this kind of input.
    TooLarge {
        /// Size found (bytes).
        size: u64,
        /// The limit (bytes).
        limit: u64,
    },
    /// The bytes are not text in an encoding we read.
    Encoding(Undecodable),
    /// Any other I/O error.
    Io(std::io::Error),
}

/// A text file that is neither UTF-8, UTF-16 with a BOM, nor GB18030.
#[derive(Debug, Clone)]
pub struct Undecodable {
    /// The text with every unreadable byte replaced by U+FFFD (so the place can be shown).
    pub lossy: String,
    /// Byte offset in `lossy` of the first replacement character.
    pub at: usize,
}

impl ReadError {
    /// The stable check ID for this failure: E-PATH for a file outside its folder, else E-FILE.
    pub fn id(&self) -> &'static str {
        match self {
            ReadError::Outside { .. } => "E-PATH",
            _ => "E-FILE",
        }
    }

    /// A Chinese sentence naming `path` and what is wrong with it.
    pub fn message(&self, path: &Path) -> String {
        let p = path.display();
        match self {
            ReadError::NotFound => format!("找不到文件“{p}”"),
            ReadError::Outside { real, root } => format!(
                "文件“{p}”实际位于“{}”，在文件夹“{}”之外（经由符号链接或快捷方式）",
                real.display(),
                root.display()
            ),
            ReadError::NotRegular(what) => format!("“{p}”不是普通文件（是{what}），不能读取"),
            ReadError::TooLarge { size, limit } => format!(
                "文件“{p}”过大（{}），超过 {} 的上限",
                human_size(*size),
                human_size(*limit)
            ),
            ReadError::Encoding(_) => {
                format!("文件“{p}”不是 UTF-8 编码，也不是 GBK/GB18030 编码的文字，无法读取")
            }
            ReadError::Io(e) => format!("无法读取文件“{p}”：{}", io_reason(e)),
        }
    }

    /// What the clerk can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            ReadError::NotFound => "检查文件名（相对于报告文件夹），或新建这个文件",
            ReadError::Outside { .. } => {
                "报告用到的文件必须放在报告文件夹内：把文件复制进来，不要用指向别处的符号链接"
            }
            ReadError::NotRegular(_) => "换成普通文件（例如用记事本保存的文本文件）",
            ReadError::TooLarge { .. } => "检查是否选错了文件；文字部分通常只有几十 KB",
            ReadError::Encoding(_) => {
                "用记事本打开，点“文件”→“另存为”，编码选“UTF-8”后保存（WPS 另存为文本时选 UTF-8）；或检查是否选错了文件"
            }
            ReadError::Io(_) => "检查文件是否存在、是否有读取权限，或是否被其他程序占用",
        }
    }
}

/// A size in KB or MB for messages.
fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// The reason of an I/O error in Chinese for the common kinds (the OS's own text otherwise,
/// which on a Chinese system is Chinese too).
fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::PermissionDenied => "没有读取权限".into(),
        K::NotFound => "文件不存在".into(),
        K::IsADirectory => "这是一个文件夹".into(),
        K::InvalidData => "内容无法读取".into(),
        _ => format!("系统错误（{}）", e.raw_os_error().unwrap_or(0)),
    }
}

fn from_io(e: std::io::Error) -> ReadError {
    if e.kind() == std::io::ErrorKind::NotFound {
        ReadError::NotFound
    } else {
        ReadError::Io(e)
    }
}

/// What a non-regular file is, in Chinese.
fn kind_of(meta: &Metadata) -> &'static str {
    let ft = meta.file_type();
    if ft.is_dir() {
        return "文件夹";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if ft.is_fifo() {
            return "命名管道（FIFO）";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "设备文件";
        }
        if ft.is_socket() {
            return "套接字";
        }
    }
    "特殊文件"
}

/// The real path of `path`, which must lie inside `root` (itself resolved). `NotFound` when
/// `path` does not exist.
pub fn confine(path: &Path, root: &Path) -> Result<PathBuf, ReadError> {
    let root = std::fs::canonicalize(root).map_err(from_io)?;
    confine_real(path, &root)
}

/// [`confine`] with `root` already resolved (a report's files share one folder: it is
/// resolved once, not once per file).
pub fn confine_real(path: &Path, root: &Path) -> Result<PathBuf, ReadError> {
    let real = std::fs::canonicalize(path).map_err(from_io)?;
    if real.starts_with(root) {
        Ok(real)
    } else {
        Err(ReadError::Outside {
            real,
            root: root.to_path_buf(),
        })
    }
}

/// Opens `path` for reading if it is a regular file of at most `limit` bytes. Never blocks on
/// a FIFO or device: on Unix the open is non-blocking and the type is checked on the handle.
pub fn open_regular(path: &Path, limit: u64) -> Result<(File, Metadata), ReadError> {
    // A cheap check first, so a folder or FIFO gets its own message on every platform.
    let meta = std::fs::metadata(path).map_err(from_io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(&meta)));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Opening a FIFO for reading blocks until a writer appears; O_NONBLOCK makes the open
        // return at once (the file may have been swapped since the check above). It has no
        // effect on reads of a regular file.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(from_io)?;
    let meta = file.metadata().map_err(from_io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(&meta)));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    Ok((file, meta))
}

/// The bytes of the regular file `path`, at most `limit` of them.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, meta) = open_regular(path, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // One byte more than allowed tells a file that grew past the limit since the check.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(from_io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// A text file's contents as UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// The encoding it was converted from, when not UTF-8 (`"GB18030"`, `"UTF-16LE"`, …).
    pub converted_from: Option<&'static str>,
}

/// Decodes a text file: UTF-8 (a BOM is dropped), UTF-16 with a BOM, else GB18030 (a
/// superset of GBK and GB2312) when every byte decodes and the text has no NUL.
pub fn decode(bytes: &[u8]) -> Result<Decoded, Undecodable> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = &bytes[bom..];
        if enc == encoding_rs::UTF_8 {
            return utf8(body);
        }
        if let Some(text) = enc.decode_without_bom_handling_and_without_replacement(body) {
            return Ok(Decoded {
                text: text.into_owned(),
                converted_from: Some(enc.name()),
            });
        }
        return Err(undecodable(enc, body));
    }
    match utf8(bytes) {
        Ok(d) => Ok(d),
        Err(e) => {
            // A UTF-8 file with one damaged byte would often "decode" as GB18030 into
            // nonsense; when the readable part already has Chinese in UTF-8, say where the
            // damage is instead.
            let utf8_chinese = e.lossy[..e.at]
                .chars()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                .count();
            if utf8_chinese < 3 && !bytes.contains(&0) {
                if let Some(text) =
                    encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)
                {
                    return Ok(Decoded {
                        text: text.into_owned(),
                        converted_from: Some(encoding_rs::GB18030.name()),
                    });
                }
            }
            Err(e)
        }
    }
}

fn utf8(bytes: &[u8]) -> Result<Decoded, Undecodable> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Decoded {
            text: s.to_string(),
            converted_from: None,
        }),
        Err(_) => Err(undecodable(encoding_rs::UTF_8, bytes)),
    }
}

fn undecodable(enc: &'static encoding_rs::Encoding, bytes: &[u8]) -> Undecodable {
    let (text, _) = enc.decode_without_bom_handling(bytes);
    let lossy = text.into_owned();
    let at = lossy.find('\u{fffd}').unwrap_or(0);
    Undecodable { lossy, at }
}

/// Reads and decodes the text file `path` (at most [`TEXT_LIMIT`] bytes), which must lie
/// inside `root` when one is given.
pub fn read_text(path: &Path, root: Option<&Path>) -> Result<Decoded, ReadError> {
    if let Some(root) = root {
        confine(path, root)?;
    }
    read_text_unconfined(path)
}

/// [`read_text`] inside a `root` already resolved ([`confine_real`]).
pub fn read_text_in(path: &Path, real_root: &Path) -> Result<Decoded, ReadError> {
    confine_real(path, real_root)?;
    read_text_unconfined(path)
}

fn read_text_unconfined(path: &Path) -> Result<Decoded, ReadError> {
    let bytes = read_bytes(path, TEXT_LIMIT)?;
    decode(&bytes).map_err(ReadError::Encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_bom_utf16_and_gbk() {
        let plain = decode("中文".as_bytes()).unwrap();
        assert_eq!((plain.text.as_str(), plain.converted_from), ("中文", None));
        let bom = decode(b"\xef\xbb\xbfa").unwrap();
        assert_eq!((bom.text.as_str(), bom.converted_from), ("a", None));
        let (gbk, _, _) = encoding_rs::GBK.encode("某某县交通运输局，2024年");
        let d = decode(&gbk).unwrap();
        assert_eq!(d.text, "某某县交通运输局，2024年");
        assert_eq!(d.converted_from, Some("gb18030"));
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend("年报".encode_utf16().flat_map(u16::to_le_bytes));
        let d = decode(&utf16).unwrap();
        assert_eq!(
            (d.text.as_str(), d.converted_from),
            ("年报", Some("UTF-16LE"))
        );
        // Binary (a NUL and a lone lead byte) is neither; the first bad byte is located.
        let e = decode(b"ab\ncd\x00\xff\xfe").unwrap_err();
        assert_eq!(&e.lossy[..e.at], "ab\ncd\0");
    }

    #[test]
    fn sizes_read_humanly() {
        assert_eq!(human_size(16 * 1024 * 1024), "16.0 MB");
        assert_eq!(human_size(1500), "2 KB");
    }
}
