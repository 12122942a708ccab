//! Parallel loops: the body is outlined into a worker function and run by the runtime's pool.
//!
//! The worker is `i32 @<func>_parallelN(i64 begin, i64 end, ptr env)`: it runs iterations
//! `[begin, end)` of the loop (iteration `k` binds the loop var to `min + k`) and returns the status
//! of the body. `env` points to a struct in the caller's frame holding every variable in scope at the
//! loop, in var-id order (unused fields are dropped by LLVM after inlining the loads). The caller
//! calls `i32 @tirscript_parallel_for(ptr worker, ptr env, i64 extent)`, which splits
//! `[0, extent)` into chunks over the pool's threads and returns the first non-zero status, which
//! the caller returns in turn. Parallel loops nested in a worker run serially.

use crate::ir::{BinaryOp, DataType, For, Var};

use super::CodegenError;
use super::emitter::{FuncEmitter, Val};

impl FuncEmitter<'_> {
    /// Emits `f` (a parallel loop) as an outlined worker and a call into the runtime.
    pub fn parallel_for(&mut self, f: &For) -> Result<(), CodegenError> {
        let mut captured: Vec<(u64, Val)> =
            self.vars.iter().map(|(id, v)| (*id, v.clone())).collect();
        captured.sort_by_key(|(id, _)| *id);
        let field_types: Vec<&str> = captured.iter().map(|(_, v)| v.ty.as_str()).collect();
        let struct_ty = format!("{{ {} }}", field_types.join(", "));

        // The caller fills the environment.
        let env = self.entry_alloca(&struct_ty, 1, 16);
        for (k, (_, v)) in captured.iter().enumerate() {
            let field = self.assign(
                "ptr",
                &format!("getelementptr inbounds {struct_ty}, ptr {}, i32 0, i32 {k}", env.repr),
            );
            self.line(&format!("store {}, ptr {}", v.typed(), field.repr));
        }

        let worker = format!("{}_parallel{}", self.func_name, self.module.outlined);
        self.module.outlined += 1;
        let options = self.options;
        let func_name = self.func_name.clone();
        let worker_body = {
            let mut sub = FuncEmitter::new(self.module, options, &func_name);
            sub.in_parallel = true;
            for (k, (id, v)) in captured.iter().enumerate() {
                let field = sub.assign(
                    "ptr",
                    &format!("getelementptr inbounds {struct_ty}, ptr %env, i32 0, i32 {k}"),
                );
                let loaded = sub.assign(&v.ty, &format!("load {}, ptr {}", v.ty, field.repr));
                sub.vars.insert(*id, loaded);
            }
            let min = sub.expr(&f.min)?;
            let counter = Var::new("k", DataType::int64());
            let begin = Val::new("i64", "%begin");
            let end = Val::new("i64", "%end");
            let one = Val::new("i64", "1");
            let loop_dtype = f.loop_var.dtype();
            sub.counted_loop(&counter, &begin, &end, &one, None, |e| {
                let k = e.var(counter.id(), counter.name())?;
                let k = e.cast(&k, DataType::int64(), loop_dtype)?;
                let i = e.binary(BinaryOp::Add, loop_dtype, &min, &k)?;
                let previous = e.vars.insert(f.loop_var.id(), i);
                let result = e.stmt(&f.body);
                super::expr::restore(&mut e.vars, f.loop_var.id(), previous);
                result
            })?;
            sub.line("ret i32 0");
            sub.finish()
        };
        self.module.extra_functions.push(format!(
            "define internal i32 @{worker}(i64 %begin, i64 %end, ptr %env) #0 {{\n{worker_body}}}\n"
        ));

        let extent = self.expr(&f.extent)?;
        let extent = self.widen_to_i64(&extent, f.extent.dtype())?;
        self.module.declare(
            "tirscript_parallel_for",
            "declare i32 @tirscript_parallel_for(ptr, ptr, i64)".to_string(),
        );
        let status = self.assign(
            "i32",
            &format!(
                "call i32 @tirscript_parallel_for(ptr @{worker}, ptr {}, i64 {})",
                env.repr, extent.repr
            ),
        );
        let failed = self.assign("i1", &format!("icmp ne i32 {}, 0", status.repr));
        let fail = self.label("par_fail");
        let ok = self.label("par_ok");
        self.line(&format!("br i1 {}, label %{fail}, label %{ok}", failed.repr));
        self.start_block(&fail);
        self.line(&format!("ret i32 {}", status.repr));
        self.start_block(&ok);
        Ok(())
    }
}
