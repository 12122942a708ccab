//! Block-level builder calls: `T.block`, `T.init`, `T.axis.*`, `T.reads`/`T.writes`, `T.where`,
//! `T.block_attr`, `T.alloc_buffer` and `T.match_buffer` on a region.

use super::IRBuilder;
use super::buffer_decl::BufferSpec;
use super::frames::{BlockFrame, Frame};
use crate::ir::{
    Annotations, AttrValue, Buffer, BufferRegion, DataType, IrError, IterVar, IterVarType,
    MatchBufferRegion, PrimExpr, Range, Var,
};

impl IRBuilder {
    /// Opens a `T.block(name)` frame; `no_realize` blocks have no bindings.
    pub fn block(&mut self, name: &str, no_realize: bool) -> Result<(), IrError> {
        self.func_frame("T.block")?;
        self.push(Frame::Block(BlockFrame {
            name: name.to_string(),
            no_realize,
            ..Default::default()
        }))
    }

    /// Opens the `T.init()` frame of the innermost block.
    pub fn init(&mut self) -> Result<(), IrError> {
        let block = self.block_frame("T.init")?;
        if block.init.is_some() {
            return Err(IrError::builder("duplicate T.init in one block"));
        }
        if self.frames.iter().any(|f| matches!(f, Frame::BlockInit(_))) {
            return Err(IrError::builder("T.init cannot be nested in another T.init"));
        }
        self.push(Frame::BlockInit(Vec::new()))
    }

    /// Adds a block iter var (`T.axis.spatial/reduce/scan/opaque`) bound to `binding`; the var's
    /// width is the widest of the domain's and `dtype`'s, as TVM does.
    pub fn axis(
        &mut self,
        name: &str,
        iter_type: IterVarType,
        dom: Range,
        binding: PrimExpr,
        dtype: DataType,
    ) -> Result<Var, IrError> {
        let bits = dom.min.dtype().bits.max(dom.extent.dtype().bits).max(dtype.bits);
        let var = Var::new(name, DataType { bits, ..dtype });
        self.push_block_var(
            IterVar { var: var.clone(), dom: Some(dom), iter_type, thread_tag: String::new() },
            binding,
        )?;
        Ok(var)
    }

    /// `T.axis.remap("SSR", [i, j, k])`: one iter var per binding, whose domain is the range of the
    /// loop that defines the bound var (none when no open loop defines it).
    pub fn axis_remap(
        &mut self,
        kinds: &str,
        bindings: &[(String, Var)],
    ) -> Result<Vec<Var>, IrError> {
        if kinds.chars().count() != bindings.len() {
            return Err(IrError::builder(format!(
                "T.axis.remap has {} kinds but {} bindings",
                kinds.chars().count(),
                bindings.len()
            )));
        }
        let mut vars = Vec::with_capacity(bindings.len());
        for (kind, (name, bound)) in kinds.chars().zip(bindings) {
            let iter_type = match kind {
                'S' => IterVarType::DataPar,
                'R' => IterVarType::CommReduce,
                other => {
                    return Err(IrError::builder(format!(
                        "unknown T.axis.remap kind `{other}`: expected `S` or `R`"
                    )));
                }
            };
            let dom = self.loop_domain(bound);
            let var = Var::new(name.as_str(), bound.dtype());
            let iv = IterVar { var: var.clone(), dom, iter_type, thread_tag: String::new() };
            self.push_block_var(iv, PrimExpr::var(bound))?;
            vars.push(var);
        }
        Ok(vars)
    }

    /// The range of the open loop whose var is `var`, as TVM's `Remap` finds it.
    fn loop_domain(&self, var: &Var) -> Option<Range> {
        self.frames.iter().find_map(|f| match f {
            Frame::For(l) => l.vars.iter().position(|v| v == var).map(|i| l.doms[i].clone()),
            _ => None,
        })
    }

    fn push_block_var(&mut self, iv: IterVar, binding: PrimExpr) -> Result<(), IrError> {
        match self.frames.last_mut() {
            Some(Frame::Block(b)) => {
                b.iter_vars.push(iv);
                b.iter_values.push(binding);
                Ok(())
            }
            _ => Err(IrError::builder("T.axis must be directly inside a T.block")),
        }
    }

    /// Declares the regions the innermost block reads (`T.reads`), once.
    pub fn reads(&mut self, regions: Vec<BufferRegion>) -> Result<(), IrError> {
        let b = self.block_frame("T.reads")?;
        if b.reads.is_some() {
            return Err(IrError::builder("duplicate T.reads in one block"));
        }
        b.reads = Some(regions);
        Ok(())
    }

    /// Declares the regions the innermost block writes (`T.writes`), once.
    pub fn writes(&mut self, regions: Vec<BufferRegion>) -> Result<(), IrError> {
        let b = self.block_frame("T.writes")?;
        if b.writes.is_some() {
            return Err(IrError::builder("duplicate T.writes in one block"));
        }
        b.writes = Some(regions);
        Ok(())
    }

    /// Sets the innermost block's predicate (`T.where`), once.
    pub fn where_(&mut self, predicate: PrimExpr) -> Result<(), IrError> {
        let b = self.block_frame("T.where")?;
        if b.predicate.is_some() {
            return Err(IrError::builder("duplicate T.where in one block"));
        }
        b.predicate = Some(predicate);
        Ok(())
    }

    /// Adds block annotations (`T.block_attr`), merging nested maps; a key may not change value.
    pub fn block_attr(&mut self, attrs: Annotations) -> Result<(), IrError> {
        let b = self.block_frame("T.block_attr")?;
        let merged = match b.annotations.take() {
            None => attrs,
            Some(old) => merge_annotations(old, attrs)?,
        };
        b.annotations = Some(merged);
        Ok(())
    }

    /// Allocates a buffer in the innermost block, or in the implicit root block when no block is
    /// open (`T.alloc_buffer`).
    pub fn alloc_buffer(&mut self, spec: BufferSpec) -> Result<Buffer, IrError> {
        let buffer = spec.build()?;
        if let Ok(b) = self.block_frame("T.alloc_buffer") {
            b.alloc_buffers.push(buffer.clone());
        } else {
            let f = self.func_frame("T.alloc_buffer")?;
            f.root_alloc_buffers.push(buffer.clone());
        }
        Ok(buffer)
    }

    /// Declares a buffer viewing a region of another inside the innermost block (`T.match_buffer`
    /// with a region source).
    pub fn match_buffer_region(
        &mut self,
        spec: BufferSpec,
        source: BufferRegion,
    ) -> Result<Buffer, IrError> {
        let buffer = spec.build()?;
        let b = self.block_frame("T.match_buffer")?;
        b.match_buffers.push(MatchBufferRegion { buffer: buffer.clone(), source });
        Ok(buffer)
    }
}

/// Merges `new` into `old` as TVM's `MergeAnnotations`: nested maps merge, equal values agree,
/// different values for one key are an error.
fn merge_annotations(mut old: Annotations, new: Annotations) -> Result<Annotations, IrError> {
    for (key, value) in new.iter() {
        let merged = match (old.get(key), value) {
            (None, _) => value.clone(),
            (Some(AttrValue::Map(a)), AttrValue::Map(b)) => {
                AttrValue::Map(merge_annotations(a.clone(), b.clone())?)
            }
            (Some(previous), _) if same_attr(previous, value) => continue,
            (Some(_), _) => {
                return Err(IrError::builder(format!(
                    "T.block_attr gives key `{key}` two different values"
                )));
            }
        };
        old.insert(key, merged);
    }
    Ok(old)
}

/// Equality of simple attribute values, as needed to merge annotations.
fn same_attr(a: &AttrValue, b: &AttrValue) -> bool {
    match (a, b) {
        (AttrValue::None, AttrValue::None) => true,
        (AttrValue::Bool(x), AttrValue::Bool(y)) => x == y,
        (AttrValue::Int(x), AttrValue::Int(y)) => x == y,
        (AttrValue::Float(x), AttrValue::Float(y)) => x.to_bits() == y.to_bits(),
        (AttrValue::Str(x), AttrValue::Str(y)) => x == y,
        (AttrValue::Expr(x), AttrValue::Expr(y)) => crate::arith::same_expr(x, y),
        (AttrValue::Array(x), AttrValue::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_attr(p, q))
        }
        _ => false,
    }
}
