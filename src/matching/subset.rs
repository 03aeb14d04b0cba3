//! Which combination of open amounts sums exactly to a payment — and whether it is the only one.
//! Meet in the middle: all sums of each half (2^(n/2) each), then pairs; bounded by the caller's
//! item limit (24 items: 4,096 sums per half).

use std::collections::HashMap;

#[derive(Debug, PartialEq, Eq)]
pub enum Combination {
    None,
    /// The positions (into the input) of the only combination that fits.
    Unique(Vec<usize>),
    /// At least two combinations fit (two of them shown).
    Several(Vec<usize>, Vec<usize>),
}

fn sums(items: &[i64]) -> Vec<(i64, u32)> {
    let mut out = Vec::with_capacity(1 << items.len());
    out.push((0i64, 0u32));
    for (k, &v) in items.iter().enumerate() {
        let n = out.len();
        for j in 0..n {
            let (s, m) = out[j];
            out.push((s + v, m | (1 << k)));
        }
    }
    out
}

fn positions(mask: u64) -> Vec<usize> {
    (0..64).filter(|k| mask & (1u64 << k) != 0).collect()
}

/// Combinations of at least two of `items` (positive amounts; at most 24 of them) summing to
/// `target`.
pub fn find(items: &[i64], target: i64) -> Combination {
    if items.len() < 2 || items.len() > 24 || target <= 0 {
        return Combination::None;
    }
    let half = items.len() / 2;
    let (left, right) = items.split_at(half);
    let mut by_sum: HashMap<i64, Vec<u32>> = HashMap::new();
    for (s, m) in sums(left) {
        by_sum.entry(s).or_default().push(m);
    }
    let mut found: Vec<u64> = Vec::new();
    for (s, mr) in sums(right) {
        let Some(lefts) = by_sum.get(&(target - s)) else { continue };
        for &ml in lefts {
            let mask = u64::from(ml) | (u64::from(mr) << half);
            if mask.count_ones() >= 2 {
                found.push(mask);
                if found.len() >= 2 {
                    found.sort_unstable();
                    return Combination::Several(positions(found[0]), positions(found[1]));
                }
            }
        }
    }
    match found.first() {
        Some(&m) => Combination::Unique(positions(m)),
        None => Combination::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn unique_and_several() {
        assert_eq!(find(&[100, 250, 400, 75], 325), Combination::Unique(vec![1, 3]));
        assert!(matches!(find(&[100, 100, 50], 150), Combination::Several(..)));
        assert_eq!(find(&[100, 200], 100), Combination::None, "a single item is not a combination");
        assert_eq!(find(&[100, 200], 301), Combination::None);
    }

    proptest! {
        /// Agrees with brute force on small inputs: same count class, and a unique answer is right.
        #[test]
        fn matches_brute_force(items in proptest::collection::vec(1i64..50, 2..10), target in 1i64..200) {
            let n = items.len();
            let mut solutions = Vec::new();
            for m in 1u32..(1 << n) {
                if m.count_ones() >= 2 && (0..n).filter(|k| m & (1 << k) != 0).map(|k| items[k]).sum::<i64>() == target {
                    solutions.push(m);
                }
            }
            match find(&items, target) {
                Combination::None => prop_assert!(solutions.is_empty()),
                Combination::Unique(p) => {
                    prop_assert_eq!(solutions.len(), 1);
                    prop_assert_eq!(p.iter().map(|k| items[*k]).sum::<i64>(), target);
                }
                Combination::Several(a, b) => {
                    prop_assert!(solutions.len() >= 2);
                    prop_assert_ne!(&a, &b);
                    prop_assert_eq!(a.iter().map(|k| items[*k]).sum::<i64>(), target);
                    prop_assert_eq!(b.iter().map(|k| items[*k]).sum::<i64>(), target);
                }
            }
        }
    }
}
