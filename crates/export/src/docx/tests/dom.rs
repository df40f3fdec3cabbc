//! A strict little XML reader for our own parts (no DTDs, CDATA or comments: any of those,
//! an unknown entity or a mismatched tag is a test failure), and the pretty-printer the
//! golden files use.

/// An element.
#[derive(Clone, Debug)]
pub struct El {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

/// Element content.
#[derive(Clone, Debug)]
pub enum Node {
    El(El),
    Text(String),
}

impl El {
    /// An attribute's value.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Child elements.
    pub fn elements(&self) -> impl Iterator<Item = &El> {
        self.children.iter().filter_map(|n| match n {
            Node::El(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element called `name`.
    pub fn child(&self, name: &str) -> Option<&El> {
        self.elements().find(|e| e.name == name)
    }

    /// Child elements called `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a El> + 'a {
        self.elements().filter(move |e| e.name == name)
    }

    /// This element and every element below it, in document order.
    pub fn descendants(&self) -> Vec<&El> {
        let mut out = vec![self];
        for e in self.elements() {
            out.extend(e.descendants());
        }
        out
    }

    /// Descendants called `name` (this element included).
    pub fn find_all<'a>(&'a self, name: &str) -> Vec<&'a El> {
        self.descendants()
            .into_iter()
            .filter(|e| e.name == name)
            .collect()
    }

    /// All character data below this element.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for n in &self.children {
            match n {
                Node::El(e) => s.push_str(&e.text()),
                Node::Text(t) => s.push_str(t),
            }
        }
        s
    }

    /// The text of the `w:t` elements below (a paragraph's or cell's visible text).
    pub fn wt(&self) -> String {
        self.find_all("w:t").iter().map(|t| t.text()).collect()
    }

    /// `w:val` of the child `name`.
    pub fn val(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(|e| e.attr("w:val"))
    }
}

/// Parses a part; panics on anything our writer never produces.
pub fn parse(bytes: &[u8]) -> El {
    let s = std::str::from_utf8(bytes).expect("UTF-8");
    let s = s.trim_start_matches('\u{feff}');
    let rest = match s.strip_prefix("<?xml") {
        Some(r) => &r[r.find("?>").expect("end of declaration") + 2..],
        None => s,
    };
    let mut p = Parser {
        s: rest.as_bytes(),
        src: rest,
        i: 0,
    };
    p.ws();
    let root = p.element();
    p.ws();
    assert_eq!(p.i, p.s.len(), "content after the root element");
    root
}

struct Parser<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn name(&mut self) -> String {
        let start = self.i;
        while self.i < self.s.len()
            && !self.s[self.i].is_ascii_whitespace()
            && !b"/>=".contains(&self.s[self.i])
        {
            self.i += 1;
        }
        assert!(self.i > start, "empty name at {start}");
        self.src[start..self.i].to_string()
    }

    fn expect(&mut self, c: u8) {
        assert_eq!(
            self.s.get(self.i),
            Some(&c),
            "expected {:?} at {}",
            c as char,
            self.i
        );
        self.i += 1;
    }

    fn element(&mut self) -> El {
        self.expect(b'<');
        let name = self.name();
        let mut attrs: Vec<(String, String)> = Vec::new();
        loop {
            self.ws();
            match self.s[self.i] {
                b'/' => {
                    self.i += 1;
                    self.expect(b'>');
                    return El {
                        name,
                        attrs,
                        children: Vec::new(),
                    };
                }
                b'>' => {
                    self.i += 1;
                    break;
                }
                _ => {
                    let k = self.name();
                    self.expect(b'=');
                    self.expect(b'"');
                    let start = self.i;
                    while self.s[self.i] != b'"' {
                        assert_ne!(self.s[self.i], b'<', "'<' in attribute value");
                        self.i += 1;
                    }
                    let v = unescape(&self.src[start..self.i]);
                    self.i += 1;
                    assert!(
                        attrs.iter().all(|(n, _)| *n != k),
                        "duplicate attribute {k}"
                    );
                    attrs.push((k, v));
                }
            }
        }
        let mut children = Vec::new();
        loop {
            if self.s[self.i..].starts_with(b"</") {
                self.i += 2;
                let end = self.name();
                assert_eq!(end, name, "mismatched end tag");
                self.ws();
                self.expect(b'>');
                return El {
                    name,
                    attrs,
                    children,
                };
            }
            if self.s[self.i] == b'<' {
                assert!(
                    !self.s[self.i..].starts_with(b"<!") && !self.s[self.i..].starts_with(b"<?"),
                    "comment, CDATA or PI at {}",
                    self.i
                );
                children.push(Node::El(self.element()));
            } else {
                let start = self.i;
                while self.s[self.i] != b'<' {
                    assert_ne!(self.s[self.i], b'>', "unescaped '>' in text");
                    self.i += 1;
                }
                children.push(Node::Text(unescape(&self.src[start..self.i])));
            }
        }
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let semi = rest[amp..].find(';').expect("unterminated entity") + amp;
        let entity = &rest[amp + 1..semi];
        out.push(match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            e if e.starts_with("#x") => {
                char::from_u32(u32::from_str_radix(&e[2..], 16).unwrap()).unwrap()
            }
            e if e.starts_with('#') => char::from_u32(e[1..].parse().unwrap()).unwrap(),
            e => panic!("unknown entity &{e};"),
        });
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    out
}

fn escape(s: &str, attr: bool) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// One element per line, two spaces per level; an element holding only text stays on one
/// line, so the golden files read like the document.
pub fn pretty(root: &El) -> String {
    fn go(e: &El, depth: usize, out: &mut String) {
        let pad = "  ".repeat(depth);
        out.push_str(&pad);
        out.push('<');
        out.push_str(&e.name);
        for (k, v) in &e.attrs {
            out.push_str(&format!(" {k}=\"{}\"", escape(v, true)));
        }
        if e.children.is_empty() {
            out.push_str("/>\n");
            return;
        }
        if e.children.iter().all(|n| matches!(n, Node::Text(_))) {
            out.push('>');
            out.push_str(&escape(&e.text(), false));
            out.push_str(&format!("</{}>\n", e.name));
            return;
        }
        out.push_str(">\n");
        for n in &e.children {
            match n {
                Node::El(c) => go(c, depth + 1, out),
                Node::Text(t) => {
                    out.push_str(&"  ".repeat(depth + 1));
                    out.push_str(&escape(t, false));
                    out.push('\n');
                }
            }
        }
        out.push_str(&pad);
        out.push_str(&format!("</{}>\n", e.name));
    }
    let mut out = String::new();
    go(root, 0, &mut out);
    out
}
