//! The generated module the parse and syntax benchmarks share: 240 functions of realistic,
//! canonical TVMScript (blocks, loops, arithmetic, intrinsics, lets, thread bindings), about 0.5 MB,
//! which parses and builds without a diagnostic (each benchmark asserts it).

use std::fmt::Write;

/// Number of functions in the generated module.
pub const FUNCTIONS: usize = 240;

/// One function; `n` varies names, shapes and constants so no two functions are identical.
fn function(out: &mut String, n: usize) {
    let size = 16 << (n % 4);
    let _ = write!(
        out,
        r#"    @T.prim_func(private=True)
    def kernel_{n}(A: T.Buffer(({size}, {size}), "float32"), B: T.Buffer(({size}, {size}), "float32"), C: T.Buffer(({size}, {size}), "float32")):
        T.func_attr({{"tir.noalias": True}})
        # with T.block("root"):
        C_local = T.alloc_buffer(({size}, {size}), scope="local")
        for i, j, k in T.grid({size}, {size}, {size}):
            with T.block("C"):
                vi, vj, vk = T.axis.remap("SSR", [i, j, k])
                T.reads(A[vi, vk], B[vk, vj])
                T.writes(C_local[vi, vj])
                with T.init():
                    C_local[vi, vj] = T.float32(0.0)
                C_local[vi, vj] = C_local[vi, vj] + A[vi, vk] * B[vk, vj]
        for i_0 in T.thread_binding({size} // 4, thread="blockIdx.x"):
            for i_1 in T.thread_binding(4, thread="threadIdx.x"):
                for j in T.vectorized({size}):
                    with T.block("epilogue"):
                        v0 = T.axis.spatial({size}, i_0 * 4 + i_1)
                        v1 = T.axis.spatial({size}, j)
                        T.where(i_0 * 4 + i_1 < {size})
                        T.reads(C_local[v0, v1])
                        T.writes(C[v0, v1])
                        C[v0, v1] = T.max(T.exp(C_local[v0, v1] * T.float32({n}.5)) - T.float32(1.0), T.float32(0.0))
        for x in range({size}):
            with T.block("tail"):
                vx = T.axis.spatial({size}, x)
                T.reads(C[vx, 0:4])
                T.writes(C[vx, 0:2])
                t: T.float32 = C[vx, 2] - C[vx, 3]
                if vx % 2 == 0 and vx >= {n} % 7:
                    C[vx, 0] = T.if_then_else(vx < 8, C[vx, 0] / T.float32(2.0), T.Cast("float32", vx))
                else:
                    C[vx, 1] = C[vx, 1] * T.float32(-1.0) + T.sqrt(T.float32(0.029999999999999999) * t)

"#
    );
}

/// A module of [`FUNCTIONS`] functions, about 0.5 MB.
pub fn generate() -> String {
    let mut out = String::from(
        "# from tvm.script import ir as I\n# from tvm.script import tir as T\n\n@I.ir_module\nclass Module:\n",
    );
    for n in 0..FUNCTIONS {
        function(&mut out, n);
    }
    out
}
