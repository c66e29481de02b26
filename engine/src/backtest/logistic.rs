//! A small L2-regularised logistic regression, fitted by Newton's method (iteratively
//! reweighted least squares): enough for a score's dozen rules, with no linear-algebra crate.
//!
//! The features are standardised (mean 0, standard deviation 1 over the rows fitted) before
//! fitting, so that the penalty weighs a `when` rule (0 or 1) and a `per` rule (a count up to
//! 30, say) alike; the weights are turned back to the features' own units afterwards. A
//! feature that never varies gets no weight: the data says nothing about it.
//!
//! The fit minimises the mean log-loss plus `l2 / 2` times the sum of the squared
//! (standardised) weights, the intercept left out of the penalty:
//!
//! ```text
//! L(b, w) = 1/n * sum_i [ log(1 + e^z_i) - y_i z_i ] + l2/2 * |w|^2,   z_i = b + w . x_i
//! ```
//!
//! `L` is strictly convex in `w` when `l2 > 0`, so Newton's steps converge; each step is
//! halved until `L` does not grow (a guard for the first steps from far away). The fit stops
//! when no coordinate of a step moves by more than `TOLERANCE`, or after
//! [`MAX_ITERATIONS`] steps (then `converged` is false).

use serde::Serialize;

/// A step smaller than this in every coordinate (standardised units) ends the fit.
pub const TOLERANCE: f64 = 1e-9;
/// The most Newton steps taken.
pub const MAX_ITERATIONS: usize = 100;

/// A fitted model, in the features' own units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Logistic {
    /// The log-odds of a lead with every feature at 0.
    pub intercept: f64,
    /// Each feature's log-odds per unit; `None` for a feature that never varies.
    pub weights: Vec<Option<f64>>,
    /// Newton steps taken.
    pub iterations: usize,
    /// Whether the last step was under `TOLERANCE`.
    pub converged: bool,
}

/// Fits `y` (true for a converted lead) on the rows of `x` (one feature vector a lead, all of
/// the same length). `None` unless `y` holds both outcomes.
pub fn fit(x: &[Vec<f64>], y: &[bool], l2: f64) -> Option<Logistic> {
    let n = x.len();
    let positives = y.iter().filter(|y| **y).count();
    if n == 0 || n != y.len() || positives == 0 || positives == n {
        return None;
    }
    let width = x[0].len();
    // Standardise each feature that varies; `used` maps model columns to features.
    let mut used = Vec::new();
    let (mut means, mut sds) = (Vec::new(), Vec::new());
    for j in 0..width {
        let column = x.iter().map(|row| row.get(j).copied().unwrap_or(0.0));
        let mean = column.clone().sum::<f64>() / n as f64;
        let var = column.map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64;
        if var > 1e-12 {
            used.push(j);
            means.push(mean);
            sds.push(var.sqrt());
        }
    }
    // Column 0 is the intercept.
    let rows: Vec<Vec<f64>> = x
        .iter()
        .map(|row| {
            std::iter::once(1.0)
                .chain(
                    used.iter()
                        .enumerate()
                        .map(|(k, j)| (row.get(*j).copied().unwrap_or(0.0) - means[k]) / sds[k]),
                )
                .collect()
        })
        .collect();
    let (beta, iterations, converged) = newton(&rows, y, l2);
    let mut weights = vec![None; width];
    let mut intercept = beta[0];
    for (k, j) in used.iter().enumerate() {
        let w = beta[k + 1] / sds[k];
        intercept -= w * means[k];
        weights[*j] = Some(w);
    }
    Some(Logistic {
        intercept,
        weights,
        iterations,
        converged,
    })
}

/// The penalised mean log-loss of `beta` (intercept first, unpenalised).
fn loss(rows: &[Vec<f64>], y: &[bool], beta: &[f64], l2: f64) -> f64 {
    let data: f64 = rows
        .iter()
        .zip(y)
        .map(|(row, y)| {
            let z = dot(row, beta);
            // log(1 + e^z), without overflow for large z.
            let softplus = if z > 0.0 {
                z + (-z).exp().ln_1p()
            } else {
                z.exp().ln_1p()
            };
            softplus - if *y { z } else { 0.0 }
        })
        .sum();
    let penalty: f64 = beta[1..].iter().map(|b| b * b).sum();
    data / rows.len() as f64 + l2 / 2.0 * penalty
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// Newton's method from 0: the coefficients, the steps taken and whether it converged.
fn newton(rows: &[Vec<f64>], y: &[bool], l2: f64) -> (Vec<f64>, usize, bool) {
    let (n, width) = (rows.len() as f64, rows[0].len());
    let mut beta = vec![0.0; width];
    let mut current = loss(rows, y, &beta, l2);
    for iteration in 1..=MAX_ITERATIONS {
        let mut gradient = vec![0.0; width];
        let mut hessian = vec![vec![0.0; width]; width];
        for (row, y) in rows.iter().zip(y) {
            let p = 1.0 / (1.0 + (-dot(row, &beta)).exp());
            let (residual, w) = (p - f64::from(u8::from(*y)), p * (1.0 - p));
            for ((g, h), ra) in gradient.iter_mut().zip(&mut hessian).zip(row) {
                *g += residual * ra / n;
                for (h, rb) in h.iter_mut().zip(row) {
                    *h += w * ra * rb / n;
                }
            }
        }
        // The penalty, on every coefficient but the intercept.
        for (a, (g, b)) in gradient.iter_mut().zip(&beta).enumerate().skip(1) {
            *g += l2 * b;
            hessian[a][a] += l2;
        }
        let Some(step) = solve(hessian, gradient) else {
            return (beta, iteration, false);
        };
        // Halve the step until the loss does not grow.
        let mut scale = 1.0;
        let mut next: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b - s).collect();
        let mut next_loss = loss(rows, y, &next, l2);
        while next_loss > current && scale > 1e-6 {
            scale /= 2.0;
            next = beta.iter().zip(&step).map(|(b, s)| b - scale * s).collect();
            next_loss = loss(rows, y, &next, l2);
        }
        let moved = step.iter().map(|s| (scale * s).abs()).fold(0.0, f64::max);
        beta = next;
        current = next_loss;
        if moved < TOLERANCE {
            return (beta, iteration, true);
        }
    }
    (beta, MAX_ITERATIONS, false)
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting; `None` when `a` is
/// singular (which the penalty rules out, but only an intercept with every lead at p = 0 or
/// 1 could make).
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|i, j| a[*i][col].abs().total_cmp(&a[*j][col].abs()))?;
        if a[pivot][col].abs() < 1e-300 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let f = a[row][col] / a[col][col];
            let pivot_row = a[col].clone();
            for (x, p) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let rest: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - rest) / a[row][row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feature_that_predicts_gets_a_positive_weight_and_noise_about_none() {
        // y = (a == 1), flipped in one row of five: P(y | a) is 0.8 or 0.2, whatever b.
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..400 {
            let a = (i % 2) as f64;
            let b = ((i / 2) % 2) as f64;
            x.push(vec![a, b, 7.0]);
            y.push((a == 1.0) != (i % 10 < 2));
        }
        let m = fit(&x, &y, 0.01).unwrap();
        assert!(m.converged, "{m:?}");
        let (a, b) = (m.weights[0].unwrap(), m.weights[1].unwrap());
        assert!(a > 2.0 && a < 2.7726, "{m:?}");
        assert!(b.abs() < 0.1, "{m:?}");
        assert_eq!(m.weights[2], None, "a constant feature says nothing");
        // With a weaker penalty the weight grows towards the unpenalised log-odds ratio,
        // ln(0.8/0.2) - ln(0.2/0.8) = 2.77.
        let loose = fit(&x, &y, 1e-6).unwrap();
        assert!(loose.weights[0].unwrap() > a, "{loose:?}");
        assert!(
            (loose.weights[0].unwrap() - 2.7726).abs() < 0.001,
            "{loose:?}"
        );
    }

    #[test]
    fn one_outcome_only_or_no_rows_cannot_be_fitted() {
        assert_eq!(fit(&[vec![1.0], vec![0.0]], &[true, true], 0.01), None);
        assert_eq!(fit(&[], &[], 0.01), None);
    }

    #[test]
    fn separable_data_stays_finite_under_the_penalty() {
        let x: Vec<Vec<f64>> = (0..20).map(|i| vec![i as f64]).collect();
        let y: Vec<bool> = (0..20).map(|i| i >= 10).collect();
        let m = fit(&x, &y, 0.01).unwrap();
        assert!(m.converged && m.weights[0].unwrap().is_finite() && m.weights[0].unwrap() > 0.0);
    }

    #[test]
    fn solve_finds_the_solution_and_refuses_a_singular_matrix() {
        let x = solve(vec![vec![2.0, 1.0], vec![1.0, 3.0]], vec![3.0, 5.0]).unwrap();
        assert!(
            (x[0] - 0.8).abs() < 1e-12 && (x[1] - 1.4).abs() < 1e-12,
            "{x:?}"
        );
        assert_eq!(
            solve(vec![vec![1.0, 2.0], vec![2.0, 4.0]], vec![1.0, 2.0]),
            None
        );
    }
}
