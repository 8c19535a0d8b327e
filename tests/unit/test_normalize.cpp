// Tests for src/normalize.cpp: function names, frame filters, paths, wait classes.
#include "taskdiff/normalize.hpp"

#include <doctest/doctest.h>
#include <string>

namespace taskdiff {

TEST_SUITE("normalize") {

TEST_CASE("normalize_function: generics, package closures, closure numbers") {
  CHECK(normalize_function("main.(*Cache[go.shape.int]).watch", true) ==
        "main.(*Cache[...]).watch");
  CHECK(normalize_function("main.(*Cache[go.shape.int]).watch", false) ==
        "main.(*Cache[...]).watch");
  CHECK(normalize_function("main.Map[go.shape.struct { a int; b []string }]", true) ==
        "main.Map[...]");
  CHECK(normalize_function("main.glob..func1", true) == "main.init.func1");
  CHECK(normalize_function("main.glob..func1", false) == "main.init.funcN");
  CHECK(normalize_function("main.main.func2.1", true) == "main.main.func2.1");
  CHECK(normalize_function("main.main.func2.1", false) == "main.main.funcN.N");
  CHECK(normalize_function("main.main.func12.3.4", false) == "main.main.funcN.N.N");
  CHECK(normalize_function("main.F.gowrap3", true) == "main.F.gowrap3");
  CHECK(normalize_function("main.F.gowrap3", false) == "main.F.gowrapN");
  CHECK(normalize_function("main.F.deferwrap1", false) == "main.F.deferwrapN");
  CHECK(normalize_function("main.F-range2", true) == "main.F-range2");
  CHECK(normalize_function("main.F-range2", false) == "main.F-rangeN");
  CHECK(normalize_function("main.function", false) == "main.function");
  CHECK(normalize_function("net/http.(*conn).serve", false) == "net/http.(*conn).serve");
  CHECK(normalize_function("main.glob..func1.2", false) == "main.init.funcN.N");
  CHECK(normalize_function("main.main.func1.gowrap2", false) == "main.main.funcN.gowrapN");
  CHECK(normalize_function("pkg.(*T[go.shape.int]).M.func3", false) == "pkg.(*T[...]).M.funcN");
  CHECK(normalize_function("main.F-range2.func1", false) == "main.F-rangeN.funcN");
  // GOPATH-mode vendoring (Go 1.19, GO111MODULE=off): the module-mode name.
  CHECK(normalize_function("example.com/tiny/vendor/example.com/workq.run[...]", false) ==
        "example.com/workq.run[...]");
  CHECK(normalize_function("a/vendor/b/vendor/c/d.(*T).M.func1", true) == "c/d.(*T).M.func1");
  CHECK(normalize_function("vendor/golang.org/x/net/http2/hpack.(*Decoder).Write", true) ==
        "vendor/golang.org/x/net/http2/hpack.(*Decoder).Write");
  CHECK(normalize_function("example.com/vendorlib.F", true) == "example.com/vendorlib.F");
}

TEST_CASE("is_go_runtime_frame") {
  CHECK(is_go_runtime_frame("runtime.gopark"));
  CHECK(is_go_runtime_frame("runtime.goexit"));
  CHECK(is_go_runtime_frame("runtime.chanrecv1"));
  CHECK(is_go_runtime_frame("panic"));
  CHECK_FALSE(is_go_runtime_frame("runtime.Gosched"));
  CHECK_FALSE(is_go_runtime_frame("runtime.GC"));
  CHECK_FALSE(is_go_runtime_frame("sync.runtime_SemacquireMutex"));
  CHECK_FALSE(is_go_runtime_frame("internal/poll.runtime_pollWait"));
  CHECK_FALSE(is_go_runtime_frame("runtime/pprof.writeGoroutineStacks"));
  CHECK_FALSE(is_go_runtime_frame("main.main"));
}

TEST_CASE("is_go_wrapper and is_go_closure") {
  CHECK(is_go_wrapper("main.main.gowrap1"));
  CHECK(is_go_wrapper("main.(*T).run.deferwrap12"));
  CHECK_FALSE(is_go_wrapper("main.main.gowrap"));
  CHECK_FALSE(is_go_wrapper("main.main.func1"));
  CHECK_FALSE(is_go_wrapper("main.gowrapper"));
  CHECK(is_go_closure("main.main.func1"));
  CHECK(is_go_closure("main.main.func1.2"));
  CHECK(is_go_closure("main.main.func1.2.1"));
  CHECK_FALSE(is_go_closure("main.main.1"));
  CHECK_FALSE(is_go_closure(".1"));
  CHECK_FALSE(is_go_closure("main.function"));
  // Only the end of the name counts.
  CHECK_FALSE(is_go_wrapper("main.main.gowrap1.func2"));
  CHECK(is_go_wrapper("main.main.func2.gowrap3"));
  CHECK(is_go_closure("main.main.gowrap1.func2"));
  CHECK_FALSE(is_go_closure("main.main.func"));
  CHECK_FALSE(is_go_wrapper("1"));
  CHECK_FALSE(is_go_closure(""));
}

TEST_CASE("is_standard_library") {
  CHECK(is_standard_library("net/http.(*conn).serve", Runtime::go));
  CHECK(is_standard_library("sync.(*Mutex).Lock", Runtime::go));
  CHECK(is_standard_library("internal/poll.runtime_pollWait", Runtime::go));
  CHECK(is_standard_library("panic", Runtime::go));
  CHECK_FALSE(is_standard_library("main.main", Runtime::go));
  CHECK_FALSE(is_standard_library("main.(*Server).Run.func2", Runtime::go));
  CHECK_FALSE(is_standard_library("github.com/x/y.F", Runtime::go));
  CHECK_FALSE(is_standard_library("example.com/lib.(*T).M", Runtime::go));
  CHECK(is_standard_library("java.util.concurrent.locks.LockSupport.park", Runtime::java));
  CHECK(is_standard_library("jdk.internal.misc.Unsafe.park", Runtime::java));
  CHECK_FALSE(is_standard_library("com.acme.Worker.run", Runtime::java));
  CHECK_FALSE(is_standard_library("java.util.HashMap.get", Runtime::go));
  CHECK_FALSE(is_standard_library("net/http.(*conn).serve", Runtime::other));
}

TEST_CASE("go_package") {
  CHECK(go_package("net/http.(*conn).serve") == "net/http");
  CHECK(go_package("github.com/acme/shopsvc/internal/quote.(*Pricer).fetch") ==
        "github.com/acme/shopsvc/internal/quote");
  CHECK(go_package("main.main") == "main");
}

TEST_CASE("display_path and base_name") {
  CHECK(display_path("/usr/lib/go-1.19/src/net/http/server.go") == "net/http/server.go");
  CHECK(display_path("/usr/local/go/src/runtime/proc.go") == "runtime/proc.go");
  CHECK(display_path("/root/go/pkg/mod/github.com/x/y@v1.2.3/z.go") == "github.com/x/y/z.go");
  CHECK(display_path("/root/go/pkg/mod/github.com/x/y@v1.2.3/sub/z.go") ==
        "github.com/x/y/sub/z.go");
  CHECK(display_path("/build/app/vendor/example.com/lib/w.go") == "example.com/lib/w.go");
  CHECK(display_path("/home/ci/go/src/github.com/acme/shopsvc/internal/quote/quote.go") ==
        "github.com/acme/shopsvc/internal/quote/quote.go");
  CHECK(display_path("main.go") == "main.go");
  CHECK(base_name("/home/ci/go/src/github.com/acme/quote.go") == "quote.go");
  CHECK(base_name("quote.go") == "quote.go");
}

TEST_CASE("wait_class") {
  CHECK(wait_class("semacquire") == "sync");
  CHECK(wait_class("sync.Mutex.Lock") == "sync");
  CHECK(wait_class("sync.RWMutex.RLock") == "sync");
  CHECK(wait_class("sync.WaitGroup.Wait") == "sync");
  CHECK(wait_class("running") == "active");
  CHECK(wait_class("runnable") == "active");
  CHECK(wait_class("preempted") == "active");
  CHECK(wait_class("chan receive (durable)") == "chan receive");
  CHECK(wait_class("chan receive") == "chan receive");
  CHECK(wait_class("semacquire (durable)") == "sync");
  CHECK(wait_class("sync.Cond.Wait") == "sync.Cond.Wait");
  CHECK(wait_class("IO wait") == "IO wait");
  CHECK(wait_class("WAITING (parking)") == "WAITING");
  CHECK(wait_class("TIMED_WAITING (sleeping)") == "TIMED_WAITING");
  CHECK(wait_class("RUNNABLE") == "RUNNABLE");
  CHECK(wait_class("") == "");
}

TEST_CASE("infer_go_wait") {
  CHECK(infer_go_wait("runtime.chanrecv1") == "chan receive");
  CHECK(infer_go_wait("runtime.chanrecv2") == "chan receive");
  CHECK(infer_go_wait("runtime.chansend1") == "chan send");
  CHECK(infer_go_wait("runtime.selectgo") == "select");
  CHECK(infer_go_wait("runtime.block") == "select (no cases)");
  CHECK(infer_go_wait("internal/poll.runtime_pollWait") == "IO wait");
  CHECK(infer_go_wait("time.Sleep") == "sleep");
  CHECK(infer_go_wait("sync.runtime_SemacquireMutex") == "semacquire");
  CHECK(infer_go_wait("sync.runtime_notifyListWait") == "sync.Cond.Wait");
  CHECK(infer_go_wait("syscall.Syscall6") == "syscall");
  CHECK(infer_go_wait("main.main").empty());
  CHECK(infer_go_wait("runtime.gopark").empty());
}

TEST_CASE("unnumber_java_lambdas") {
  CHECK(unnumber_java_lambdas("Leak.lambda$main$0") == "Leak.lambda$main$N");
  CHECK(unnumber_java_lambdas("a.B.lambda$static$12") == "a.B.lambda$static$N");
  CHECK(unnumber_java_lambdas("a.B$$Lambda.run") == "a.B$$Lambda.run");
  CHECK(unnumber_java_lambdas("a.B.lambda$run$3$lambda$run$1") == "a.B.lambda$run$N$lambda$run$N");
  CHECK(unnumber_java_lambdas("a.B.lambda$x") == "a.B.lambda$x");     // no index: kept
  CHECK(unnumber_java_lambdas("a.B.lambda$x$y") == "a.B.lambda$x$y"); // not digits: kept
  CHECK(unnumber_java_lambdas("lambda$") == "lambda$");
}

} // TEST_SUITE("normalize")

} // namespace taskdiff
