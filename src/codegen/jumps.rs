//! `T.break_loop()` and `T.continue_loop()`: jumps out of the innermost enclosing serial loop.
//!
//! Every loop the emitter opens (`for`, `while`) pushes its targets: the block that starts the
//! next iteration (the `for` latch, the `while` head) and the block after the loop. A jump frees
//! the heap allocations opened inside the loop since it started (they would otherwise leak, as
//! their `free` follows the body the jump leaves), branches, and continues in a fresh block that
//! has no predecessors, so statements after the jump still form valid (dead) IR. A jump outside
//! any loop is an error (AnnotateIrregularLoop rejects jumps in parallel loops, which are outlined
//! into their own function).

use crate::ir::{Callee, Expr, PrimExpr};

use super::CodegenError;
use super::emitter::FuncEmitter;

/// Where the jumps inside one loop go.
#[derive(Clone, Debug)]
pub struct LoopTargets {
    /// The label of the block that starts the next iteration.
    pub next: String,
    /// The label of the block after the loop.
    pub exit: String,
    /// How many heap allocations were live when the loop started.
    pub heap_depth: usize,
}

/// The jump a statement-level call makes, if it is one.
pub fn jump_of(value: &PrimExpr) -> Option<Jump> {
    match value.expr() {
        Expr::Call { op: Callee::Op(op), .. } => match op.name() {
            "break_loop" => Some(Jump::Break),
            "continue_loop" => Some(Jump::Continue),
            _ => None,
        },
        _ => None,
    }
}

/// A loop jump.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jump {
    Break,
    Continue,
}

impl FuncEmitter<'_> {
    /// Runs `body` with `next` and `exit` as the targets of the jumps inside it.
    pub fn in_loop(
        &mut self,
        next: &str,
        exit: &str,
        body: impl FnOnce(&mut Self) -> Result<(), CodegenError>,
    ) -> Result<(), CodegenError> {
        let heap_depth = self.heap_live.len();
        self.loops.push(LoopTargets { next: next.to_string(), exit: exit.to_string(), heap_depth });
        let result = body(self);
        self.loops.pop();
        result
    }

    /// Emits `jump` to the innermost loop's targets.
    pub fn jump(&mut self, jump: Jump) -> Result<(), CodegenError> {
        let Some(targets) = self.loops.last().cloned() else {
            let name = if jump == Jump::Break { "T.break_loop()" } else { "T.continue_loop()" };
            return Err(CodegenError::invalid(format!("{name} outside of a serial loop")));
        };
        for ptr in self.heap_live[targets.heap_depth..].to_vec().iter().rev() {
            self.line(&format!("call void @free(ptr {ptr})"));
        }
        let target = if jump == Jump::Break { &targets.exit } else { &targets.next };
        self.line(&format!("br label %{target}"));
        let after = self.label("after_jump");
        self.start_block(&after);
        Ok(())
    }
}
