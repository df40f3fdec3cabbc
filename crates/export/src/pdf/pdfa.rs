//! What PDF/A-2b (ISO 19005-2, level B) asks of our files beyond a plain PDF, in one place:
//!
//! - an sRGB OutputIntent (`GTS_PDFA1`) with an embedded ICC profile, so the device colours the
//!   pages use (black text, the grey draft mark) have a defined meaning (6.2.3, 6.2.4.3);
//! - an XMP packet that claims `pdfaid:part 2`, `pdfaid:conformance B` and repeats the Info
//!   dictionary's title, author, tools and dates (6.6.2.1, 6.6.3, 6.6.4);
//! - a `CIDSet` for every subset CID font: optional in PDF/A-2 but, when present, it must list
//!   every CID of the program (6.2.11.4.2). We write it because PDF/A-1 requires it, so Apache
//!   PDFBox Preflight (which validates PDF/A-1b only) has nothing to say about our fonts;
//! - a classic cross-reference table (the writer sets it), which PDF/A-1 readers also take.
//!
//! The trailer `/ID` (6.1.3) is a hash of the content (`writer::save`), the fonts are embedded
//! with their own widths (`writer::widths`) and glyph 0 is never drawn (the layout resolves
//! every character to a real glyph or leaves it out with W-GLYPH).
//!
//! The ICC profile is `sRGB-v2-magic.icc` from Clinton Ingram's Compact-ICC-Profiles (CC0),
//! as vendored by the krilla crate; see `crates/export/icc/README.md`. A version-2 profile is
//! valid in PDF/A-1 and PDF/A-2 alike.

use lopdf::{dictionary, Dictionary, Object};

use super::writer::{flate_stream, text_string, Deflater};

/// The sRGB (IEC 61966-2.1) ICC profile of the OutputIntent.
pub(super) const SRGB_ICC: &[u8] = include_bytes!("../../icc/sRGB-v2-magic.icc");

/// The `/OutputIntents` array of the catalog: one PDF/A intent with the sRGB profile.
pub(super) fn output_intents(pdf: &mut lopdf::Document, deflater: &mut Deflater) -> Object {
    let profile = pdf.add_object(flate_stream(dictionary! { "N" => 3 }, SRGB_ICC, deflater));
    let intent = pdf.add_object(dictionary! {
        "Type" => "OutputIntent",
        "S" => "GTS_PDFA1",
        "OutputConditionIdentifier" => text_string("sRGB IEC61966-2.1"),
        "RegistryName" => text_string("http://www.color.org"),
        "Info" => text_string("sRGB IEC61966-2.1"),
        "DestOutputProfile" => profile,
    });
    Object::Array(vec![Object::Reference(intent)])
}

/// A `CIDSet` stream for a CID font program of `num_cids` glyphs with CIDs `0..num_cids`
/// (our subsets number their glyphs densely from 0): one bit per CID, high bit first.
pub(super) fn cid_set(num_cids: u16, deflater: &mut Deflater) -> lopdf::Stream {
    let n = usize::from(num_cids);
    let mut bits = vec![0xFFu8; n / 8];
    if n % 8 != 0 {
        bits.push(0xFFu8 << (8 - n % 8));
    }
    flate_stream(Dictionary::new(), &bits, deflater)
}

/// The document's metadata, shared by the Info dictionary and the XMP packet.
pub(super) struct Metadata<'a> {
    /// `dc:title` / `/Title`.
    pub title: &'a str,
    /// `dc:creator` / `/Author`.
    pub author: &'a str,
    /// `dc:language` (the catalog's `/Lang`).
    pub lang: &'a str,
    /// `xmp:CreatorTool` / `/Creator`.
    pub creator: &'a str,
    /// `pdf:Producer` / `/Producer`.
    pub producer: &'a str,
    /// `xmp:CreateDate`, `xmp:ModifyDate`, `xmp:MetadataDate` (ISO 8601), the same instant as
    /// the Info dictionary's `/CreationDate` and `/ModDate`.
    pub date: &'a str,
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The XMP packet: Dublin Core, XMP basic and Adobe PDF properties equal to the Info
/// dictionary's, and the PDF/A-2b identification.
pub(super) fn xmp(m: &Metadata<'_>) -> String {
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n\
<dc:format>application/pdf</dc:format>\n\
<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n\
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>\n\
<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>\n\
<xmp:CreateDate>{date}</xmp:CreateDate>\n\
<xmp:ModifyDate>{date}</xmp:ModifyDate>\n\
<xmp:MetadataDate>{date}</xmp:MetadataDate>\n\
<xmp:CreatorTool>{creator}</xmp:CreatorTool>\n\
<pdf:Producer>{producer}</pdf:Producer>\n\
<pdfaid:part>2</pdfaid:part>\n\
<pdfaid:conformance>B</pdfaid:conformance>\n\
</rdf:Description>\n\
</rdf:RDF>\n\
</x:xmpmeta>\n\
<?xpacket end=\"w\"?>",
        title = xml_escape(m.title),
        author = xml_escape(m.author),
        lang = xml_escape(m.lang),
        creator = xml_escape(m.creator),
        producer = xml_escape(m.producer),
        date = m.date,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cid_set_marks_exactly_the_cids_of_the_program() {
        let bits = |n: u16| {
            let s = cid_set(n, &mut Deflater::new());
            s.decompressed_content().unwrap_or(s.content)
        };
        assert_eq!(bits(1), [0x80]);
        assert_eq!(bits(8), [0xFF]);
        assert_eq!(bits(11), [0xFF, 0xE0]);
        assert_eq!(bits(16), [0xFF, 0xFF]);
    }

    #[test]
    fn the_icc_profile_is_a_version_2_rgb_display_profile() {
        // Header (ICC.1): size, version, class, colour space, PCS, signature.
        let be32 = |i: usize| u32::from_be_bytes([0, 1, 2, 3].map(|k| SRGB_ICC[i + k]));
        assert_eq!(be32(0) as usize, SRGB_ICC.len());
        assert_eq!(SRGB_ICC[8], 2, "major version");
        assert_eq!(&SRGB_ICC[12..16], b"mntr");
        assert_eq!(&SRGB_ICC[16..20], b"RGB ");
        assert_eq!(&SRGB_ICC[20..24], b"XYZ ");
        assert_eq!(&SRGB_ICC[36..40], b"acsp");
    }

    #[test]
    fn xmp_escapes_and_claims_pdfa_2b() {
        let x = xmp(&Metadata {
            title: "A<&>\"",
            author: "某局",
            lang: "zh-CN",
            creator: "nianbao",
            producer: "nianbao-export 0",
            date: "2025-01-20T00:00:00+08:00",
        });
        assert!(x.contains("A&lt;&amp;&gt;&quot;"));
        assert!(x.contains("<pdfaid:part>2</pdfaid:part>"));
        assert!(x.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
    }
}
