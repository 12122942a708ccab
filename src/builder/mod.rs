//! The IRBuilder: a frame-based API for building TIR, in the spirit of TVM's `ir_builder`.
//!
//! Usage: open a frame (`ir_module`, `prim_func`, `block`, `for_serial`, `if_`, ...), add statements
//! and declarations inside it, and close it with `exit`. Closing a frame builds its node by TVM's
//! rules and adds it to the enclosing frame; closing the outermost frame sets the result, which
//! `finish` returns. Everything the parser can build goes through this API, so Rust code can build it
//! too.
//!
//! Invariants: misuse (closing with no frame open, a statement outside a function, a declaration in
//! the wrong frame, a duplicate definition) returns an `IrError` and leaves the builder usable for
//! reporting; no method panics. Names are given when a var or buffer is created, since IR nodes are
//! immutable.

mod block;
pub mod buffer_decl;
mod exit;
mod extra;
pub mod frames;
mod func;
mod script_complete;
mod stmts;

pub use buffer_decl::BufferSpec;
pub use frames::{Frame, LoopKind};
pub use script_complete::script_complete;

use crate::ir::{IRModule, IrError, PrimFunc, Stmt};

/// What a finished builder produced.
#[derive(Clone, Debug)]
pub enum BuildResult {
    Module(IRModule),
    Func(PrimFunc),
    Stmt(Stmt),
}

/// The builder: a stack of open frames and, once the outermost frame closed, the result.
#[derive(Debug, Default)]
pub struct IRBuilder {
    frames: Vec<Frame>,
    result: Option<BuildResult>,
}

impl IRBuilder {
    pub fn new() -> IRBuilder {
        IRBuilder::default()
    }

    /// The open frames, outermost first.
    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    /// Opens a frame.
    pub fn push(&mut self, frame: Frame) -> Result<(), IrError> {
        if self.result.is_some() {
            return Err(IrError::builder("the builder has already produced its result"));
        }
        self.frames.push(frame);
        Ok(())
    }

    /// Closes the innermost frame, building its node and adding it to the enclosing frame.
    pub fn exit(&mut self) -> Result<(), IrError> {
        let frame =
            self.frames.pop().ok_or_else(|| IrError::builder("no frame is open to close"))?;
        exit::close(self, frame)
    }

    /// Adds a statement to the innermost frame that has a body.
    pub fn add_stmt(&mut self, stmt: Stmt) -> Result<(), IrError> {
        match self.frames.last_mut() {
            None => self.set_result(BuildResult::Stmt(stmt)),
            Some(frame) => {
                let what = frame.describe();
                match frame.body_mut() {
                    Some(body) => {
                        body.push(stmt);
                        Ok(())
                    }
                    None => Err(IrError::builder(format!(
                        "a statement cannot be placed directly in {what}"
                    ))),
                }
            }
        }
    }

    /// Returns the result once every frame is closed.
    pub fn finish(self) -> Result<BuildResult, IrError> {
        if let Some(frame) = self.frames.last() {
            return Err(IrError::builder(format!("{} is still open", frame.describe())));
        }
        self.result.ok_or_else(|| IrError::builder("nothing was built"))
    }

    /// Finishes and returns the module, wrapping a lone function in a module named after it.
    pub fn finish_module(self) -> Result<IRModule, IrError> {
        match self.finish()? {
            BuildResult::Module(m) => Ok(m),
            BuildResult::Func(f) => {
                let mut m = IRModule::new();
                let name = f.global_symbol().unwrap_or("main").to_string();
                m.add(&name, f)?;
                Ok(m)
            }
            BuildResult::Stmt(_) => {
                Err(IrError::builder("the builder produced a statement, not a module"))
            }
        }
    }

    fn set_result(&mut self, result: BuildResult) -> Result<(), IrError> {
        if self.result.is_some() {
            return Err(IrError::builder("the builder result is already set"));
        }
        self.result = Some(result);
        Ok(())
    }

    /// The innermost open function frame.
    fn func_frame(&mut self, what: &str) -> Result<&mut frames::PrimFuncFrame, IrError> {
        self.frames
            .iter_mut()
            .rev()
            .find_map(|f| if let Frame::PrimFunc(p) = f { Some(p) } else { None })
            .ok_or_else(|| IrError::builder(format!("{what} must be inside a T.prim_func")))
    }

    /// The innermost open block frame.
    fn block_frame(&mut self, what: &str) -> Result<&mut frames::BlockFrame, IrError> {
        self.frames
            .iter_mut()
            .rev()
            .find_map(|f| if let Frame::Block(b) = f { Some(b) } else { None })
            .ok_or_else(|| IrError::builder(format!("{what} must be inside a T.block")))
    }

    /// The open module frame.
    fn module_frame(&mut self) -> Option<&mut frames::ModuleFrame> {
        self.frames
            .iter_mut()
            .rev()
            .find_map(|f| if let Frame::Module(m) = f { Some(m) } else { None })
    }
}

#[cfg(test)]
mod tests;
