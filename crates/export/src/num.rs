//! Short, stable decimal numbers for the writers of the paginated formats (PDF content
//! streams, OFD coordinates): fixed point, at most N decimals, no trailing zeros.

/// A fixed-point number written without float formatting, which was a tenth of the whole
/// PDF export (the content streams hold tens of thousands of numbers). Writes what
/// `format!("{:.N}")` of the rounded value wrote, minus trailing zeros, and `0` for `-0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Num {
    /// The value in units of 10^-decimals.
    units: i64,
    decimals: u32,
}

impl Num {
    /// `v` rounded to `decimals` decimals.
    pub(crate) fn new(v: f64, decimals: u32) -> Num {
        Num {
            units: (v * 10f64.powi(decimals as i32)).round() as i64,
            decimals,
        }
    }

    /// A number given in units of 10^-`decimals` (exact: sums and differences of rounded
    /// values do not drift).
    pub(crate) fn from_units(units: i64, decimals: u32) -> Num {
        Num { units, decimals }
    }
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write as _;
        if self.units < 0 {
            f.write_char('-')?;
        }
        let scale = 10u64.pow(self.decimals);
        let a = self.units.unsigned_abs();
        write!(f, "{}", a / scale)?;
        let (mut frac, mut digits) = (a % scale, self.decimals as usize);
        if frac == 0 {
            return Ok(());
        }
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        write!(f, ".{frac:0digits$}")
    }
}
