//! InjectDoubleBuffer (TVM v0.23 `tir.InjectDoubleBuffer`): a buffer filled and used in each
//! iteration of a loop gets two halves, so iteration `i + 1` fills one while `i` reads the other.
//!
//! Input: `T.attr(B_data, "double_buffer_scope", 1)` inside a loop, over the statements that fill
//! `B` (in TVMScript, everything after the `T.attr` line), with `B_data` allocated inside that
//! loop. A buffer whose data var is used anywhere after the attribute other than through loads
//! and stores is left alone (the attribute is dropped), as TVM's detector does.
//!
//! For each such buffer (stride `s`, the allocation's one extent) in loop `i` of extent `n`:
//! - the allocation moves in front of the loop with extent `2 * s` (a `DeclBuffer` right inside
//!   it moves too, declaring the larger buffer);
//! - the scope's body, with stores to `B[k]` written to `B[i.db * s + k]` and loads from `B[k]`
//!   read from `B[i % 2 * s + k]`, runs once before the loop for `i = 0` (`i.db = 0`), and in the
//!   loop as `if i + 1 < n:` the body for iteration `i + 1` (`i.db = (i + 1) % 2`), marked
//!   `T.attr(B_data, "double_buffer_write", 1)`;
//! - with `split_loop` (config `tir.InjectDoubleBuffer.split_loop`, default 1; 0 keeps the loop
//!   whole) `k`, the loop runs `(n - 1) / k` times over `i.outer`, its body copied for
//!   `i = i.outer * k + 0 .. k - 1`, followed by `k` tail copies `if base + j < n:` (the write
//!   attribute stripped) for the last iterations.
//!
//! The result goes through ConvertSSA, as the copies define the same loop and let vars.
//! Errors where TVM stops: a scope outside any loop, a multi-dimensional double buffer, a store
//! to it outside its scope, a load before its scope, an odd split factor other than 1, a split
//! loop not starting at zero. TVM silently drops a double buffer allocated outside the loop of
//! its scope (its allocation is never re-emitted); that is an error here.

mod detect;
mod split;

use std::collections::{HashMap, HashSet};

use crate::arith::ops;
use crate::ir::mutate::{map_expr_children, map_stmt_children, substitute};
use crate::ir::{
    AttrValue, Buffer, BufferNode, CmpOp, Expr, For, IrError, PrimExpr, PrimFunc, Stmt, StmtNode,
    Var,
};
use crate::transform::block_lowering_util::{map_stmt_exprs, map_stmt_tree_exprs};
use crate::transform::context::PassContext;
use crate::transform::convert_ssa::convert_ssa;
use crate::transform::pass::Pass;

/// The config key of the loop split factor.
pub const SPLIT_LOOP_KEY: &str = "tir.InjectDoubleBuffer.split_loop";

/// Double-buffers every buffer of `func` under a `double_buffer_scope`, splitting each loop
/// concerned by `split_loop` (TVM's default is 1).
pub fn inject_double_buffer(func: PrimFunc, split_loop: i64) -> Result<PrimFunc, IrError> {
    let buffers = detect::double_buffers(&func.body);
    if buffers.is_empty() {
        return Ok(func);
    }
    let mut injector = Injector {
        split_loop,
        entries: buffers.into_iter().map(|v| (v, Entry::default())).collect(),
        ..Injector::default()
    };
    let body = injector.stmt(&func.body)?;
    convert_ssa(PrimFunc { body, ..func })
}

/// The pass `tir.InjectDoubleBuffer` (opt level 0, per function), its split factor from the
/// context.
pub fn pass() -> Pass {
    Pass::prim_func("tir.InjectDoubleBuffer", 0, |f, ctx: &PassContext| {
        let split_loop = ctx.config_int(SPLIT_LOOP_KEY).unwrap_or(1);
        Ok(inject_double_buffer(f, split_loop)?)
    })
}

/// What is known of one double buffer.
#[derive(Default)]
struct Entry {
    /// The extent of one half.
    stride: Option<PrimExpr>,
    /// The loop var of the loop its scope is in.
    loop_var: Option<Var>,
    /// `i.db`, the half the body of its scope writes.
    switch_write: Option<Var>,
    /// `i % 2`, the half that is read.
    switch_read: Option<PrimExpr>,
}

#[derive(Default)]
struct Injector {
    split_loop: i64,
    in_scope: bool,
    /// The loops around the statement being visited.
    loop_nest: Vec<For>,
    /// Loops already rewritten, by loop var.
    finished_loops: HashSet<Var>,
    /// Allocations to put around a loop, by loop var.
    loop_allocs: HashMap<Var, Vec<Stmt>>,
    /// Statements to put before a loop (the first iteration's fill), by loop var.
    loop_pre: HashMap<Var, Vec<Stmt>>,
    entries: HashMap<Var, Entry>,
    /// Buffers with two halves, by original buffer id.
    buffer_remap: HashMap<u64, Buffer>,
}

const FLAT_ONLY: &str = "InjectDoubleBuffer expects flat 1-d buffers.  Has FlattenBuffer been run?";

impl Injector {
    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::AttrStmt { attr_key, node, body, .. }
                if attr_key == "double_buffer_scope" =>
            {
                self.make_producer(node, body)
            }
            StmtNode::Allocate { buffer_var, .. } if self.entries.contains_key(buffer_var) => {
                self.allocation(s, buffer_var)
            }
            StmtNode::For(l) => self.for_loop(s, l),
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                let value = self.expr(value)?;
                let mut indices = indices.iter().map(|e| self.expr(e)).collect::<Result<_, _>>()?;
                let predicate = predicate.as_ref().map(|p| self.expr(p)).transpose()?;
                let mut buffer = buffer.clone();
                if let Some(entry) = self.entries.get(buffer.data()) {
                    let (Some(write), Some(stride), true) =
                        (&entry.switch_write, &entry.stride, self.in_scope)
                    else {
                        return Err(IrError::invalid(format!(
                            "the double buffer `{}` is stored to outside its double_buffer_scope",
                            buffer.name()
                        )));
                    };
                    let stride = stride.clone();
                    let half = ops::mul(PrimExpr::var(write), stride.clone())?;
                    indices = self.shift_index(indices, half)?;
                    buffer = self.remapped_buffer(&buffer, &stride)?;
                }
                Ok(Stmt::new(StmtNode::BufferStore { buffer, value, indices, predicate }))
            }
            _ => {
                let s = map_stmt_children(s, &mut |c| self.stmt(c))?;
                map_stmt_exprs(&s, &mut |e| self.expr(e))
            }
        }
    }

    /// `[half + index]` for the one index of a flat access.
    fn shift_index(
        &self,
        indices: Vec<PrimExpr>,
        half: PrimExpr,
    ) -> Result<Vec<PrimExpr>, IrError> {
        let [index] = indices.as_slice() else { return Err(IrError::invalid(FLAT_ONLY)) };
        Ok(vec![ops::add(half, index.clone())?])
    }

    fn expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        match e.expr() {
            Expr::Var(v) if self.entries.contains_key(v) => Err(IrError::invalid(format!(
                "the double buffer data `{}` is used outside a load or store",
                v.name()
            ))),
            Expr::BufferLoad { buffer, .. } => {
                let e = map_expr_children(e, &mut |c| self.expr(c))?;
                let Some(entry) = self.entries.get(buffer.data()) else { return Ok(e) };
                let (Some(read), Some(stride)) = (&entry.switch_read, &entry.stride) else {
                    return Err(IrError::invalid(format!(
                        "the double buffer `{}` is loaded before its double_buffer_scope",
                        buffer.name()
                    )));
                };
                let (read, stride) = (read.clone(), stride.clone());
                let Expr::BufferLoad { indices, predicate, .. } = e.expr() else { return Ok(e) };
                let half = ops::mul(read, stride.clone())?;
                let indices = self.shift_index(indices.clone(), half)?;
                let buffer = self.remapped_buffer(buffer, &stride)?;
                PrimExpr::new(
                    e.dtype(),
                    Expr::BufferLoad { buffer, indices, predicate: predicate.clone() },
                )
            }
            _ => map_expr_children(e, &mut |c| self.expr(c)),
        }
    }

    /// The buffer with both halves: its one dimension grows by the stride.
    fn remapped_buffer(&mut self, buffer: &Buffer, stride: &PrimExpr) -> Result<Buffer, IrError> {
        if let Some(b) = self.buffer_remap.get(&buffer.id()) {
            return Ok(b.clone());
        }
        let node = buffer.node();
        let [dim] = node.shape.as_slice() else { return Err(IrError::invalid(FLAT_ONLY)) };
        let remapped = Buffer::new(BufferNode {
            shape: vec![ops::add(dim.clone(), stride.clone())?],
            ..node.clone()
        });
        self.buffer_remap.insert(buffer.id(), remapped.clone());
        Ok(remapped)
    }

    /// Rewrites a `double_buffer_scope` body into the guarded fill of the next iteration, and
    /// records the fill of the first iteration for the loop.
    fn make_producer(&mut self, node: &AttrValue, body: &Stmt) -> Result<Stmt, IrError> {
        let AttrValue::Expr(e) = node else {
            return Err(IrError::invalid("a double_buffer_scope must be on a buffer data var"));
        };
        let Some(data) = e.as_var().cloned() else {
            return Err(IrError::invalid("a double_buffer_scope must be on a buffer data var"));
        };
        let Some(l) = self.loop_nest.last().cloned() else {
            return Err(IrError::invalid("Double buffer scope must be inside a loop"));
        };
        if !self.entries.contains_key(&data) {
            // TVM warns "Skip double buffer scope" and drops the attribute.
            return self.stmt(body);
        }
        let loop_var = l.loop_var.clone();
        let dtype = loop_var.dtype();
        let int = |v: i64| PrimExpr::int(v, dtype);
        let write = Var::new(format!("{}.db", loop_var.name()), dtype);
        let read = ops::floormod(PrimExpr::var(&loop_var), int(2))?;
        if let Some(entry) = self.entries.get_mut(&data) {
            entry.loop_var = Some(loop_var.clone());
            entry.switch_write = Some(write.clone());
            entry.switch_read = Some(read);
        }
        self.in_scope = true;
        let body = self.stmt(body);
        self.in_scope = false;
        let body = body?;
        let first = HashMap::from([(write.clone(), int(0)), (loop_var.clone(), int(0))]);
        let pre = map_stmt_tree_exprs(&body, &mut |e| Ok(substitute(e, &first)))?;
        self.loop_pre.entry(loop_var.clone()).or_default().push(pre);
        let shift = ops::add(PrimExpr::var(&loop_var), int(1))?;
        let next = HashMap::from([
            (loop_var.clone(), shift.clone()),
            (write, ops::floormod(shift.clone(), int(2))?),
        ]);
        let body = map_stmt_tree_exprs(&body, &mut |e| Ok(substitute(e, &next)))?;
        let body = Stmt::new(StmtNode::AttrStmt {
            node: node.clone(),
            attr_key: "double_buffer_write".to_string(),
            value: PrimExpr::i32(1),
            body,
        });
        Ok(Stmt::new(StmtNode::IfThenElse {
            condition: ops::compare(CmpOp::Lt, shift, l.extent.clone())?,
            then_case: body,
            else_case: None,
        }))
    }

    /// Moves a double buffer's allocation (doubled) to its loop; returns the allocation's body.
    fn allocation(&mut self, s: &Stmt, data: &Var) -> Result<Stmt, IrError> {
        let StmtNode::Allocate { extents, .. } = s.node() else { return Ok(s.clone()) };
        let [stride] = extents.as_slice() else { return Err(IrError::invalid(FLAT_ONLY)) };
        if let Some(entry) = self.entries.get_mut(data) {
            entry.stride = Some(stride.clone());
        }
        let visited = map_stmt_children(s, &mut |c| self.stmt(c))?;
        let visited = map_stmt_exprs(&visited, &mut |e| self.expr(e))?;
        let StmtNode::Allocate { dtype, extents, condition, body, annotations, .. } =
            visited.node()
        else {
            return Ok(visited);
        };
        let loop_var = self.entries.get(data).and_then(|e| e.loop_var.clone());
        let Some(loop_var) = loop_var else {
            return Err(IrError::invalid(format!(
                "the double buffer `{}` has no double_buffer_scope inside its allocation",
                data.name()
            )));
        };
        if self.finished_loops.contains(&loop_var) {
            return Err(IrError::invalid(format!(
                "the double buffer `{}` must be allocated inside the loop `{}` of its \
                 double_buffer_scope",
                data.name(),
                loop_var.name()
            )));
        }
        let half = extents[0].clone();
        let doubled = ops::mul(half.clone(), PrimExpr::int(2, half.dtype()))?;
        let mut nest = vec![Stmt::new(StmtNode::Allocate {
            buffer_var: data.clone(),
            dtype: *dtype,
            extents: vec![doubled],
            condition: condition.clone(),
            body: Stmt::no_op(),
            annotations: annotations.clone(),
        })];
        let mut body = body.clone();
        if let StmtNode::DeclBuffer { buffer, body: inner } = body.node() {
            let stride = self.entries.get(data).and_then(|e| e.stride.clone()).unwrap_or(half);
            let buffer = self.remapped_buffer(buffer, &stride)?;
            nest.push(Stmt::new(StmtNode::DeclBuffer { buffer, body: Stmt::no_op() }));
            body = inner.clone();
        }
        self.loop_allocs.entry(loop_var).or_default().extend(nest);
        Ok(body)
    }

    fn for_loop(&mut self, s: &Stmt, l: &For) -> Result<Stmt, IrError> {
        self.loop_nest.push(l.clone());
        let visited = map_stmt_children(s, &mut |c| self.stmt(c));
        self.loop_nest.pop();
        let visited = map_stmt_exprs(&visited?, &mut |e| self.expr(e))?;
        let mut out = visited.clone();
        if let Some(pre) = self.loop_pre.remove(&l.loop_var) {
            if self.split_loop != 0 {
                let StmtNode::For(new_loop) = visited.node() else { return Ok(visited) };
                out = split::split_loop(new_loop, self.split_loop)?;
            }
            out = Stmt::seq(pre.into_iter().chain([out]).collect());
        }
        self.finished_loops.insert(l.loop_var.clone());
        if let Some(allocs) = self.loop_allocs.remove(&l.loop_var) {
            out = merge_nest(allocs, out);
        }
        Ok(out)
    }
}

/// `stmt` inside the nest of allocations and declarations (each with a no-op body), outermost
/// first.
fn merge_nest(nest: Vec<Stmt>, stmt: Stmt) -> Stmt {
    nest.into_iter().rev().fold(stmt, |body, outer| match outer.node() {
        StmtNode::Allocate { buffer_var, dtype, extents, condition, annotations, .. } => {
            Stmt::new(StmtNode::Allocate {
                buffer_var: buffer_var.clone(),
                dtype: *dtype,
                extents: extents.clone(),
                condition: condition.clone(),
                body,
                annotations: annotations.clone(),
            })
        }
        StmtNode::DeclBuffer { buffer, .. } => {
            Stmt::new(StmtNode::DeclBuffer { buffer: buffer.clone(), body })
        }
        _ => Stmt::seq(vec![outer.clone(), body]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> PrimFunc {
        let parsed = crate::eval::parse_script("test.tir", source);
        let module = parsed.module.expect("the test program parses");
        let (_, func) = module.functions().next().expect("one function");
        (**func).clone()
    }

    const PROGRAM: &str = "# from tvm.script import tir as T\n\n@T.prim_func\ndef main(A: T.Buffer((64,), \"float32\"), C: T.Buffer((64,), \"float32\")):\n    for i in range(8):\n        B_data = T.allocate([8], \"float32\", \"global\")\n        B = T.Buffer((8,), data=B_data)\n        with T.attr(B_data, \"double_buffer_scope\", 1):\n            for j in range(8):\n                B[j] = A[i * 8 + j]\n        for j in range(8):\n            C[i * 8 + j] = B[j]\n";

    /// A buffer whose data var is used as a value after its scope is not double-buffered: the
    /// function comes back unchanged, attribute included, as from TVM's detector.
    #[test]
    fn escaping_buffer_is_left_alone() {
        let source = PROGRAM.replace(
            "            C[i * 8 + j] = B[j]\n",
            "            C[i * 8 + j] = B[j]\n        T.evaluate(T.reinterpret(\"int64\", B_data))\n",
        );
        let func = parse(&source);
        let out = inject_double_buffer(func.clone(), 1).expect("the pass succeeds");
        assert!(out.body.ptr_eq(&func.body));
    }

    /// An odd split factor other than 1 is refused, as TVM's check does.
    #[test]
    fn odd_split_factor_is_an_error() {
        let err = inject_double_buffer(parse(PROGRAM), 3).expect_err("split 3 is refused");
        assert!(err.to_string().contains("It is better to split with multiple of 2"), "{err}");
    }

    /// The loop split by 4 runs `(8 - 1) / 4 = 1` time and leaves four tail iterations.
    #[test]
    fn split_by_four_leaves_four_tail_copies() {
        let out = inject_double_buffer(parse(PROGRAM), 4).expect("the pass succeeds");
        let StmtNode::Allocate { body, .. } = out.body.node() else {
            panic!("the doubled allocation encloses the loop")
        };
        let StmtNode::SeqStmt(seq) = body.node() else { panic!("pre, loop and tails") };
        // The first fill, the loop, four tails.
        assert_eq!(seq.len(), 6);
        let StmtNode::For(l) = seq[1].node() else { panic!("the split loop") };
        assert_eq!(l.extent.as_int(), Some(1));
        assert_eq!(l.loop_var.name(), "i.outer");
    }

    /// The registered pass reads its split factor from `tir.InjectDoubleBuffer.split_loop`.
    #[test]
    fn pass_takes_the_split_factor_from_the_context() {
        let module = crate::eval::parse_script("test.tir", PROGRAM).module.expect("it parses");
        let mut ctx = PassContext::new();
        ctx.set_config_text(SPLIT_LOOP_KEY, "4").expect("the key is registered as an integer");
        let out = pass().run(module.clone(), &ctx).expect("the pass succeeds");
        let (_, func) = out.functions().next().expect("one function");
        let expected = inject_double_buffer(parse(PROGRAM), 4).expect("the pass succeeds");
        let printed = |f: &PrimFunc| {
            crate::print::print_stmt(&f.body, &crate::print::PrintOptions::default())
        };
        assert_eq!(printed(func), printed(&expected));
    }
}
