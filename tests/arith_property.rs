//! Property: simplification preserves values. Random integer expressions over loop vars with
//! small ranges are simplified by an Analyzer that knows the ranges, and the simplified expression
//! must evaluate to the original's value at every point of the domain; every condition the
//! analyzer proves must hold at every point.

#[path = "arith_support/dsl.rs"]
mod dsl;

use std::collections::HashMap;

use dsl::*;
use tirscript::arith::Analyzer;
use tirscript::ir::{BinaryOp, CmpOp, Expr, PrimExpr, Range, Var};

/// A small deterministic generator (64-bit LCG), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_expr(rng: &mut Rng, vars: &[E], depth: u32) -> E {
    if depth == 0 || rng.below(4) == 0 {
        return match rng.below(3) {
            0 => c(rng.below(17) as i64 - 4),
            _ => vars[rng.below(vars.len() as u64) as usize].clone(),
        };
    }
    let a = random_expr(rng, vars, depth - 1);
    let b = random_expr(rng, vars, depth - 1);
    let divisor = c([2i64, 3, 4, 8, 16][rng.below(5) as usize]);
    match rng.below(13) {
        9 => a * b,
        10 => select(lt(&a, &b), &a, b),
        11 => tdiv(a, c([2i64, 3, 4][rng.below(3) as usize])),
        12 => tmod(a, c([2i64, 3, 4][rng.below(3) as usize])),
        0 | 1 => a + b,
        2 => a - b,
        3 => a * c(rng.below(9) as i64 - 2),
        4 => fld(a, divisor),
        5 => flm(a, c([2i64, 3, 4, 8, 16][rng.below(5) as usize])),
        6 => min(a, b),
        7 => max(a, b),
        _ => fld(a * c(rng.below(4) as i64 + 1) + b, c([4i64, 8, 16][rng.below(3) as usize])),
    }
}

fn eval(e: &PrimExpr, env: &HashMap<Var, i64>) -> Option<i64> {
    Some(match e.expr() {
        Expr::IntImm(v) => *v,
        Expr::Var(v) => *env.get(v)?,
        Expr::Binary { op, a, b } => {
            let (x, y) = (eval(a, env)?, eval(b, env)?);
            match op {
                BinaryOp::Add => x.checked_add(y)?,
                BinaryOp::Sub => x.checked_sub(y)?,
                BinaryOp::Mul => x.checked_mul(y)?,
                BinaryOp::Div => x.checked_div(y)?,
                BinaryOp::Mod => x.checked_rem(y)?,
                BinaryOp::FloorDiv => x
                    .checked_div_euclid(y)
                    .map(|_| x.div_euclid(y) - i64::from(y < 0 && x.rem_euclid(y) != 0))?,
                BinaryOp::FloorMod => {
                    let r = x.checked_rem(y)?;
                    if r != 0 && ((r < 0) != (y < 0)) { r + y } else { r }
                }
                BinaryOp::Min => x.min(y),
                BinaryOp::Max => x.max(y),
            }
        }
        Expr::Cmp { op, a, b } => {
            let (x, y) = (eval(a, env)?, eval(b, env)?);
            i64::from(match op {
                CmpOp::Eq => x == y,
                CmpOp::Ne => x != y,
                CmpOp::Lt => x < y,
                CmpOp::Le => x <= y,
                CmpOp::Gt => x > y,
                CmpOp::Ge => x >= y,
            })
        }
        Expr::And(a, b) => i64::from(eval(a, env)? != 0 && eval(b, env)? != 0),
        Expr::Or(a, b) => i64::from(eval(a, env)? != 0 || eval(b, env)? != 0),
        Expr::Not(a) => i64::from(eval(a, env)? == 0),
        Expr::Select { condition, true_value, false_value } => {
            if eval(condition, env)? != 0 {
                eval(true_value, env)?
            } else {
                eval(false_value, env)?
            }
        }
        _ => return None,
    })
}

#[test]
fn simplification_preserves_values_over_loop_domains() {
    let extents = [4i64, 7, 16];
    let names = ["i", "j", "k"];
    let (vars, exprs): (Vec<Var>, Vec<E>) = names.iter().map(|n| var(n)).unzip();
    // `ARITH_PROPERTY_SEED` and `ARITH_PROPERTY_CASES` widen the search beyond the default sample.
    let env_number = |key: &str, default: u64| {
        std::env::var(key).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
    };
    let mut rng = Rng(env_number("ARITH_PROPERTY_SEED", 0x5eed));
    let mut checked = 0;
    for case in 0..env_number("ARITH_PROPERTY_CASES", 400) {
        let e = random_expr(&mut rng, &exprs, 4);
        let cond = lt(random_expr(&mut rng, &exprs, 3), random_expr(&mut rng, &exprs, 3));
        let mut analyzer = Analyzer::new();
        for (v, extent) in vars.iter().zip(extents) {
            analyzer.bind(v, &Range::from_extent(PrimExpr::i32(extent as i32)));
        }
        let simplified = analyzer.simplify(&e.0);
        let simplified_cond = analyzer.simplify(&cond.0);
        let proved = analyzer.can_prove(&cond.0);
        for i in 0..extents[0] {
            for j in 0..extents[1] {
                for k in 0..extents[2] {
                    let env: HashMap<Var, i64> = vars.iter().cloned().zip([i, j, k]).collect();
                    let (Some(before), Some(after)) = (eval(&e.0, &env), eval(&simplified, &env))
                    else {
                        continue;
                    };
                    assert_eq!(
                        before,
                        after,
                        "case {case}: {} simplified to {} differs at i={i} j={j} k={k}",
                        show(&e.0),
                        show(&simplified)
                    );
                    let c_before = eval(&cond.0, &env);
                    assert_eq!(
                        c_before,
                        eval(&simplified_cond, &env),
                        "case {case}: {} simplified to {} differs at i={i} j={j} k={k}",
                        show(&cond.0),
                        show(&simplified_cond)
                    );
                    if proved {
                        assert_eq!(
                            c_before,
                            Some(1),
                            "case {case}: proved {} but it fails",
                            show(&cond.0)
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 100_000, "too few points were evaluated: {checked}");
}
