//! Exam statistics, computed as classical test theory (and Moodle's quiz statistics report)
//! defines them. Pure functions over marks, so the same numbers come out of the report page,
//! the CSV export and the tests.
//!
//! Notation: `S` attempts, item `i` with marks `x_i` out of `max_i`, the attempt's total `X`,
//! and the rest of the test `X_i = X − x_i`. Variances and covariances divide by `S − 1`.
//!
//! - facility `F_i = 100 · mean(x_i) / max_i` (how easy: the mean mark as a percentage);
//! - standard deviation `SD_i = 100 · √V(x_i) / max_i`;
//! - discrimination index `D_i = 100 · C(x_i, X_i) / √(V(x_i) · V(X_i))` (the corrected
//!   item–total correlation: does doing well on this item go with doing well on the rest?);
//! - discriminative efficiency `DE_i = 100 · C(x_i, X_i) / C_max`, where `C_max` pairs the
//!   sorted `x_i` with the sorted `X_i` (the largest covariance these marks could have);
//! - Cronbach's alpha `α = n/(n−1) · (1 − Σ V(x_i) / V(X))` over `n` items (the coefficient
//!   of internal consistency, shown as `100·α`), the error ratio `ER = 100 · √(1 − α)` and the
//!   standard error `SE = ER/100 · SD(X)`.
//!
//! An item not asked in an attempt (a random draw) counts only in the attempts that asked it.

/// Below this many attempts the statistics say little; the report says so.
pub const FEW_ATTEMPTS: usize = 10;
/// A discrimination index below this marks an item to check.
pub const LOW_DISCRIMINATION: f64 = 30.0;
/// Facility above this (everyone gets it) or below [`HARD_FACILITY`] marks an item to check.
pub const EASY_FACILITY: f64 = 95.0;
pub const HARD_FACILITY: f64 = 5.0;

fn mean(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        None
    } else {
        Some(v.iter().sum::<f64>() / v.len() as f64)
    }
}

/// The sample covariance (divided by `n − 1`); `None` below two values.
fn covariance(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() != b.len() || a.len() < 2 {
        return None;
    }
    let (ma, mb) = (mean(a)?, mean(b)?);
    let sum: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    Some(sum / (a.len() - 1) as f64)
}

fn variance(v: &[f64]) -> Option<f64> {
    covariance(v, v)
}

fn sorted(v: &[f64]) -> Vec<f64> {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s
}

/// The correlation of two lists of values, ×100 (`None` below two pairs or without spread).
pub fn correlation(a: &[f64], b: &[f64]) -> Option<f64> {
    let (c, va, vb) = (covariance(a, b)?, variance(a)?, variance(b)?);
    (va > 0.0 && vb > 0.0).then(|| 100.0 * c / (va * vb).sqrt())
}

/// Count, centre and spread of a list of values (scores, minutes).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    pub count: usize,
    pub mean: f64,
    pub median: f64,
    /// Sample standard deviation (`n − 1`); 0 for one value.
    pub sd: f64,
    pub min: f64,
    pub max: f64,
}

pub fn summary(values: &[f64]) -> Option<Summary> {
    let s = sorted(values);
    let n = s.len();
    let mid = n / 2;
    let median = if n % 2 == 1 {
        *s.get(mid)?
    } else {
        (s.get(mid.checked_sub(1)?)? + s.get(mid)?) / 2.0
    };
    Some(Summary {
        count: n,
        mean: mean(&s)?,
        median,
        sd: variance(&s).unwrap_or(0.0).sqrt(),
        min: *s.first()?,
        max: *s.last()?,
    })
}

/// How many values fall in each of `bins` equal bins from `lo` to `hi` (the last bin holds
/// `hi` itself; values outside are counted in the nearest end bin).
pub fn histogram(values: &[f64], lo: f64, hi: f64, bins: usize) -> Vec<u64> {
    let mut counts = vec![0u64; bins];
    if bins == 0 || hi <= lo {
        return counts;
    }
    let width = (hi - lo) / bins as f64;
    for v in values.iter().filter(|v| v.is_finite()) {
        let at = ((v - lo) / width).floor();
        let at = if at < 0.0 { 0 } else { (at as usize).min(bins - 1) };
        if let Some(c) = counts.get_mut(at) {
            *c += 1;
        }
    }
    counts
}

/// One item's figures. `None` where too few attempts (or no spread) leave it undefined.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ItemStats {
    /// Attempts that asked the item.
    pub attempts: usize,
    pub facility: Option<f64>,
    pub sd: Option<f64>,
    pub discrimination: Option<f64>,
    pub efficiency: Option<f64>,
}

crate::domain::named_enum!(
    /// Why an item wants a second look.
    Concern, "item concern" {
        // Better candidates did worse on it than weaker ones.
        NegativeDiscrimination => "NEGATIVE_DISCRIMINATION",
        // It barely separates stronger from weaker candidates.
        LowDiscrimination => "LOW_DISCRIMINATION",
        // Nearly everyone gets it right.
        TooEasy => "TOO_EASY",
        // Nearly no one gets it right.
        TooHard => "TOO_HARD",
    }
);

impl Concern {
    pub fn label(self) -> &'static str {
        match self {
            Concern::NegativeDiscrimination => "Negative discrimination: stronger candidates did worse",
            Concern::LowDiscrimination => "Low discrimination (below 30)",
            Concern::TooEasy => "Very easy (facility above 95%)",
            Concern::TooHard => "Very hard (facility below 5%)",
        }
    }
}

crate::domain::named_enum!(
    /// Which of a candidate's attempts the statistics count.
    AttemptChoice, "attempt choice" {
        First => "FIRST",
        Highest => "HIGHEST",
        Last => "LAST",
        All => "ALL",
    }
);

impl AttemptChoice {
    pub fn label(self) -> &'static str {
        match self {
            AttemptChoice::First => "First attempts",
            AttemptChoice::Highest => "Highest-scoring attempts",
            AttemptChoice::Last => "Last attempts",
            AttemptChoice::All => "All attempts",
        }
    }
}

impl ItemStats {
    pub fn concerns(&self) -> Vec<Concern> {
        let mut out = Vec::new();
        match self.discrimination {
            Some(d) if d < 0.0 => out.push(Concern::NegativeDiscrimination),
            Some(d) if d < LOW_DISCRIMINATION => out.push(Concern::LowDiscrimination),
            _ => {}
        }
        match self.facility {
            Some(f) if f > EASY_FACILITY => out.push(Concern::TooEasy),
            Some(f) if f < HARD_FACILITY => out.push(Concern::TooHard),
            _ => {}
        }
        out
    }
}

/// The test's own figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestStats {
    pub attempts: usize,
    /// Cronbach's alpha as a percentage (the coefficient of internal consistency).
    pub alpha: Option<f64>,
    pub error_ratio: Option<f64>,
    /// In marks.
    pub standard_error: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub items: Vec<ItemStats>,
    pub test: TestStats,
}

/// Analyses `rows` (one per attempt: the marks of each item, `None` where not asked) of items
/// worth `max` marks each.
pub fn analyse(max: &[f64], rows: &[Vec<Option<f64>>]) -> Analysis {
    let totals: Vec<f64> = rows.iter().map(|r| r.iter().flatten().sum::<f64>()).collect();
    let mut items = Vec::with_capacity(max.len());
    let mut item_variances = Vec::with_capacity(max.len());
    for (i, &top) in max.iter().enumerate() {
        let (x, rest): (Vec<f64>, Vec<f64>) = rows
            .iter()
            .zip(&totals)
            .filter_map(|(r, total)| r.get(i).copied().flatten().map(|m| (m, total - m)))
            .unzip();
        let scale = |v: f64| (top > 0.0).then(|| 100.0 * v / top);
        let v_x = variance(&x);
        let v_rest = variance(&rest);
        let c = covariance(&x, &rest);
        let discrimination = match (c, v_x, v_rest) {
            (Some(c), Some(vx), Some(vr)) if vx > 0.0 && vr > 0.0 => Some(100.0 * c / (vx * vr).sqrt()),
            _ => None,
        };
        let c_max = covariance(&sorted(&x), &sorted(&rest));
        let efficiency = match (c, c_max) {
            (Some(c), Some(cm)) if cm > 0.0 => Some(100.0 * c / cm),
            _ => None,
        };
        if let Some(v) = v_x {
            item_variances.push(v);
        }
        items.push(ItemStats {
            attempts: x.len(),
            facility: mean(&x).and_then(scale),
            sd: v_x.map(f64::sqrt).and_then(scale),
            discrimination,
            efficiency,
        });
    }
    let n = item_variances.len() as f64;
    let v_total = variance(&totals);
    let alpha = match v_total {
        Some(vt) if vt > 0.0 && n > 1.0 => {
            Some(n / (n - 1.0) * (1.0 - item_variances.iter().sum::<f64>() / vt))
        }
        _ => None,
    };
    // Alpha can fall below 0 (items that pull apart); the error ratio is then undefined.
    let error_ratio = alpha
        .filter(|a| *a <= 1.0 && *a >= 0.0)
        .map(|a| 100.0 * (1.0 - a).sqrt());
    let standard_error = error_ratio.zip(v_total).map(|(er, vt)| er / 100.0 * vt.sqrt());
    Analysis {
        items,
        test: TestStats {
            attempts: rows.len(),
            alpha: alpha.map(|a| 100.0 * a),
            error_ratio,
            standard_error,
        },
    }
}

/// How often an option was chosen by the top and the bottom third of attempts (by total).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OptionUse {
    pub top: usize,
    pub bottom: usize,
}

/// For each of `options` options, its use in the top and the bottom third: the ⌊S/3⌋ attempts
/// with the highest totals and the ⌊S/3⌋ with the lowest (ties in the order given). Each
/// attempt is its total and the options it chose.
pub fn option_use(attempts: &[(f64, Vec<usize>)], options: usize) -> (Vec<OptionUse>, usize) {
    let third = attempts.len() / 3;
    let mut order: Vec<usize> = (0..attempts.len()).collect();
    order.sort_by(|a, b| {
        let (ta, tb) = (attempts[*a].0, attempts[*b].0);
        tb.total_cmp(&ta).then(a.cmp(b))
    });
    let mut uses = vec![OptionUse::default(); options];
    let top = order.iter().take(third);
    let bottom = order.iter().rev().take(third);
    for (index, is_top) in top.map(|i| (i, true)).chain(bottom.map(|i| (i, false))) {
        for &chosen in &attempts[*index].1 {
            if let Some(u) = uses.get_mut(chosen) {
                if is_top {
                    u.top += 1;
                } else {
                    u.bottom += 1;
                }
            }
        }
    }
    (uses, third)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) {
        let a = a.expect("a value");
        assert!((a - b).abs() < 1e-3, "{a} is not {b}");
    }

    /// Five attempts at three items worth 1, 1 and 2 marks, worked by hand:
    ///
    /// ```text
    ///        item1 item2 item3 | X
    ///   A      1     1     2   | 4
    ///   B      1     0     2   | 3
    ///   C      0     1     1   | 2
    ///   D      1     0     0   | 1
    ///   E      0     0     1   | 1
    /// ```
    ///
    /// Item 1: mean 0.6 → F = 60. Deviations .4 .4 −.6 .4 −.6, squares sum 1.2, V = 1.2/4 = .3,
    /// SD = 100·√.3 = 54.772. Rest X₁ = 3 2 2 0 1, mean 1.6, deviations 1.4 .4 .4 −1.6 −.6,
    /// V = 5.2/4 = 1.3. C = (.56 + .16 − .24 − .64 + .36)/4 = .2/4 = .05.
    /// D = 100·.05/√(.3·1.3) = 5/√.39 = 8.006. Sorted pairs (−.6,−1.6) (−.6,−.6) (.4,.4) (.4,.4)
    /// (.4,1.4) sum .96+.36+.16+.16+.56 = 2.2 → C_max = .55, DE = 100·.05/.55 = 9.091.
    ///
    /// Item 3: mean 1.2 → F = 60; deviations .8 .8 −.2 −1.2 −.2, V = 2.8/4 = .7,
    /// SD = 100·√.7/2 = 41.833. Rest 2 1 1 1 0, mean 1, deviations 1 0 0 0 −1, V = 2/4 = .5;
    /// C = (.8 + .2)/4 = .25; D = 100·.25/√(.7·.5) = 25/√.35 = 42.258. Sorted x: 0 1 1 2 2
    /// (deviations −1.2 −.2 −.2 .8 .8), sorted rest 0 1 1 1 2 (−1 0 0 0 1): C_max =
    /// (1.2 + .8)/4 = .5, DE = 50.
    ///
    /// Test: item variances .3 .3 .7 (item 2: mean .4, squares .36·2 + .16·3 = 1.2, /4), total
    /// X mean 2.2, deviations 1.8 .8 −.2 −1.2 −1.2, V(X) = 6.8/4 = 1.7.
    /// α = 3/2 · (1 − 1.3/1.7) = 0.352941 → 35.294; ER = 100·√(1 − .352941) = 80.440;
    /// SE = .80440 · √1.7 = 1.04881 marks.
    #[test]
    fn a_worked_example_by_hand() {
        let rows: Vec<Vec<Option<f64>>> = [
            [1.0, 1.0, 2.0],
            [1.0, 0.0, 2.0],
            [0.0, 1.0, 1.0],
            [1.0, 0.0, 0.0],
            [0.0, 0.0, 1.0],
        ]
        .iter()
        .map(|r| r.iter().copied().map(Some).collect())
        .collect();
        let a = analyse(&[1.0, 1.0, 2.0], &rows);
        let i1 = a.items[0];
        close(i1.facility, 60.0);
        close(i1.sd, 54.772);
        close(i1.discrimination, 8.006);
        close(i1.efficiency, 9.091);
        let i3 = a.items[2];
        close(i3.facility, 60.0);
        close(i3.sd, 41.833);
        close(i3.discrimination, 42.258);
        close(i3.efficiency, 50.0);
        close(a.items[1].facility, 40.0);
        close(a.test.alpha, 35.294);
        close(a.test.error_ratio, 80.440);
        close(a.test.standard_error, 1.04881);
        assert_eq!(i1.concerns(), vec![Concern::LowDiscrimination]);
        assert!(i3.concerns().is_empty());
    }

    #[test]
    fn an_item_not_asked_counts_only_where_it_was() {
        // Item 2 was drawn in three attempts only; its facility is over those three.
        let rows = vec![
            vec![Some(1.0), Some(1.0)],
            vec![Some(1.0), None],
            vec![Some(0.0), Some(0.0)],
            vec![Some(0.0), Some(1.0)],
        ];
        let a = analyse(&[1.0, 1.0], &rows);
        assert_eq!(a.items[1].attempts, 3);
        close(a.items[1].facility, 66.667);
        assert_eq!(a.items[0].attempts, 4);
    }

    #[test]
    fn no_spread_leaves_the_correlations_undefined() {
        let rows = vec![vec![Some(1.0), Some(1.0)], vec![Some(1.0), Some(0.0)]];
        let a = analyse(&[1.0, 1.0], &rows);
        assert_eq!(a.items[0].discrimination, None, "everyone got item 1");
        assert_eq!(a.items[0].concerns(), vec![Concern::TooEasy]);
        assert_eq!(analyse(&[1.0], &[vec![Some(1.0)]]).test.alpha, None);
        assert_eq!(analyse(&[1.0], &[]).items[0].facility, None);
    }

    #[test]
    fn a_reversed_item_is_negative() {
        // The strongest candidates miss item 3; the weakest get it.
        let rows = vec![
            vec![Some(1.0), Some(1.0), Some(0.0)],
            vec![Some(1.0), Some(1.0), Some(0.0)],
            vec![Some(0.0), Some(1.0), Some(1.0)],
            vec![Some(0.0), Some(0.0), Some(1.0)],
        ];
        let a = analyse(&[1.0, 1.0, 1.0], &rows);
        assert!(a.items[2].discrimination.unwrap() < 0.0);
        assert_eq!(a.items[2].concerns(), vec![Concern::NegativeDiscrimination]);
    }

    #[test]
    fn correlation_of_item_one_with_the_rest() {
        // Item 1 of the worked example against the rest of the test: D₁ = 8.006.
        close(
            correlation(&[1.0, 1.0, 0.0, 1.0, 0.0], &[3.0, 2.0, 2.0, 0.0, 1.0]),
            8.006,
        );
        assert_eq!(correlation(&[1.0, 1.0], &[1.0, 2.0]), None, "no spread");
    }

    #[test]
    fn summaries_and_histograms() {
        let s = summary(&[4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!((s.count, s.mean, s.median, s.min, s.max), (4, 2.5, 2.5, 1.0, 4.0));
        // Deviations ±1.5, ±.5: squares 5, /3.
        assert!((s.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(summary(&[7.0]).unwrap().sd, 0.0);
        assert_eq!(summary(&[]), None);
        assert_eq!(
            histogram(&[0.0, 9.9, 10.0, 55.0, 100.0, 120.0, -1.0], 0.0, 100.0, 10),
            vec![3, 1, 0, 0, 0, 1, 0, 0, 0, 2]
        );
    }

    #[test]
    fn options_by_thirds() {
        // Six attempts: the top two chose option 0, the bottom two option 1.
        let attempts = vec![
            (10.0, vec![0]),
            (2.0, vec![1]),
            (8.0, vec![0]),
            (5.0, vec![2]),
            (1.0, vec![1]),
            (6.0, vec![1]),
        ];
        let (uses, third) = option_use(&attempts, 3);
        assert_eq!(third, 2);
        assert_eq!(uses[0], OptionUse { top: 2, bottom: 0 });
        assert_eq!(uses[1], OptionUse { top: 0, bottom: 2 });
        assert_eq!(uses[2], OptionUse::default());
    }
}
