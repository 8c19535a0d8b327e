// Normalization: what makes two dumps of the same code compare equal.
//
// Function names: generic instantiations `[...]`, package-level closures `.glob..` -> `.init.`,
// and (default key only) closure numbers -> `N`. Frames: the runtime package's own frames and
// go/defer wrappers are dropped (dump-formats.md section 7.2). Paths: the build's source root is cut
// for display.
#pragma once

#include <string>
#include <string_view>

#include "taskdiff/model.hpp"

namespace taskdiff {

// `main.(*Cache[go.shape.int]).watch` -> `main.(*Cache[...]).watch`; `main.glob..func1` ->
// `main.init.func1`; with `number_closures` false, `main.main.func2.1` -> `main.main.funcN.N`,
// `F.gowrap3` -> `F.gowrapN`, `F-range2` -> `F-rangeN`.
std::string normalize_function(std::string_view name, bool keep_closure_numbers);

// Java: `Foo$$Lambda$14/0x0000000800c03000.run` and `Foo$$Lambda/0x...` -> `Foo$$Lambda.run`;
// hidden-class and generated-accessor suffixes removed.
std::string normalize_java_function(std::string_view name);

// javac's synthetic lambda methods are numbered per class in source order, so adding a lambda
// renumbers the ones after it: for the default key, `Foo.lambda$main$3` -> `Foo.lambda$main$N`
// (as Go closure numbers become `N`).
std::string unnumber_java_lambdas(std::string_view name);

// True for frames of the runtime package itself (`runtime.gopark`, `runtime.goexit`), which
// only some formats and traceback levels print, and for the `panic` frame. Exported runtime
// functions (`runtime.Gosched`) are kept, and so are linknamed blocking points outside package
// runtime (`sync.runtime_SemacquireMutex`, `internal/poll.runtime_pollWait`).
bool is_go_runtime_frame(std::string_view function);
// sync's own frames that moved between Go releases: `internal/sync.*` (Go 1.24 moved the Mutex
// there) but its semaphore, and `sync.(*Mutex).lockSlow`. Hidden like runtime frames, so a
// Mutex wait reads `runtime_Semacquire*`, `sync.(*Mutex).Lock` in every release.
bool is_go_sync_internal(std::string_view function);

// `java.lang.Thread.runWith`: jstack prints it under every platform thread's Thread.run (JDK 21+),
// Java-level stack walks (Thread.dump_to_file) leave it out. Dropped from keys and shown stacks.
bool is_java_hidden_frame(std::string_view function);
// A method of a hidden class (a lambda or method-reference proxy `Foo$$Lambda/0x....run`, a
// lambda form): jstack prints it, Thread.dump_to_file does not. Kept in the key when both sides
// print them (it tells `Billing.done::join` from `Reports.done::join`), left out otherwise.
bool is_java_hidden_class_frame(std::string_view function);
// The JDK's own frames under a blocking call, as the Go runtime's are under a channel operation:
// parking (`jdk.internal.misc.Unsafe.park`, `LockSupport.park*`, the AQS lock and condition
// internals, `ForkJoinPool.managedBlock` around them), a virtual thread's parking
// (`VirtualThread.park`/`parkNanos`/`sleepNanos`, `System$1.parkVirtualThread`,
// `Continuation.yield`) and the native halves of `Object.wait` and `Thread.sleep`. Kept in the stack; a
// group's "blocks in" frame is the first frame below them (`LinkedBlockingQueue.take`).
bool is_java_wait_internal(std::string_view function);
// Of those, the calls an application makes to wait (LockSupport.park*, Condition.await*): they
// say how it waits.
bool is_java_wait_api(std::string_view function);
// True when `function`, found between the parking frames and `api` (a java.util.concurrent
// method the application called), is `api`'s own machinery: a parking frame, a method of a
// java.util.concurrent nested class (`SynchronousQueue$TransferStack$SNode.block`,
// `LinkedTransferQueue$DualNode.await`, `ReentrantLock$Sync.lock`) or another method of `api`'s
// class (`SynchronousQueue.xfer` under `SynchronousQueue.put`).
bool is_java_blocking_helper(std::string_view function, std::string_view api);

// `.gowrapN` / `.deferwrapN`: compiler wrappers for `go f(x)` and `defer f(x)` (Go 1.22+).
bool is_go_wrapper(std::string_view function);
// `_cgoexp_<hash>_goBlock`, `main._cgoexpwrap_<hash>_goBlock`: cgo's wrapper of an exported Go
// function that C calls. A debug=2 dump stops above it, the other formats print it.
bool is_go_cgo_export(std::string_view function);

// `F.funcN`, `F.funcN.M`: a closure, or a closure in a closure.
bool is_go_closure(std::string_view function);

// Standard library: the import path's first element has no dot (`net/http`, `sync`), and it is
// not `main`. Java: `java.`, `javax.`, `jdk.`, `sun.`, `com.sun.`.
bool is_standard_library(std::string_view function, Runtime runtime);

// The part of a function name that names its package: `net/http` of `net/http.(*conn).serve`.
std::string_view go_package(std::string_view function);

// Path for display, without the build's root: `/usr/lib/go-1.19/src/net/http/server.go` ->
// `net/http/server.go`; `/root/go/pkg/mod/github.com/x/y@v1.2.3/z.go` -> `github.com/x/y/z.go`;
// `.../vendor/example.com/lib/w.go` -> `example.com/lib/w.go`; GOPATH `.../src/` likewise.
std::string display_path(std::string_view file);

// Base name of a path: `quote.go`.
std::string_view base_name(std::string_view file);

// The wait class of the default key (section 7.2): `semacquire`, `sync.Mutex.Lock`, ... -> `sync`;
// `running`, `runnable`, `preempted` -> `active`; `(durable)` dropped; others unchanged.
std::string wait_class(std::string_view state);

// debug=1 and protobuf carry no wait state: infer it from the leaf-most runtime frames
// (`runtime.chanrecv1` -> `chan receive`). Empty when the frames do not show it.
std::string_view infer_go_wait(std::string_view leaf_function);

// --- Java names (src/normalize_java.cpp) ---

// A java.lang.Thread.State name: `NEW`, `RUNNABLE`, `BLOCKED`, `WAITING`, `TIMED_WAITING`,
// `TERMINATED`.
bool is_java_thread_state(std::string_view word);

// Java thread names group by pool: each maximal run of ASCII digits becomes a letter, the first
// `N`, the second `M`, every later one `K`: `pool-7-thread-3` -> `pool-N-thread-M`,
// `ForkJoinPool-1-worker-5` -> `ForkJoinPool-N-worker-M`, `Thread-14` -> `Thread-N`,
// `http-nio-8080-exec-10` -> `http-nio-N-exec-M`. A word that is a UUID becomes `<uuid>`, one that
// is a hex id (six or more hex digits, letters and digits mixed, or `0x...`) `<hex>`:
// `cluster-5f8a2c1e9b3d` -> `cluster-<hex>`. Everything else is kept as printed.
std::string normalize_java_thread_name(std::string_view name);

// The JVM's own Java threads, by their normalized name, that run no Java code: JIT compiler
// threads (`C2 CompilerThread0` -> `CN CompilerThreadM`, `JVMCI CompilerThreadN`), `Signal
// Dispatcher`, `Attach Listener`, `Service Thread`, `Notification Thread`, `Monitor Deflation
// Thread`, `Sweeper thread` and the like. jstack prints them with a state and no frames.
bool is_jvm_internal_thread(std::string_view normalized_name);

// One Java frame split from its printed form, either jstack's `Class.method(module@1.2/File.java:7)`
// or StackTraceElement.toString()'s `loader/module@1.2/Class.method(File.java:7)`: the function
// `Class.method` without loader and module prefixes (a hidden-class `/0x...` stays, for
// normalize_java_function), the file without `module@version/`, the line (0 when not printed).
// `Native Method` and `Unknown Source` give an empty file. Views into `text`.
struct JavaFrame {
  std::string_view function;
  std::string_view file;
  uint32_t line = 0;
};
// False when `text` is not a frame of that shape.
bool split_java_frame(std::string_view text, JavaFrame& frame);

} // namespace taskdiff
