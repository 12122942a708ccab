//! Sources of decisions for the generator: anything that can pick an index below a bound.
//!
//! Invariant: `choose(n)` returns a value below `n` for every `n >= 1`; an exhausted source keeps
//! returning 0, which the generator treats as "the smallest option", so generation terminates.

/// A source of bounded choices.
pub trait Choices {
    /// Picks a number in `0..n` (`n >= 1`).
    fn choose(&mut self, n: usize) -> usize;

    /// Picks `true` with probability about one in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.choose(n.max(1)) == 0
    }
}

/// A deterministic, seedable generator (SplitMix64), so tests are reproducible without a crate.
#[derive(Clone, Debug)]
pub struct SplitMix {
    state: u64,
}

impl SplitMix {
    pub fn new(seed: u64) -> SplitMix {
        SplitMix { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl Choices for SplitMix {
    fn choose(&mut self, n: usize) -> usize {
        if n <= 1 { 0 } else { (self.next_u64() % n as u64) as usize }
    }
}
