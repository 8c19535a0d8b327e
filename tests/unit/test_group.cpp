// Tests for src/group.cpp: keys, internal groups, level-2 wrapper dropping, shared_key().
#include "support.hpp"
#include "taskdiff/diff.hpp"
#include "taskdiff/group.hpp"
#include "taskdiff/normalize.hpp"
#include "taskdiff/parse.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <map>
#include <string>
#include <vector>

namespace taskdiff {

namespace {

Snapshot corpus(const std::string& name) {
  return load(test::testdata_path("corpus/" + name), ParseOptions{});
}

const Group* largest_app_group(const Grouping& grouping) {
  for (const auto& group : grouping.groups) {
    if (!group.internal) {
      return &group;
    }
  }
  return nullptr;
}

bool has_frame(const Group& group, const std::string& suffix) {
  return std::any_of(group.frames.begin(), group.frames.end(), [&](const std::string& f) {
    return f.size() >= suffix.size() &&
           f.compare(f.size() - suffix.size(), suffix.size(), suffix) == 0;
  });
}

Snapshot java_testdata(const std::string& name) {
  return load(test::testdata_path("java/" + name), ParseOptions{});
}

// The groups of two snapshots under their shared key (as `diff` keys them).
std::pair<Grouping, Grouping> group_both(const Snapshot& base, const Snapshot& cand) {
  std::vector<std::string> notes;
  KeyOptions key = shared_key(KeyOptions{}, base.facts, cand.facts, notes);
  return {group(base, key), group(cand, key)};
}

// Key -> count of the application's groups that have frames.
std::map<std::string, uint64_t> app_groups(const Grouping& grouping) {
  std::map<std::string, uint64_t> out;
  for (const auto& group : grouping.groups) {
    if (!group.internal && !group.stack.empty()) {
      out[group.fold_key] += group.count; // closure and lambda numbers folded
    }
  }
  return out;
}

const Group* group_of_thread(const Grouping& grouping, const std::string& thread_name) {
  for (const auto& group : grouping.groups) {
    if (group.thread_name == thread_name) {
      return &group;
    }
  }
  return nullptr;
}

uint64_t sum_counts(const Grouping& grouping) {
  uint64_t sum = 0;
  for (const auto& group : grouping.groups) {
    sum += group.count;
  }
  return sum;
}

// The register dump a SIGQUIT dump ends with, as Go prints it on amd64.
std::string amd64_registers() {
  std::string out;
  for (const char* name : {"rax", "rbx", "rcx", "rdx", "rdi", "rsi", "rbp", "rsp", "r8", "r9", "r10",
                           "r11", "r12", "r13", "r14", "r15", "rip", "rflags", "cs", "fs", "gs"}) {
    out += fmt::format("{:<6} 0x0\n", name);
  }
  return out;
}

} // namespace

TEST_SUITE("group") {

TEST_CASE("unbuffered-chan debug=2: the leak group, internal groups, sums") {
  Snapshot s = corpus("unbuffered-chan/cand.debug2.txt");
  Grouping g = group(s, KeyOptions{});
  CHECK(g.total == s.total);
  CHECK(sum_counts(g) == g.total);

  const Group* leak = largest_app_group(g);
  REQUIRE(leak != nullptr);
  CHECK(leak->count == 200);
  REQUIRE_FALSE(leak->frames.empty());
  CHECK(leak->frames[0] == "github.com/acme/shopsvc/internal/quote.(*Pricer).fetch");
  CHECK(leak->wait == "chan send");
  CHECK_FALSE(leak->wait_inferred);
  REQUIRE(leak->created_by.has_value());
  CHECK(leak->created_by->function == "github.com/acme/shopsvc/internal/quote.(*Pricer).ServeHTTP");
  CHECK(leak->created_by->file == "github.com/acme/shopsvc/internal/quote/quote.go");
  CHECK(leak->created_by->line == 39);
  CHECK(leak->stack[0].file == "github.com/acme/shopsvc/internal/quote/quote.go");
  CHECK(leak->stack[0].line == 59);
  REQUIRE(leak->app_frame.has_value());
  CHECK(*leak->app_frame == 0);
  CHECK(leak->key.find("wait=chan send\n") != std::string::npos);

  // Groups are sorted largest first.
  for (size_t i = 1; i < g.groups.size(); ++i) {
    CHECK(g.groups[i - 1].count >= g.groups[i].count);
  }

  // The pprof dumper is an internal group.
  bool dumper_internal = false;
  uint64_t internal = 0;
  for (const auto& group : g.groups) {
    if (group.internal) {
      internal += group.count;
      if (has_frame(group, "runtime/pprof.writeGoroutineStacks") ||
          std::any_of(group.frames.begin(), group.frames.end(),
                      [](const std::string& f) { return f.rfind("runtime/pprof.", 0) == 0; })) {
        dumper_internal = true;
        CHECK(group.key.rfind("internal=\n", 0) == 0);
      }
    } else {
      CHECK(std::none_of(group.frames.begin(), group.frames.end(),
                         [](const std::string& f) { return f.rfind("runtime/pprof.", 0) == 0; }));
    }
  }
  CHECK(dumper_internal);
  CHECK(internal == g.internal);
  CHECK(g.internal > 0);

  // The level-1 dump keeps the server.Run.func2 closure.
  bool run_func2 = std::any_of(g.groups.begin(), g.groups.end(), [](const Group& group) {
    return has_frame(group, "internal/server.Run.func2");
  });
  CHECK(run_func2);
}

TEST_CASE("tracebacks SIGQUIT: the level-2 go wrapper closure is kept, and left out of the "
          "loose key") {
  Snapshot s = corpus("tracebacks/cand.sigquit.txt");
  Grouping g = group(s, KeyOptions{});
  CHECK(sum_counts(g) == 173);
  const Group* fetch = nullptr;
  for (const auto& group : g.groups) {
    if (!group.internal && !group.frames.empty() &&
        group.frames[0] == "github.com/acme/shopsvc/internal/quote.(*Pricer).fetch") {
      fetch = &group;
    }
  }
  REQUIRE(fetch != nullptr);
  CHECK(fetch->count == 150);
  CHECK(has_frame(*fetch, "ServeHTTP.func1")); // the `go` statement's wrapper, at level 2
  CHECK(fetch->frames.size() == 2);
  CHECK(fetch->loose_key.find("ServeHTTP.func") == std::string::npos);
  REQUIRE(fetch->loose_closures.size() == 2);
  CHECK(
      fetch->loose_closures[1] ==
      std::vector<std::string>{"github.com/acme/shopsvc/internal/quote.(*Pricer).ServeHTTP.funcN"});
  CHECK_FALSE(has_frame(*fetch, "runtime.gopark"));
  CHECK_FALSE(has_frame(*fetch, "runtime.goexit"));
  // Server.Run.func2 is not a `go` wrapper of its creator's line: kept.
  bool run_func2 = std::any_of(g.groups.begin(), g.groups.end(), [](const Group& group) {
    return has_frame(group, "internal/server.Run.func2");
  });
  CHECK(run_func2);
}

// The key of the group of main.fanIn in a debug=2 text, for comparing releases and builds.
std::string app_key(const std::string& text) {
  Grouping grouping = group(load(Input::from_memory("x.txt", text), ParseOptions{}), KeyOptions{});
  for (const auto& group : grouping.groups) {
    if (has_frame(group, "main.fanIn")) {
      return group.key;
    }
  }
  FAIL("no group of main.fanIn");
  return {};
}

// One goroutine of debug=2 waiting in `wait_frames` (leaf first, each `function\n\tfile`),
// called from main.fanIn, created by main.main.
std::string goroutine_waiting(const std::string& state, const std::string& wait_frames) {
  return "goroutine 1 [running]:\nmain.main()\n\t/src/app/main.go:9 +0x1d\n\n"
         "goroutine 7 [" +
         state + "]:\n" + wait_frames +
         "main.fanIn()\n\t/src/app/fan.go:12 +0x25\n"
         "created by main.main in goroutine 1\n\t/src/app/main.go:8 +0x40\n";
}

TEST_CASE("a toolchain upgrade that renames sync's frames splits no group") {
  // WaitGroup.Wait: runtime_Semacquire until Go 1.24, runtime_SemacquireWaitGroup from 1.25.
  CHECK(app_key(goroutine_waiting("semacquire",
                                  "sync.runtime_Semacquire(0xc0?)\n\t/go/src/runtime/sema.go:62 "
                                  "+0x25\nsync.(*WaitGroup).Wait(0xc0?)\n\t/go/src/sync/"
                                  "waitgroup.go:116 +0x48\n")) ==
        app_key(goroutine_waiting("sync.WaitGroup.Wait",
                                  "sync.runtime_SemacquireWaitGroup(0xc0?, 0x0)\n\t/go/src/"
                                  "runtime/sema.go:114 +0x25\nsync.(*WaitGroup).Wait(0xc0?)\n\t/"
                                  "go/src/sync/waitgroup.go:118 +0x48\n")));
  // Mutex.Lock: sync's own lockSlow until Go 1.23, internal/sync's from 1.24.
  CHECK(app_key(goroutine_waiting("sync.Mutex.Lock",
                                  "sync.runtime_SemacquireMutex(0xc0?, 0x0?, 0x1?)\n\t/go/src/"
                                  "runtime/sema.go:77 +0x25\nsync.(*Mutex).lockSlow(0xc0)\n\t/go/"
                                  "src/sync/mutex.go:171 +0x165\nsync.(*Mutex).Lock(...)\n\t/go/"
                                  "src/sync/mutex.go:90\n")) ==
        app_key(goroutine_waiting(
            "sync.Mutex.Lock",
            "internal/sync.runtime_SemacquireMutex(0xc0?, 0x0?, 0x1?)\n\t/go/src/runtime/"
            "sema.go:95 +0x25\ninternal/sync.(*Mutex).lockSlow(0xc0)\n\t/go/src/internal/sync/"
            "mutex.go:149 +0x15d\ninternal/sync.(*Mutex).Lock(...)\n\t/go/src/internal/sync/"
            "mutex.go:70\nsync.(*Mutex).Lock(...)\n\t/go/src/sync/mutex.go:46\n")));
  // Different waits stay apart: the frame above the semaphore tells them.
  CHECK(app_key(goroutine_waiting("semacquire",
                                  "sync.runtime_Semacquire(0xc0?)\n\t/go/src/runtime/sema.go:62 "
                                  "+0x25\nsync.(*WaitGroup).Wait(0xc0?)\n\t/go/src/sync/"
                                  "waitgroup.go:116 +0x48\n")) !=
        app_key(goroutine_waiting("semacquire",
                                  "sync.runtime_SemacquireMutex(0xc0?, 0x0?, 0x1?)\n\t/go/src/"
                                  "runtime/sema.go:77 +0x25\nsync.(*Mutex).Lock(...)\n\t/go/src/"
                                  "sync/mutex.go:90\n")));
}

TEST_CASE("cgo export wrappers: the hash of the cgo files is not part of the key") {
  auto waiting_in = [](const std::string& wrapper) {
    return goroutine_waiting("chan receive", "main.goSleep()\n\t/src/app/sleep.go:5 +0x25\n" +
                                                 wrapper + "(0x0)\n\t_cgo_gotypes.go:60 +0x1d\n");
  };
  CHECK(app_key(waiting_in("main._cgoexpwrap_65ad5df3a112_goSleep")) ==
        app_key(waiting_in("main._cgoexpwrap_0b1c2d3e4f50_goSleep")));
  CHECK(normalize_function("main._cgoexp_65ad5df3a112_goSleep", true) == "main._cgoexp_goSleep");
  CHECK(normalize_function("main._cgoexpwrap_65ad5df_goSleep", true) ==
        "main._cgoexpwrap_65ad5df_goSleep"); // not a 12-digit hash: kept
}

TEST_CASE("method-value wrappers at <autogenerated> are not part of the key") {
  auto accepting = [](bool wrapper) {
    return goroutine_waiting(
        "IO wait", std::string("net.(*TCPListener).Accept(0xc0)\n\t/go/src/net/tcpsock.go:315 "
                               "+0x30\n") +
                       (wrapper ? "net/http.(*onceCloseListener).Accept(0xc0?)\n\t<autogenerated>:1 "
                                  "+0x24\n"
                                : ""));
  };
  CHECK(app_key(accepting(true)) == app_key(accepting(false)));
}

TEST_CASE("Go 1.22+ level-2 traceback: with a gowrap in the stack the closure is kept") {
  // `go func(c chan int) { wait(c) }(c)`: the closure's frame sits on the `go` line, as the
  // wrapper closure of Go <= 1.21 did, but here gowrap4 is that wrapper.
  std::string text = "SIGQUIT: quit\nPC=0x46df41 m=0 sigcode=0\n\n"
                     "goroutine 7 gp=0xc0 m=nil [chan receive]:\n"
                     "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n"
                     "\t/go/src/runtime/proc.go:424 +0xce fp=0xc0 sp=0xc0 pc=0x43\n"
                     "runtime.chanrecv1(0x0?, 0x0?)\n"
                     "\t/go/src/runtime/chan.go:489 +0x12 fp=0xc0 sp=0xc0 pc=0x40\n"
                     "main.wait(...)\n"
                     "\t/src/app/main.go:12\n"
                     "main.run.func2(0x0?)\n"
                     "\t/src/app/main.go:40 +0x25 fp=0xc0 sp=0xc0 pc=0x49\n"
                     "main.run.gowrap4()\n"
                     "\t/src/app/main.go:40 +0x25 fp=0xc0 sp=0xc0 pc=0x49\n"
                     "runtime.goexit({})\n"
                     "\t/go/src/runtime/asm_amd64.s:1700 +0x1 fp=0xc0 sp=0xc0 pc=0x47\n"
                     "created by main.run in goroutine 1\n"
                     "\t/src/app/main.go:40 +0x40\n\n" +
                     amd64_registers();
  Grouping grouping =
      group(load(Input::from_memory("x.txt", text), ParseOptions{}), KeyOptions{});
  const Group* app = largest_app_group(grouping);
  REQUIRE(app != nullptr);
  CHECK(has_frame(*app, "main.wait"));
  CHECK(has_frame(*app, "main.run.func2"));
}

TEST_CASE("go1.19 [syscall] goroutines: the level-2 go wrapper is apart under any leaf") {
  // One real process (testdata/go/programs/extra): ten `go cmd.Wait()` in [syscall]. The SIGQUIT
  // dump's wrapper main.handleExec.func1 sits under os/exec.(*Cmd).Wait, its leaf
  // syscall.Syscall6; the wrapper was left out only under a runtime leaf, so the two dumps
  // split.
  auto wait_group = [](const std::string& name) -> Group {
    Grouping grouping = group(load(test::testdata_path("go/" + name), ParseOptions{}), KeyOptions{});
    for (const auto& group : grouping.groups) {
      if (has_frame(group, "os/exec.(*Cmd).Wait")) {
        return group;
      }
    }
    FAIL("no os/exec.(*Cmd).Wait group in " << name);
    return {};
  };
  Group level1 = wait_group("go1.19-syscall.debug2.txt");
  Group level2 = wait_group("go1.19-syscall.sigquit.txt");
  CHECK(level2.count == 10);
  CHECK(level1.loose_key == level2.loose_key);
  CHECK(has_frame(level2, "main.handleExec.func1"));
  CHECK_FALSE(has_frame(level1, "main.handleExec.func1"));
}

TEST_CASE("GOPATH-mode vendoring does not split a group from the module build") {
  // Real go1.19 dumps of one program (testdata/go/programs/tiny -mode pool): built as a module,
  // and in GOPATH mode with its dependency vendored, which names the functions
  // `example.com/tiny/vendor/example.com/workq.run[...]`. Every worker was NEW against the module
  // build.
  Grouping module = group(load(test::testdata_path("go/go1.19-pool-module.debug2.txt"),
                               ParseOptions{}),
                          KeyOptions{});
  Grouping vendored = group(load(test::testdata_path("go/go1.19-pool-gopath-vendor.debug2.txt"),
                                 ParseOptions{}),
                            KeyOptions{});
  REQUIRE(module.groups.size() == vendored.groups.size());
  for (size_t i = 0; i < module.groups.size(); ++i) {
    CHECK(module.groups[i].key == vendored.groups[i].key);
    CHECK(module.groups[i].count == vendored.groups[i].count);
  }
  CHECK(has_frame(vendored.groups.front(), "example.com/workq.run[...]"));
}

TEST_CASE("the same stack has one loose key in debug=2 and SIGQUIT") {
  Grouping d2 = group(corpus("unbuffered-chan/cand.debug2.txt"), KeyOptions{});
  Grouping tb = group(corpus("tracebacks/cand.sigquit.txt"), KeyOptions{});
  const Group* a = largest_app_group(d2);
  REQUIRE(a != nullptr);
  const Group* match = nullptr;
  for (const auto& group : tb.groups) {
    if (group.loose_key == a->loose_key) {
      match = &group;
    }
  }
  REQUIRE(match != nullptr);
  CHECK(match->count == 150);
}

TEST_CASE("go1.23 corpus: debug=2 and SIGQUIT agree on the leak group") {
  Grouping d2 = group(corpus("go123-unbuffered-chan/cand.debug2.txt"), KeyOptions{});
  Grouping tb = group(corpus("go123-unbuffered-chan/cand.sigquit.txt"), KeyOptions{});
  const Group* a = largest_app_group(d2);
  const Group* b = largest_app_group(tb);
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  CHECK(a->key == b->key);
  CHECK(a->count == b->count);
  CHECK(a->frames == b->frames);
}

TEST_CASE("key depth and strict key") {
  Snapshot s = corpus("unbuffered-chan/cand.debug2.txt");
  KeyOptions shallow;
  shallow.depth = 0;
  shallow.created_by = false;
  shallow.wait = false;
  Grouping g = group(s, shallow);
  // With no frames, no wait and no creator, every application stack shares one key.
  size_t app_groups = 0;
  for (const auto& group : g.groups) {
    if (!group.internal) {
      ++app_groups;
      CHECK(group.key.empty());
    }
  }
  CHECK(app_groups == 1);

  KeyOptions strict;
  strict.strict = true;
  Grouping gs = group(s, strict);
  const Group* leak = largest_app_group(gs);
  REQUIRE(leak != nullptr);
  CHECK(leak->count == 200);
  CHECK(leak->key.find(
            "frame=github.com/acme/shopsvc/internal/quote.(*Pricer).fetch quote.go:59\n") !=
        std::string::npos);
}

TEST_CASE("debug=1: wait is inferred from runtime frames") {
  Snapshot s = corpus("unbuffered-chan/cand.debug1.txt");
  std::vector<std::string> notes;
  KeyOptions key = shared_key(KeyOptions{}, s.facts, s.facts, notes);
  Grouping g = group(s, key);
  const Group* leak = largest_app_group(g);
  REQUIRE(leak != nullptr);
  CHECK(leak->count == 200);
  CHECK(leak->frames[0] == "github.com/acme/shopsvc/internal/quote.(*Pricer).fetch");
  CHECK(leak->key.find("wait=") == std::string::npos);
}

TEST_CASE("Java: jstack and Thread.dump_to_file of one JDK 25 JVM give the same groups") {
  // jstack prints the hidden lambda-proxy frame of a thread started with a method reference
  // (`LeakApp$$Lambda/0x...run`); Thread.dump_to_file, a Java-level stack walk, does not.
  Snapshot jstack = java_testdata("jdk25-leakapp.jstack.txt");
  Snapshot threads = java_testdata("jdk25-leakapp.threads.txt");
  auto [a, b] = group_both(jstack, threads);
  CHECK(app_groups(a) == app_groups(b));
  for (const Grouping* grouping : {&a, &b}) {
    const Group* latch = group_of_thread(*grouping, "latch-waiter");
    REQUIRE(latch != nullptr);
    CHECK(latch->count == 2);
    CHECK(latch->frames ==
          std::vector<std::string>{"jdk.internal.misc.Unsafe.park",
                                   "java.util.concurrent.locks.LockSupport.park",
                                   "java.util.concurrent.locks.AbstractQueuedSynchronizer.acquire",
                                   "java.util.concurrent.locks.AbstractQueuedSynchronizer."
                                   "acquireSharedInterruptibly",
                                   "java.util.concurrent.CountDownLatch.await",
                                   "LeakApp.awaitLatch", "java.lang.Thread.run"});
    // A lambda as an InvocationHandler: the proxy's own frame stays, the lambda's goes.
    const Group* proxy = group_of_thread(*grouping, "proxy-caller");
    REQUIRE(proxy != nullptr);
    CHECK(proxy->frames[3] == "LeakApp.lambda$setupHealthy$5");
    CHECK(proxy->frames[4] == "$Proxy.handle");
  }
}

TEST_CASE("Java: two jstack dumps key on the method-reference proxy, the only frame that differs") {
  // `new Thread(Billing.done::join)` leaks beside `new Thread(Reports.done::join)`: the threads
  // differ only in their hidden proxy frame. Left out of the key, the 5 new threads only grew
  // the 5 old ones' group, below the thresholds (exit 0).
  auto [base, cand] = group_both(java_testdata("jdk17-methodref-threads.base.jstack.txt"),
                                 java_testdata("jdk17-methodref-threads.cand.jstack.txt"));
  auto count_with = [](const Grouping& grouping, const std::string& frame) {
    uint64_t count = 0;
    for (const auto& group : grouping.groups) {
      count += has_frame(group, frame) ? group.count : 0;
    }
    return count;
  };
  CHECK(count_with(base, "LamApp$Reports$$Lambda.run") == 5);
  CHECK(count_with(cand, "LamApp$Reports$$Lambda.run") == 5);
  CHECK(count_with(base, "LamApp$Billing$$Lambda.run") == 0);
  CHECK(count_with(cand, "LamApp$Billing$$Lambda.run") == 5);
}

TEST_CASE("Java: JDK 17 lambda proxies leave the key alike before and after a rebuild") {
  auto [before, after] = group_both(java_testdata("jdk17-lambdas.before.jstack.txt"),
                                    java_testdata("jdk17-lambdas.after-rebuild.jstack.txt"));
  CHECK(before.groups.size() == 25);
  CHECK(app_groups(before) == app_groups(after));
  DiffResult rebuilt = diff(before, after, Thresholds{});
  CHECK(rebuilt.findings.empty());
  CHECK(rebuilt.changes.empty());
  // Both are jstack: the proxies' frames stay in the key, their numbers and addresses gone.
  bool proxies = false;
  for (const auto& group : before.groups) {
    for (const auto& frame : group.frames) {
      proxies = proxies || frame.find("$$Lambda.run") != std::string::npos;
      CHECK_MESSAGE(frame.find("$$Lambda$") == std::string::npos, frame);
      CHECK_MESSAGE(frame.find('/') == std::string::npos, frame);
    }
  }
  CHECK(proxies);
}

TEST_CASE("Java: the JVM's own threads with a state and no frames are internal") {
  // A JIT warm-up (JDK 17, -XX:CICompilerCount=24): 2 compiler threads, then 17.
  auto [base, cand] = group_both(java_testdata("jdk17-jit-warmup.base.jstack.txt"),
                                 java_testdata("jdk17-jit-warmup.cand.jstack.txt"));
  const Group* compilers = group_of_thread(cand, "CN CompilerThreadM");
  REQUIRE(compilers != nullptr);
  CHECK(compilers->count == 17);
  CHECK(compilers->internal);
  CHECK_FALSE(diff(base, cand, Thresholds{}).regression());
  for (const char* name : {"Signal Dispatcher", "Sweeper thread", "Service Thread",
                           "Notification Thread", "Monitor Deflation Thread"}) {
    CAPTURE(name);
    const Group* group = group_of_thread(cand, name);
    REQUIRE(group != nullptr);
    CHECK(group->internal);
  }
  // JDK 25 names the same threads the same way (Thread.dump_to_file lists some with a state).
  for (const char* file : {"jdk25-leakapp.jstack.txt", "jdk25-leakapp.threads.txt"}) {
    Grouping g = group(java_testdata(file), KeyOptions{});
    const Group* attach = group_of_thread(g, "Attach Listener");
    REQUIRE(attach != nullptr);
    CHECK(attach->internal);
  }
  CHECK(is_jvm_internal_thread("JVMCI CompilerThreadN"));
  CHECK_FALSE(is_jvm_internal_thread("native-cb-N"));
  CHECK_FALSE(is_jvm_internal_thread("Signal Dispatcher-N"));
}

TEST_CASE("Java: a group blocks in the call the application made, not the JDK's machinery") {
  auto blocking = [](const Grouping& grouping, const std::string& thread_name) {
    const Group* group = group_of_thread(grouping, thread_name);
    REQUIRE(group != nullptr);
    const ShownFrame& frame = group->stack.at(group->blocking);
    return fmt::format("{} {}:{}", frame.function, frame.file, frame.line);
  };
  // JDK 25: SynchronousQueue.put parks in LinkedTransferQueue$DualNode.await; ReentrantLock.lock
  // in ReentrantLock$Sync.lock. Both formats alike.
  for (const char* file : {"jdk25-leakapp.jstack.txt", "jdk25-leakapp.threads.txt"}) {
    CAPTURE(file);
    Grouping g = group(java_testdata(file), KeyOptions{});
    CHECK(blocking(g, "sq-putter") == "java.util.concurrent.SynchronousQueue.put "
                                      "SynchronousQueue.java:266");
    CHECK(blocking(g, "rlock-waiter-N") == "java.util.concurrent.locks.ReentrantLock.lock "
                                           "ReentrantLock.java:323");
    // Unchanged: the call right above the parking frames.
    CHECK(blocking(g, "latch-waiter") == "java.util.concurrent.CountDownLatch.await "
                                         "CountDownLatch.java:230");
    // A pool worker's own loop (ThreadPoolExecutor.getTask) is no blocking call's machinery.
    CHECK(blocking(g, "pool-N-thread-M") ==
          "java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue.take "
          "ScheduledThreadPoolExecutor.java:1166");
  }
  // JDK 17: SynchronousQueue$TransferStack$SNode.block under ForkJoinPool.managedBlock.
  Grouping jdk17 = group(java_testdata("jdk17-lambdas.before.jstack.txt"), KeyOptions{});
  CHECK(blocking(jdk17, "pool-N-thread-M") ==
        "java.util.concurrent.SynchronousQueue.take SynchronousQueue.java:886");
  CHECK(blocking(jdk17, "waiter-N") ==
        "java.util.concurrent.locks.ReentrantLock.lock ReentrantLock.java:322");
  Grouping executor = group(java_testdata("java-executor.base.jstack.txt"), KeyOptions{});
  CHECK(blocking(executor, "http-worker-N") ==
        "java.util.concurrent.LinkedBlockingQueue.take LinkedBlockingQueue.java:435");
  // JDK 25 virtual threads park through VirtualThread.park/parkNanos: the same calls as on
  // platform threads.
  Grouping virtual_threads =
      group(java_testdata("jdk25-virtual-threads.threads.json"), KeyOptions{});
  CHECK(blocking(virtual_threads, "vworker-N") == "java.lang.Thread.sleep Thread.java:540");
  CHECK(blocking(virtual_threads, "") ==
        "java.util.concurrent.CountDownLatch.await CountDownLatch.java:230");
}

TEST_CASE(
    "Java: a JDK upgrade does not change the key of a thread in Thread.sleep or Object.wait") {
  // One program on JDK 17 and JDK 25: the JDK's wait machinery at the leaf changed (sleepNanos0,
  // sleepNanos; Object.wait0), and 30 sleeping (waiting) threads were a NEW group against
  // themselves.
  for (const char* what : {"sleep", "wait"}) {
    CAPTURE(what);
    Snapshot jdk17 = java_testdata(fmt::format("jdk17-leakapp-{}.jstack.txt", what));
    Snapshot jdk25 = java_testdata(fmt::format("jdk25-leakapp-{}.jstack.txt", what));
    auto [base, cand] = group_both(jdk17, jdk25);
    std::map<std::string, uint64_t> before = app_groups(base);
    std::map<std::string, uint64_t> after = app_groups(cand);
    size_t leaks = 0;
    for (const auto& [key, count] : after) {
      if (count == 30) {
        ++leaks;
        CHECK(before.count(key) == 1);
      }
    }
    CHECK(leaks == 1);
  }
}

TEST_CASE("Java: how a thread waits stays keyed under the JDK's parking frames") {
  // One method, W.block, waiting in Condition.await and awaitUninterruptibly: two groups (they
  // were one once the parking machinery left the key); LockSupport.parkNanos and
  // Condition.awaitNanos from it are different groups too.
  auto app_keys = [](const Snapshot& snapshot) {
    Grouping grouping = group(snapshot, KeyOptions{});
    std::map<std::string, uint64_t> out;
    for (const auto& [key, count] : app_groups(grouping)) {
      if (key.find("W.block") != std::string::npos) {
        out[key] = count;
      }
    }
    return out;
  };
  auto mixed = app_keys(java_testdata("jdk17-waits-await-uninterruptibly.jstack.txt"));
  REQUIRE(mixed.size() == 2);
  for (const auto& [key, count] : mixed) {
    CHECK(count == 5);
  }
  auto park = app_keys(java_testdata("jdk17-waits-parknanos.jstack.txt"));
  auto await = app_keys(java_testdata("jdk17-waits-awaitnanos.jstack.txt"));
  REQUIRE(park.size() == 1);
  REQUIRE(await.size() == 1);
  CHECK(park.begin()->first != await.begin()->first);
}

TEST_CASE("shared_key") {
  Facts debug2 = format_facts(Format::go_debug2);
  Facts debug1 = format_facts(Format::go_debug1);
  REQUIRE(debug2.wait);
  REQUIRE(debug2.created_by);
  REQUIRE_FALSE(debug1.wait);
  REQUIRE_FALSE(debug1.created_by);

  SUBCASE("both debug=2: nothing turned off") {
    std::vector<std::string> notes;
    KeyOptions key = shared_key(KeyOptions{}, debug2, debug2, notes);
    CHECK(key.wait);
    CHECK(key.created_by);
    CHECK(notes.empty());
  }
  SUBCASE("debug=2 vs debug=1: wait and creator off, two notes") {
    std::vector<std::string> notes;
    KeyOptions key = shared_key(KeyOptions{}, debug2, debug1, notes);
    CHECK_FALSE(key.wait);
    CHECK_FALSE(key.created_by);
    REQUIRE(notes.size() == 2);
    CHECK(notes[0].find("the wait state is not part of the key") == 0);
    CHECK(notes[1].find("the creator (`created by`) is not part of the key") == 0);
  }
  SUBCASE("both debug=1: wait and creator off, a note for each") {
    // The creator's went unsaid: JSON key.created_by false, and no note told the reader.
    std::vector<std::string> notes;
    KeyOptions key = shared_key(KeyOptions{}, debug1, debug1, notes);
    CHECK_FALSE(key.wait);
    CHECK_FALSE(key.created_by);
    REQUIRE(notes.size() == 2);
    CHECK(notes[0].find("the wait state is not part of the key") == 0);
    CHECK(notes[1] == "the creator (`created by`) is not part of the key: neither input records "
                      "it (Go debug=1 and protobuf profiles carry none)");
  }
  SUBCASE("two Java dumps: no creator to leave out, no note") {
    Facts jstack = format_facts(Format::java);
    std::vector<std::string> notes;
    KeyOptions key =
        shared_key(KeyOptions{}, jstack, format_facts(Format::java_threads_json), notes);
    CHECK_FALSE(key.created_by);
    for (const auto& note : notes) {
      CHECK(note.find("creator") == std::string::npos);
    }
  }
  SUBCASE("labels asked for but debug=2 lacks them") {
    std::vector<std::string> notes;
    KeyOptions wanted;
    wanted.labels = true;
    KeyOptions key = shared_key(wanted, debug1, debug2, notes);
    CHECK_FALSE(key.labels);
    REQUIRE(notes.size() == 3);
    CHECK(notes[2].find("labels were asked for in the key") == 0);
  }
}

} // TEST_SUITE("group")

} // namespace taskdiff
