//! The thread pool that runs parallel loops of compiled code, and the error records it keeps.
//!
//! The pool is created on first use with one thread per available CPU minus one (the calling thread
//! works too); `TIRSCRIPT_NUM_THREADS` overrides the count. `tirscript_parallel_for` splits
//! `[0, extent)` into one contiguous chunk per thread, runs chunk 0 itself, waits for the others and
//! returns the first non-zero status. Jobs carry raw pointers into the caller's frame; that is sound
//! because the caller blocks until every job of its call has finished.
//!
//! Faults (out-of-bounds accesses, failed assertions) are recorded in one process-wide slot that
//! `take_fault` empties; concurrent failing calls may overwrite each other's record.

use std::ffi::{CStr, c_char, c_void};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

/// The worker function of an outlined parallel loop: runs iterations `[begin, end)`.
pub type WorkerFn = unsafe extern "C" fn(i64, i64, *mut c_void) -> i32;

/// Counts finished jobs of one parallel call and keeps the first failing status.
struct Latch {
    state: Mutex<(usize, i32)>,
    done: Condvar,
}

impl Latch {
    fn finish(&self, status: i32) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.0 -= 1;
        if state.1 == 0 {
            state.1 = status;
        }
        if state.0 == 0 {
            self.done.notify_all();
        }
    }
}

/// One chunk of a parallel loop.
struct Job {
    worker: WorkerFn,
    env: usize,
    begin: i64,
    end: i64,
    latch: Arc<Latch>,
}

struct Pool {
    senders: Vec<Mutex<Sender<Job>>>,
}

fn worker_loop(jobs: Receiver<Job>) {
    while let Ok(job) = jobs.recv() {
        // SAFETY: the worker and its environment were valid when the job was sent, and the caller
        // waits on the latch until this job has finished.
        let status = unsafe { (job.worker)(job.begin, job.end, job.env as *mut c_void) };
        job.latch.finish(status);
    }
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let threads = std::env::var("TIRSCRIPT_NUM_THREADS")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let mut senders = Vec::new();
        for k in 1..threads {
            let (tx, rx) = channel();
            let spawned = std::thread::Builder::new()
                .name(format!("tirscript-worker-{k}"))
                .spawn(move || worker_loop(rx));
            if spawned.is_ok() {
                senders.push(Mutex::new(tx));
            }
        }
        Pool { senders }
    })
}

/// The number of threads parallel loops use (the pool's workers and the caller).
pub fn num_threads() -> usize {
    pool().senders.len() + 1
}

/// Runs `worker` over `[0, extent)` on the pool; called by compiled code.
///
/// # Safety
/// `worker` must be an outlined loop body made by the code generator and `env` its environment.
pub unsafe extern "C" fn tirscript_parallel_for(
    worker: WorkerFn,
    env: *mut c_void,
    extent: i64,
) -> i32 {
    if extent <= 0 {
        return 0;
    }
    let pool = pool();
    let chunks = (pool.senders.len() as i64 + 1).min(extent);
    let chunk = (extent + chunks - 1) / chunks;
    let latch = Arc::new(Latch { state: Mutex::new((0, 0)), done: Condvar::new() });
    let mut sent = 0usize;
    for k in 1..chunks {
        let begin = k * chunk;
        let end = (begin + chunk).min(extent);
        if begin >= end {
            continue;
        }
        let job = Job { worker, env: env as usize, begin, end, latch: Arc::clone(&latch) };
        latch.state.lock().unwrap_or_else(|p| p.into_inner()).0 += 1;
        let sender = pool.senders[(k - 1) as usize].lock().unwrap_or_else(|p| p.into_inner());
        if let Err(returned) = sender.send(job) {
            // The worker is gone: run its chunk here.
            let job = returned.0;
            drop(sender);
            // SAFETY: as for the caller's own chunk below.
            let status = unsafe { (job.worker)(job.begin, job.end, env) };
            latch.finish(status);
        } else {
            sent += 1;
        }
    }
    // SAFETY: the caller (compiled code) passes its own worker and live environment.
    let first = unsafe { worker(0, chunk.min(extent), env) };
    let mut state = latch.state.lock().unwrap_or_else(|p| p.into_inner());
    while state.0 > 0 {
        state = latch.done.wait(state).unwrap_or_else(|p| p.into_inner());
    }
    let _ = sent;
    if first != 0 { first } else { state.1 }
}

/// A fault a compiled function reported before returning a non-zero status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    OutOfBounds { func: String, buffer: String, index: i64, extent: i64 },
    Assert { func: String, message: String },
}

static FAULT: Mutex<Option<Fault>> = Mutex::new(None);

fn text(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: compiled code passes pointers to its own NUL-terminated string constants.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

fn record(fault: Fault) {
    let mut slot = FAULT.lock().unwrap_or_else(|p| p.into_inner());
    if slot.is_none() {
        *slot = Some(fault);
    }
}

/// Records an out-of-bounds access; called by bounds-checked compiled code.
pub extern "C" fn tirscript_record_oob(
    func: *const c_char,
    buffer: *const c_char,
    index: i64,
    extent: i64,
) {
    record(Fault::OutOfBounds { func: text(func), buffer: text(buffer), index, extent });
}

/// Records a failed assertion; called by compiled code.
pub extern "C" fn tirscript_record_assert(func: *const c_char, message: *const c_char) {
    record(Fault::Assert { func: text(func), message: text(message) });
}

/// Takes the recorded fault, leaving none.
pub fn take_fault() -> Option<Fault> {
    FAULT.lock().unwrap_or_else(|p| p.into_inner()).take()
}

/// The runtime's symbols for the JIT: name and address.
pub fn symbols() -> Vec<(&'static str, usize)> {
    vec![
        ("tirscript_parallel_for", tirscript_parallel_for as *const () as usize),
        ("tirscript_record_oob", tirscript_record_oob as *const () as usize),
        ("tirscript_record_assert", tirscript_record_assert as *const () as usize),
    ]
}
