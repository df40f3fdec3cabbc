//! A minimal XML writer: elements, attributes and escaped text into a `String`.
//!
//! Shared by the DOCX and OFD writers. Each part writer emits children in its schema's
//! sequence itself (ECMA-376, GB/T 33190), so the writer needs no schema knowledge; it only
//! guarantees well-formed output (balanced tags, escaped text, no characters XML 1.0 forbids).

/// The XML declaration every part starts with.
const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// An attribute: name and already formatted value.
pub(crate) type Attr = (&'static str, String);

/// An attribute from anything printable (numbers, `&str`).
pub(crate) fn a(name: &'static str, value: impl ToString) -> Attr {
    (name, value.to_string())
}

/// A part under construction.
pub(crate) struct Xml {
    buf: String,
    stack: Vec<&'static str>,
}

impl Xml {
    /// A part starting with the XML declaration.
    pub(crate) fn new() -> Self {
        let mut buf = String::with_capacity(4096);
        buf.push_str(DECLARATION);
        Xml {
            buf,
            stack: Vec::new(),
        }
    }

    fn tag(&mut self, name: &str, attrs: &[Attr]) {
        self.buf.push('<');
        self.buf.push_str(name);
        for (k, v) in attrs {
            self.buf.push(' ');
            self.buf.push_str(k);
            self.buf.push_str("=\"");
            escape_into(&mut self.buf, v, true);
            self.buf.push('"');
        }
    }

    /// Opens `name`; close it with [`Xml::end`].
    pub(crate) fn start(&mut self, name: &'static str, attrs: &[Attr]) {
        self.tag(name, attrs);
        self.buf.push('>');
        self.stack.push(name);
    }

    /// Closes the innermost open element.
    pub(crate) fn end(&mut self) {
        if let Some(name) = self.stack.pop() {
            self.buf.push_str("</");
            self.buf.push_str(name);
            self.buf.push('>');
        }
    }

    /// An element without content.
    pub(crate) fn empty(&mut self, name: &str, attrs: &[Attr]) {
        self.tag(name, attrs);
        self.buf.push_str("/>");
    }

    /// An element holding only text.
    pub(crate) fn leaf(&mut self, name: &'static str, attrs: &[Attr], text: &str) {
        self.start(name, attrs);
        self.text(text);
        self.end();
    }

    /// Escaped character data.
    pub(crate) fn text(&mut self, text: &str) {
        escape_into(&mut self.buf, text, false);
    }

    /// `<name>…</name>` around what `f` writes, or nothing at all when `f` writes nothing:
    /// property containers such as `w:pPr` must not be emitted empty where the schema
    /// forbids it, and empty ones are noise where it allows it.
    pub(crate) fn group(&mut self, name: &'static str, attrs: &[Attr], f: impl FnOnce(&mut Xml)) {
        let mark = self.buf.len();
        self.start(name, attrs);
        let inner = self.buf.len();
        f(self);
        if self.buf.len() == inner {
            self.stack.pop();
            self.buf.truncate(mark);
        } else {
            self.end();
        }
    }

    /// The finished part.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        while !self.stack.is_empty() {
            self.end();
        }
        self.buf.into_bytes()
    }
}

/// Escapes `s` for text (`attr == false`) or a double-quoted attribute value, dropping the
/// control characters XML 1.0 cannot carry at all (a pasted U+000B would make Word refuse the
/// whole file). Tabs and line breaks never reach here: the run writer turns them into `w:tab`
/// and `w:br`.
fn escape_into(out: &mut String, s: &str, attr: bool) {
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\t' | '\n' | '\r' if attr => {
                out.push_str(&format!("&#{};", ch as u32));
            }
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// Whether XML 1.0 allows `c` in a document.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\u{9}' | '\u{A}' | '\u{D}'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_balances() {
        let mut x = Xml::new();
        x.start("a", &[a("k", "\"<&>\"")]);
        x.leaf("b", &[], "x<y & z>\u{b}\u{1}w");
        x.empty("c", &[a("n", 3)]);
        x.group("d", &[], |_| {});
        x.group("e", &[], |x| x.empty("f", &[]));
        let s = String::from_utf8(x.finish()).unwrap();
        assert_eq!(
            s.strip_prefix(DECLARATION).unwrap(),
            "<a k=\"&quot;&lt;&amp;&gt;&quot;\"><b>x&lt;y &amp; z&gt;w</b><c n=\"3\"/><e><f/></e></a>"
        );
    }
}
