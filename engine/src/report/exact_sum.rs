//! A sum of floats that is exact until it is read: the same whatever order the values come
//! in, and however they were split between parts that are merged later (a Spark partition,
//! a worker's chunk). A plain `f64` running sum rounds at each addition, so the parts' sums
//! added together differ in their last digits from the sum of the whole; a report would then
//! depend on how its leads were split.
//!
//! This is Shewchuk's algorithm (as Python's `math.fsum`): the sum is held as a few
//! non-overlapping partials whose exact total is the true sum, and only the read rounds,
//! once, to the nearest `f64`. The `xsum` crate sums faster but cannot merge two sums or be
//! written to bytes, which is what a report part needs.

use serde::{Deserialize, Serialize};

/// The exact sum of the values added (see the module's documentation).
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ExactSum {
    /// Non-overlapping, in increasing magnitude; their exact total is the sum.
    partials: Vec<f64>,
    /// The infinities and NaNs added, and sums that overflowed: when not zero, the sum is
    /// this (infinite or NaN), and a metric over it has no value.
    special: f64,
}

impl ExactSum {
    pub(crate) fn add(&mut self, mut x: f64) {
        if !x.is_finite() {
            self.special += x;
            return;
        }
        let mut kept = 0;
        for j in 0..self.partials.len() {
            let mut y = self.partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            // `hi + lo` is exactly `x + y` (Knuth's two-sum, with |x| >= |y|).
            let hi = x + y;
            if !hi.is_finite() {
                self.special += hi;
                return;
            }
            let lo = y - (hi - x);
            if lo != 0.0 {
                self.partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        self.partials.truncate(kept);
        self.partials.push(x);
    }

    /// Adds everything `other` holds: the sum of both, exactly.
    pub(crate) fn merge(&mut self, other: &ExactSum) {
        for &p in &other.partials {
            self.add(p);
        }
        self.special += other.special;
    }

    /// The sum, rounded once to the nearest `f64` (ties to even).
    pub(crate) fn value(&self) -> f64 {
        if self.special != 0.0 || self.special.is_nan() {
            return self.special;
        }
        let p = &self.partials;
        let Some(&last) = p.last() else {
            return 0.0;
        };
        let (mut hi, mut lo) = (last, 0.0);
        let mut n = p.len() - 1;
        while n > 0 {
            n -= 1;
            let (x, y) = (hi, p[n]);
            hi = x + y;
            lo = y - (hi - x);
            if lo != 0.0 {
                break;
            }
        }
        // `hi + lo` rounded to even may be wrong when the partials below `lo` push the exact
        // sum past the halfway point: they have the sign of `lo`, so round away from `hi`.
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            if y == x - hi {
                hi = x;
            }
        }
        hi
    }
}

#[cfg(test)]
mod tests {
    use super::ExactSum;
    use proptest::prelude::*;

    fn sum(values: &[f64]) -> f64 {
        let mut s = ExactSum::default();
        values.iter().for_each(|v| s.add(*v));
        s.value()
    }

    #[test]
    fn sums_exactly_where_a_running_sum_rounds() {
        assert_eq!(sum(&[]), 0.0);
        assert_eq!(sum(&[0.1; 10]), 1.0);
        assert_ne!([0.1; 10].iter().sum::<f64>(), 1.0);
        assert_eq!(sum(&[1e100, 1.0, -1e100]), 1.0);
        // An overflow stays infinite (Python raises): the metric has no value.
        assert_eq!(sum(&[1e308, 1e308, -1e308]), f64::INFINITY);
        assert!(sum(&[f64::NAN, 1.0]).is_nan());
        assert!(sum(&[f64::INFINITY, f64::NEG_INFINITY]).is_nan());
        // A tie broken by a partial far below: Python's `math.fsum` gives the same.
        assert_eq!(
            sum(&[1.0, 2f64.powi(-53), 2f64.powi(-106)]),
            1.0 + f64::EPSILON
        );
    }

    proptest! {
        /// Any split of the values into two parts, merged, gives the sum of the whole, and
        /// so does any order.
        #[test]
        fn a_split_merged_is_the_sum_of_the_whole(
            values in prop::collection::vec(-1e12f64..1e12, 0..60),
            cut in 0usize..60,
        ) {
            let cut = cut.min(values.len());
            let (mut left, mut right) = (ExactSum::default(), ExactSum::default());
            values[..cut].iter().for_each(|v| left.add(*v));
            values[cut..].iter().for_each(|v| right.add(*v));
            right.merge(&left);
            let mut reversed = values.clone();
            reversed.reverse();
            prop_assert_eq!(right.value(), sum(&values));
            prop_assert_eq!(sum(&reversed), sum(&values));
        }
    }
}
