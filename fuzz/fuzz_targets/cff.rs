//! The CID-keyed CFF subsetter on arbitrary font bytes: a glyph count, glyph ids and a bare
//! CFF table (see `nianbao_export::pdf::fuzz_cff_subset`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    nianbao_export::pdf::fuzz_cff_subset(data);
});
