//! The frames of the IRBuilder, one per TVM `ir_builder` frame kind, and what each holds while open.
//!
//! Every frame that has a body collects the statements added inside it in `stmts`; when it closes,
//! the builder turns those into one statement (`Stmt::seq`) and the frame's node.

use crate::ir::{
    Annotations, AttrValue, Buffer, BufferRegion, ConstData, DataType, ForKind, GlobalVar, IterVar,
    MatchBufferRegion, PrimExpr, PrimFunc, Range, Stmt, Type, Var,
};

/// An open `I.ir_module` scope.
#[derive(Debug, Default)]
pub struct ModuleFrame {
    /// Global vars declared ahead of their definitions, so functions can call each other.
    pub declared: Vec<GlobalVar>,
    pub functions: Vec<(GlobalVar, PrimFunc)>,
    pub attrs: Annotations,
    pub global_infos: crate::ir::GlobalInfos,
}

/// An open `T.prim_func` scope.
#[derive(Debug, Default)]
pub struct PrimFuncFrame {
    pub name: Option<String>,
    pub is_private: bool,
    pub params: Vec<Var>,
    pub buffer_map: Vec<(Var, Buffer)>,
    pub ret_type: Option<Type>,
    pub attrs: Annotations,
    /// Thread vars declared by `T.env_thread`, with their (possibly domain-less) IterVars.
    pub env_threads: Vec<IterVar>,
    /// `T.alloc_buffer` calls outside any block: they belong to the implicit root block.
    pub root_alloc_buffers: Vec<Buffer>,
    pub stmts: Vec<Stmt>,
}

/// An open `T.block` scope.
#[derive(Debug, Default)]
pub struct BlockFrame {
    pub name: String,
    pub no_realize: bool,
    pub iter_vars: Vec<IterVar>,
    pub iter_values: Vec<PrimExpr>,
    pub reads: Option<Vec<BufferRegion>>,
    pub writes: Option<Vec<BufferRegion>>,
    pub predicate: Option<PrimExpr>,
    pub annotations: Option<Annotations>,
    pub alloc_buffers: Vec<Buffer>,
    pub match_buffers: Vec<MatchBufferRegion>,
    pub init: Option<Stmt>,
    pub stmts: Vec<Stmt>,
}

/// How a loop frame turns its vars and body into loops when it closes.
#[derive(Clone, Debug)]
pub enum LoopKind {
    /// One loop of the given kind (serial, parallel, vectorized, unrolled).
    Single(ForKind),
    /// One `ThreadBinding` loop bound to the thread tag.
    ThreadBinding(String),
    /// `T.grid`: perfectly nested serial loops, outermost first.
    Grid,
}

/// An open loop scope.
#[derive(Debug)]
pub struct ForFrame {
    pub vars: Vec<Var>,
    pub doms: Vec<Range>,
    pub steps: Vec<Option<PrimExpr>>,
    pub kind: LoopKind,
    pub annotations: Annotations,
    pub stmts: Vec<Stmt>,
}

/// An open `if` with its branches once they have closed.
#[derive(Debug)]
pub struct IfFrame {
    pub condition: PrimExpr,
    pub then_stmts: Option<Vec<Stmt>>,
    pub else_stmts: Option<Vec<Stmt>>,
}

/// The kinds of frame that only wrap a body in one statement node.
#[derive(Debug)]
pub enum WrapKind {
    While(PrimExpr),
    Let {
        var: Var,
        value: PrimExpr,
    },
    Assert {
        condition: PrimExpr,
        message: PrimExpr,
    },
    Allocate {
        buffer_var: Var,
        dtype: DataType,
        extents: Vec<PrimExpr>,
        condition: PrimExpr,
        annotations: Annotations,
    },
    AllocateConst {
        buffer_var: Var,
        dtype: DataType,
        extents: Vec<PrimExpr>,
        data: ConstData,
        annotations: Annotations,
    },
    DeclBuffer(Buffer),
    Attr {
        node: AttrValue,
        key: String,
        value: PrimExpr,
    },
    LaunchThread {
        iter_var: IterVar,
        key: String,
        extent: PrimExpr,
    },
    Realize {
        region: BufferRegion,
        scope: String,
        condition: PrimExpr,
    },
}

/// One open frame of the builder.
#[derive(Debug)]
pub enum Frame {
    Module(ModuleFrame),
    PrimFunc(PrimFuncFrame),
    Block(BlockFrame),
    BlockInit(Vec<Stmt>),
    For(ForFrame),
    If(IfFrame),
    Then(Vec<Stmt>),
    Else(Vec<Stmt>),
    Wrap(WrapKind, Vec<Stmt>),
}

impl Frame {
    /// The name TVM users know the frame by, for error messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Frame::Module(_) => "I.ir_module",
            Frame::PrimFunc(_) => "T.prim_func",
            Frame::Block(_) => "T.block",
            Frame::BlockInit(_) => "T.init",
            Frame::For(_) => "a for loop",
            Frame::If(_) => "an if statement",
            Frame::Then(_) => "a then branch",
            Frame::Else(_) => "an else branch",
            Frame::Wrap(kind, _) => match kind {
                WrapKind::While(_) => "a while loop",
                WrapKind::Let { .. } => "T.LetStmt",
                WrapKind::Assert { .. } => "T.Assert",
                WrapKind::Allocate { .. } => "T.allocate",
                WrapKind::AllocateConst { .. } => "T.allocate_const",
                WrapKind::DeclBuffer(_) => "T.decl_buffer",
                WrapKind::Attr { .. } => "T.attr",
                WrapKind::LaunchThread { .. } => "T.launch_thread",
                WrapKind::Realize { .. } => "T.realize",
            },
        }
    }

    /// The statement list new statements go into, if this frame has a body.
    pub fn body_mut(&mut self) -> Option<&mut Vec<Stmt>> {
        match self {
            Frame::PrimFunc(f) => Some(&mut f.stmts),
            Frame::Block(b) => Some(&mut b.stmts),
            Frame::BlockInit(s) | Frame::Then(s) | Frame::Else(s) | Frame::Wrap(_, s) => Some(s),
            Frame::For(f) => Some(&mut f.stmts),
            Frame::Module(_) | Frame::If(_) => None,
        }
    }
}
