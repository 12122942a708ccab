//! The runtime support a stand-alone object or shared library carries with it.
//!
//! In process (JIT), `tirscript_parallel_for` and the error recorders are the Rust runtime's (see
//! `runtime`). A library built with `tirscript build` cannot rely on that, so the module defines
//! them itself (weak, so a program may supply its own): `tirscript_parallel_for` splits the range
//! into one chunk per online CPU (at most 64), runs chunk 0 on the calling thread and the others on
//! POSIX threads (a chunk whose thread cannot be created runs on the caller), joins them and returns
//! the first non-zero status. The error recorders store into `tirscript_last_error`, whose layout is
//! documented in the generated C header: `{ const char *func; const char *what; int64_t index;
//! int64_t extent; }` (`what` is the buffer name, or the assertion message with index -1).

/// The names the embedded runtime defines (their declarations are dropped from the module).
pub const EMBEDDED_NAMES: &[&str] =
    &["tirscript_parallel_for", "tirscript_record_oob", "tirscript_record_assert"];

/// The embedded runtime, as LLVM IR text.
pub const EMBEDDED_RUNTIME: &str = r#"
%tirscript.task = type { ptr, ptr, i64, i64, i32 }
%tirscript.error = type { ptr, ptr, i64, i64 }

@tirscript_last_error = weak global %tirscript.error zeroinitializer, align 8

define weak void @tirscript_record_oob(ptr %func, ptr %buffer, i64 %index, i64 %extent) {
entry:
  store ptr %func, ptr @tirscript_last_error, align 8
  %w = getelementptr inbounds %tirscript.error, ptr @tirscript_last_error, i32 0, i32 1
  store ptr %buffer, ptr %w, align 8
  %i = getelementptr inbounds %tirscript.error, ptr @tirscript_last_error, i32 0, i32 2
  store i64 %index, ptr %i, align 8
  %e = getelementptr inbounds %tirscript.error, ptr @tirscript_last_error, i32 0, i32 3
  store i64 %extent, ptr %e, align 8
  ret void
}

define weak void @tirscript_record_assert(ptr %func, ptr %message) {
entry:
  call void @tirscript_record_oob(ptr %func, ptr %message, i64 -1, i64 0)
  ret void
}

define internal ptr @tirscript_thread_main(ptr %t) {
entry:
  %f = load ptr, ptr %t, align 8
  %ep = getelementptr inbounds %tirscript.task, ptr %t, i32 0, i32 1
  %env = load ptr, ptr %ep, align 8
  %bp = getelementptr inbounds %tirscript.task, ptr %t, i32 0, i32 2
  %b = load i64, ptr %bp, align 8
  %np = getelementptr inbounds %tirscript.task, ptr %t, i32 0, i32 3
  %n = load i64, ptr %np, align 8
  %s = call i32 %f(i64 %b, i64 %n, ptr %env)
  %sp = getelementptr inbounds %tirscript.task, ptr %t, i32 0, i32 4
  store i32 %s, ptr %sp, align 4
  ret ptr null
}

define weak i32 @tirscript_parallel_for(ptr %f, ptr %env, i64 %extent) {
entry:
  %tasks = alloca %tirscript.task, i64 64, align 8
  %tids = alloca i64, i64 64, align 8
  %cpus = call i64 @sysconf(i32 84)
  %c1 = call i64 @llvm.smax.i64(i64 %cpus, i64 1)
  %c2 = call i64 @llvm.smin.i64(i64 %c1, i64 64)
  %c3 = call i64 @llvm.smin.i64(i64 %c2, i64 %extent)
  %n = call i64 @llvm.smax.i64(i64 %c3, i64 1)
  %e1 = add i64 %extent, %n
  %e2 = sub i64 %e1, 1
  %chunk = sdiv i64 %e2, %n
  br label %fill
fill:
  %j = phi i64 [ 0, %entry ], [ %j1, %fill ]
  %t = getelementptr inbounds %tirscript.task, ptr %tasks, i64 %j
  store ptr %f, ptr %t, align 8
  %tenv = getelementptr inbounds %tirscript.task, ptr %t, i32 0, i32 1
  store ptr %env, ptr %tenv, align 8
  %lo0 = mul i64 %j, %chunk
  %lo = call i64 @llvm.smin.i64(i64 %lo0, i64 %extent)
  %hi0 = add i64 %lo, %chunk
  %hi = call i64 @llvm.smin.i64(i64 %hi0, i64 %extent)
  %tb = getelementptr inbounds %tirscript.task, ptr %t, i32 0, i32 2
  store i64 %lo, ptr %tb, align 8
  %te = getelementptr inbounds %tirscript.task, ptr %t, i32 0, i32 3
  store i64 %hi, ptr %te, align 8
  %ts = getelementptr inbounds %tirscript.task, ptr %t, i32 0, i32 4
  store i32 0, ptr %ts, align 4
  %j1 = add i64 %j, 1
  %more = icmp slt i64 %j1, %n
  br i1 %more, label %fill, label %spawn_start
spawn_start:
  br label %spawn
spawn:
  %k = phi i64 [ 1, %spawn_start ], [ %k1, %spawned ]
  %go = icmp slt i64 %k, %n
  br i1 %go, label %spawn_body, label %run_first
spawn_body:
  %tk = getelementptr inbounds %tirscript.task, ptr %tasks, i64 %k
  %idk = getelementptr inbounds i64, ptr %tids, i64 %k
  %rc = call i32 @pthread_create(ptr %idk, ptr null, ptr @tirscript_thread_main, ptr %tk)
  %ok = icmp eq i32 %rc, 0
  br i1 %ok, label %spawned, label %inline
inline:
  store i64 0, ptr %idk, align 8
  %unused = call ptr @tirscript_thread_main(ptr %tk)
  br label %spawned
spawned:
  %k1 = add i64 %k, 1
  br label %spawn
run_first:
  %first = call ptr @tirscript_thread_main(ptr %tasks)
  br label %join
join:
  %m = phi i64 [ 1, %run_first ], [ %m1, %joined ]
  %status = phi i32 [ 0, %run_first ], [ %status2, %joined ]
  %more_join = icmp slt i64 %m, %n
  br i1 %more_join, label %join_body, label %done
join_body:
  %idm = getelementptr inbounds i64, ptr %tids, i64 %m
  %tid = load i64, ptr %idm, align 8
  %was_inline = icmp eq i64 %tid, 0
  br i1 %was_inline, label %joined, label %do_join
do_join:
  %jr = call i32 @pthread_join(i64 %tid, ptr null)
  br label %joined
joined:
  %tm = getelementptr inbounds %tirscript.task, ptr %tasks, i64 %m, i32 4
  %sm = load i32, ptr %tm, align 4
  %keep = icmp ne i32 %status, 0
  %status2 = select i1 %keep, i32 %status, i32 %sm
  %m1 = add i64 %m, 1
  br label %join
done:
  %s0p = getelementptr inbounds %tirscript.task, ptr %tasks, i64 0, i32 4
  %s0 = load i32, ptr %s0p, align 4
  %first_failed = icmp ne i32 %s0, 0
  %result = select i1 %first_failed, i32 %s0, i32 %status
  ret i32 %result
}

declare i64 @sysconf(i32)
declare i32 @pthread_create(ptr, ptr, ptr, ptr)
declare i32 @pthread_join(i64, ptr)
declare i64 @llvm.smax.i64(i64, i64)
declare i64 @llvm.smin.i64(i64, i64)
"#;
