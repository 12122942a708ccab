//! The verifier's walk over expressions, ranges, regions and buffer fields, and the node checks
//! shared by loads and stores (see `verify.rs` for the list of checks).

use super::path::PathStep;
use super::verify::{Verifier, VerifyErrorKind};
use crate::ir::expr::load_dtype;
use crate::ir::{Buffer, BufferRegion, Callee, Expr, IterVar, IterVarType, PrimExpr, Range, Var};

impl Verifier<'_> {
    pub(super) fn exprs(&mut self, exprs: &[PrimExpr]) {
        for (index, e) in exprs.iter().enumerate() {
            self.at(PathStep::Index(index), |v| v.expr(e));
        }
    }

    pub(super) fn range(&mut self, range: &Range) {
        self.field("min", |v| v.expr(&range.min));
        self.field("extent", |v| v.expr(&range.extent));
    }

    pub(super) fn ranges(&mut self, ranges: &[Range]) {
        for (index, r) in ranges.iter().enumerate() {
            self.at(PathStep::Index(index), |v| v.range(r));
        }
    }

    pub(super) fn region(&mut self, region: &BufferRegion) {
        self.field("buffer", |v| v.access_buffer(&region.buffer));
        self.field("region", |v| v.ranges(&region.region));
    }

    pub(super) fn regions(&mut self, regions: &[BufferRegion]) {
        for (index, r) in regions.iter().enumerate() {
            self.at(PathStep::Index(index), |v| v.region(r));
        }
    }

    /// Visits `e` in the field `name` and checks it is a scalar bool.
    pub(super) fn condition(&mut self, name: &'static str, e: &PrimExpr) {
        self.field(name, |v| {
            v.expr(e);
            let dtype = e.dtype();
            if !(dtype.is_bool() && dtype.is_scalar()) {
                let message = format!("{name} must be a scalar bool, not {dtype}");
                v.error(VerifyErrorKind::NonBoolCondition, message);
            }
        });
    }

    /// Visits `e` in the field `name` and checks it is a scalar: TVM's `While` asks only that, and
    /// its `IfThenElse` takes any condition (a nonzero integer is true), so both accept integers.
    pub(super) fn scalar_condition(&mut self, name: &'static str, e: &PrimExpr) {
        self.field(name, |v| {
            v.expr(e);
            let dtype = e.dtype();
            if !dtype.is_scalar() {
                let message = format!("{name} must be a scalar, not {dtype}");
                v.error(VerifyErrorKind::NonBoolCondition, message);
            }
        });
    }

    /// Checks, at `.indices`, that an access gives one index per dimension of `buffer`.
    pub(super) fn check_index_count(&mut self, buffer: &Buffer, count: usize) {
        let rank = buffer.shape().len();
        if count != rank {
            let message = format!(
                "buffer `{}` has {rank} dimension{} but is accessed with {count} ind{}",
                buffer.name(),
                if rank == 1 { "" } else { "s" },
                if count == 1 { "ex" } else { "ices" }
            );
            self.field("indices", |v| v.error(VerifyErrorKind::IndexCount, message));
        }
    }

    /// Checks, at `.value`, that a stored value has the dtype a load at `indices` would have.
    pub(super) fn check_store_dtype(
        &mut self,
        buffer: &Buffer,
        value: &PrimExpr,
        indices: &[PrimExpr],
    ) {
        let expected = load_dtype(buffer, indices);
        if value.dtype() != expected {
            let message = format!(
                "stored value has dtype {} but buffer `{}` of dtype {} takes {expected} here",
                value.dtype(),
                buffer.name(),
                buffer.dtype()
            );
            self.field("value", |v| v.error(VerifyErrorKind::StoreDtype, message));
        }
    }

    /// Defines, at the current path, the data var and the var-valued shape, strides and offset
    /// of a `buffer_map` or `match_buffer` buffer that nothing defined before; returns them.
    pub(super) fn implicit_buffer_defs(&mut self, buffer: &Buffer) -> Vec<Var> {
        let node = buffer.node();
        let mut defined = Vec::new();
        let mut try_define = |v: &mut Self, e: Option<&Var>| {
            if let Some(var) = e
                && v.define_if_undefined(var)
            {
                defined.push(var.clone());
            }
        };
        self.field("data", |v| try_define(v, Some(&node.data)));
        for (name, exprs) in [("shape", &node.shape), ("strides", &node.strides)] {
            self.field(name, |v| {
                for (index, e) in exprs.iter().enumerate() {
                    v.at(PathStep::Index(index), |v| try_define(v, e.as_var()));
                }
            });
        }
        self.field("elem_offset", |v| try_define(v, node.elem_offset.as_var()));
        defined
    }

    /// Visits the expressions of a buffer's shape, strides and offset as uses.
    pub(super) fn buffer_field_uses(&mut self, buffer: &Buffer) {
        let node = buffer.node();
        self.field("shape", |v| v.exprs(&node.shape));
        self.field("strides", |v| v.exprs(&node.strides));
        self.field("elem_offset", |v| v.expr(&node.elem_offset));
    }

    /// Checks and defines a block iter var at the current path.
    pub(super) fn block_iter_var(&mut self, iv: &IterVar) {
        if let Some(dom) = &iv.dom {
            self.field("dom", |v| {
                v.range(dom);
                let dtype = dom.extent.dtype();
                if !dtype.is_integer() || dtype != iv.var.dtype() {
                    let message = format!(
                        "the domain of block iter var `{}` must be an integer of its dtype {}, \
                         not {dtype}",
                        iv.var.name(),
                        iv.var.dtype()
                    );
                    v.field("extent", |v| v.error(VerifyErrorKind::IterVar, message));
                }
            });
        }
        let allowed = matches!(
            iv.iter_type,
            IterVarType::DataPar
                | IterVarType::CommReduce
                | IterVarType::Ordered
                | IterVarType::Opaque
        );
        if !allowed {
            let message = format!(
                "block iter var `{}` has kind {:?}; block iter vars are spatial, reduce, scan or opaque",
                iv.var.name(),
                iv.iter_type
            );
            self.field("iter_type", |v| v.error(VerifyErrorKind::IterVar, message));
        }
        self.field("var", |v| v.define(&iv.var));
    }

    pub(super) fn expr(&mut self, e: &PrimExpr) {
        match e.expr() {
            Expr::IntImm(_) | Expr::FloatImm(_) | Expr::StringImm(_) => {}
            Expr::Var(var) => self.use_var(var),
            Expr::Binary { a, b, .. }
            | Expr::Cmp { a, b, .. }
            | Expr::And(a, b)
            | Expr::Or(a, b) => {
                self.field("a", |v| v.expr(a));
                self.field("b", |v| v.expr(b));
            }
            Expr::Not(a) => self.field("a", |v| v.expr(a)),
            Expr::Cast(value) => self.field("value", |v| v.expr(value)),
            Expr::Select { condition, true_value, false_value } => {
                self.field("condition", |v| v.expr(condition));
                self.field("true_value", |v| v.expr(true_value));
                self.field("false_value", |v| v.expr(false_value));
            }
            Expr::BufferLoad { buffer, indices, predicate } => {
                self.field("buffer", |v| v.access_buffer(buffer));
                self.field("indices", |v| v.exprs(indices));
                self.check_index_count(buffer, indices.len());
                if let Some(p) = predicate {
                    self.field("predicate", |v| v.expr(p));
                }
            }
            Expr::Ramp { base, stride, lanes } => {
                self.field("base", |v| v.expr(base));
                self.field("stride", |v| v.expr(stride));
                self.field("lanes", |v| v.expr(lanes));
            }
            Expr::Broadcast { value, lanes } => {
                self.field("value", |v| v.expr(value));
                self.field("lanes", |v| v.expr(lanes));
            }
            Expr::Shuffle { vectors, indices } => {
                self.field("vectors", |v| v.exprs(vectors));
                self.field("indices", |v| v.exprs(indices));
            }
            Expr::Let { var, value, body } => {
                self.field("value", |v| v.expr(value));
                self.field("var", |v| v.define(var));
                self.field("body", |v| v.expr(body));
                self.undefine(var);
            }
            Expr::Call { op, args } => {
                if let (Callee::Global(global), Some(module)) = (op, self.module)
                    && module.lookup(global.name()).is_none()
                {
                    let message =
                        format!("call to `{}`, which the module does not define", global.name());
                    self.field("op", |v| v.error(VerifyErrorKind::UndefinedFunction, message));
                }
                self.field("args", |v| v.exprs(args));
            }
            Expr::Reduce { combiner, source, init, axis, condition, .. } => {
                self.field("combiner", |v| {
                    let params: Vec<&Var> = combiner.lhs.iter().chain(&combiner.rhs).collect();
                    v.field("lhs", |v| define_all(v, &combiner.lhs));
                    v.field("rhs", |v| define_all(v, &combiner.rhs));
                    v.field("result", |v| v.exprs(&combiner.result));
                    v.field("identity_element", |v| v.exprs(&combiner.identity_element));
                    params.into_iter().rev().for_each(|p| v.undefine(p));
                });
                self.field("axis", |v| {
                    for (index, iv) in axis.iter().enumerate() {
                        v.at(PathStep::Index(index), |v| {
                            if let Some(dom) = &iv.dom {
                                v.field("dom", |v| v.range(dom));
                            }
                            v.field("var", |v| v.define(&iv.var));
                        });
                    }
                });
                self.field("source", |v| v.exprs(source));
                self.field("init", |v| v.exprs(init));
                self.field("condition", |v| v.expr(condition));
                axis.iter().rev().for_each(|iv| self.undefine(&iv.var));
            }
        }
    }
}

fn define_all(v: &mut Verifier<'_>, vars: &[Var]) {
    for (index, var) in vars.iter().enumerate() {
        v.at(PathStep::Index(index), |v| v.define(var));
    }
}
