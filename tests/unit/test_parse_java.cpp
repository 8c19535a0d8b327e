// Tests for src/parse/java.cpp (jstack, jcmd Thread.print, SIGQUIT), src/parse/java_threads.cpp
// (Thread.dump_to_file text and JSON) and src/normalize_java.cpp, on the real dumps of
// testdata/java/README.md and on inputs cut or patched from them here.
#include "support.hpp"
#include "taskdiff/error.hpp"
#include "taskdiff/normalize.hpp"
#include "taskdiff/parse.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace taskdiff {

namespace {

using test::read_testdata;

Snapshot load_bytes(const std::string& name, std::string_view bytes, ParseOptions options = {}) {
  return load(Input::from_memory(name, bytes), options);
}

Snapshot load_testdata(const std::string& name) {
  return load_bytes(name, read_testdata("java/" + name));
}

// `LINE: message` of the Error loading `bytes` throws, or `no error`.
std::string load_error(std::string_view bytes, ParseOptions options = {},
                       std::string name = "t.txt") {
  try {
    load_bytes(name, bytes, options);
  } catch (const Error& error) {
    CHECK(error.source() == name);
    return fmt::format("{}: {}", error.line(), error.message());
  }
  return "no error";
}

// One distinct stack in readable form.
struct Record {
  uint64_t count = 0;
  std::string state;
  std::string name;
  std::vector<std::string> frames; // `function file:line`
};

std::vector<Record> records(const Snapshot& snapshot) {
  std::vector<Record> out;
  for (const auto& stack : snapshot.stacks) {
    Record record{stack.count, stack.state, stack.thread_name, {}};
    for (const auto& frame : stack.frames) {
      record.frames.push_back(fmt::format("{} {}:{}", snapshot.symbols[frame.function],
                                          snapshot.symbols[frame.file], frame.line));
    }
    out.push_back(std::move(record));
  }
  return out;
}

std::string canonical(const Snapshot& snapshot) {
  std::string out;
  for (const auto& record : records(snapshot)) {
    out += fmt::format("{} [{}] \"{}\"\n", record.count, record.state, record.name);
    for (const auto& frame : record.frames) {
      out += "  " + frame + "\n";
    }
  }
  return out;
}

// Records with frames under the cross-format key of dump-formats.md 7.4: normalized thread
// name, the state's first word, the normalized function names with hidden frames dropped.
std::map<std::string, uint64_t> cross_format_key(const Snapshot& snapshot) {
  std::map<std::string, uint64_t> out;
  for (const auto& stack : snapshot.stacks) {
    std::string key = stack.thread_name + " [" + stack.state.substr(0, stack.state.find(' ')) + "]";
    size_t kept = 0;
    for (const auto& frame : stack.frames) {
      std::string_view function = snapshot.symbols[frame.function];
      if (!is_java_hidden_frame(function) && !is_java_hidden_class_frame(function)) {
        key += " <- " + normalize_java_function(function);
        ++kept;
      }
    }
    if (kept > 0) {
      out[key] += stack.count;
    }
  }
  return out;
}

const Record* find_record(const std::vector<Record>& all, std::string_view name) {
  for (const auto& record : all) {
    if (record.name == name) {
      return &record;
    }
  }
  return nullptr;
}

std::string to_crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += '\r';
    }
    out += c;
  }
  return out;
}

// The text up to (not including) the line that starts with `marker`.
std::string cut_before(const std::string& text, std::string_view marker) {
  std::string needle = "\n";
  needle += marker; // (`"\n" + std::string(marker)` trips a false -Wrestrict in GCC 12)
  size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  return text.substr(0, at + 1);
}

} // namespace

TEST_SUITE("parse_java") {

TEST_CASE("thread totals match the corpus and peer-dump READMEs") {
  struct Case {
    const char* file;
    Format format;
    uint64_t threads;
  };
  const Case cases[] = {
      {"java25-executor.base.jstack.txt", Format::java, 29},
      {"java25-executor.base.jcmd.txt", Format::java, 29},
      {"java25-executor.base.threads.txt", Format::java_threads_text, 18},
      {"java25-executor.base.threads.json", Format::java_threads_json, 18},
      {"java-executor.base.jstack.txt", Format::java, 30},
      {"jdk17-sigquit-stdout.txt", Format::java, 31},
      {"tda-jdk5-histogram.txt", Format::java, 14},
      {"tda-jdk6-urlthread.txt", Format::java, 70},
      {"tda-jdk8-openjdk.txt", Format::java, 21},
      {"tda-visualvm-crlf.txt", Format::java, 119},
      {"tda-jdk21-macos-smr.txt", Format::java, 28},
      {"tda-jdk21-dump-to-file.json", Format::java_threads_json, 8},
      {"jifa-jdk8-style-18internal.txt", Format::java, 22},
      {"jifa-jdk11-deadlock.txt", Format::java, 18}, // 22 quoted lines: deadlock names not counted
      {"jthreaddump-jdk25-deadlock.txt", Format::java, 33},             // 37 quoted lines
      {"jthreaddump-jdk25-many-virtual-threads.txt", Format::java, 54}, // 68 quoted lines
      {"jdk25-leakapp.jstack.txt", Format::java, 21},
      {"jdk17-jit-warmup.base.jstack.txt", Format::java, 19},
      {"jdk25-virtual-threads.threads.json", Format::java_threads_json, 5},
      {"jdk17-jit-warmup.cand.jstack.txt", Format::java, 34},
      {"jdk25-leakapp.threads.txt", Format::java_threads_text, 15},
      {"jdk17-methodref-threads.base.jstack.txt", Format::java, 24},
      {"jdk17-methodref-threads.cand.jstack.txt", Format::java, 30},
  };
  for (const auto& c : cases) {
    CAPTURE(c.file);
    Snapshot snapshot = load_testdata(c.file);
    CHECK(snapshot.format == c.format);
    CHECK(snapshot.runtime == Runtime::java);
    CHECK(snapshot.facts.thread_names);
    CHECK(snapshot.facts.wait);
    CHECK(snapshot.total == c.threads);
    for (const auto& warning : snapshot.warnings) { // only those of a deadlock section
      CHECK(warning.find("the JVM reports a Java-level deadlock") != std::string::npos);
    }
  }
}

TEST_CASE("jstack: the JVM's deadlock report is said, with its line") {
  Snapshot snapshot = load_testdata("jifa-jdk11-deadlock.txt");
  REQUIRE(snapshot.warnings.size() == 1);
  CHECK(snapshot.warnings[0] == "the JVM reports a Java-level deadlock at line 86 (\"Found 1 "
                                "deadlock.\"): those threads will never run again");
  CHECK(load_testdata("java25-executor.base.jstack.txt").warnings.empty());
}

TEST_CASE("jstack: a pool thread's state, frames and normalized name") {
  auto all = records(load_testdata("java25-executor.base.jstack.txt"));
  const Record* worker = find_record(all, "report-worker-N");
  REQUIRE(worker != nullptr);
  CHECK(worker->count == 4); // report-worker-1..4 park in the same stack
  CHECK(worker->state == "WAITING (parking)");
  REQUIRE(worker->frames.size() == 12);
  CHECK(worker->frames[0] == "jdk.internal.misc.Unsafe.park :0"); // Native Method
  CHECK(worker->frames[1] == "java.util.concurrent.locks.LockSupport.park LockSupport.java:369");
  CHECK(worker->frames[6] ==
        "java.util.concurrent.LinkedBlockingQueue.take LinkedBlockingQueue.java:435");
  CHECK(worker->frames[7] ==
        "java.util.concurrent.ThreadPoolExecutor.getTask ThreadPoolExecutor.java:1016");
  CHECK(worker->frames[10] == "java.lang.Thread.runWith Thread.java:1487");
  CHECK(worker->frames[11] == "java.lang.Thread.run Thread.java:1474");

  // VM-internal threads: a record each, no state, no frames.
  const Record* gc = find_record(all, "GC Thread#N");
  REQUIRE(gc != nullptr);
  CHECK(gc->state.empty());
  CHECK(gc->frames.empty());
  // `C1 CompilerThread0` and `C2 CompilerThread0` share the pattern.
  const Record* compiler = find_record(all, "CN CompilerThreadM");
  REQUIRE(compiler != nullptr);
  CHECK(compiler->count == 2);
  CHECK(compiler->state == "RUNNABLE");
}

TEST_CASE("JDK 17 SIGQUIT: pool-N-thread-M, deadlock section and Heap skipped, lambdas kept raw") {
  Snapshot snapshot = load_testdata("jdk17-sigquit-stdout.txt");
  CHECK(snapshot.captured_at == "2026-11-22T19:39:03");
  auto all = records(snapshot);
  const Record* pool = find_record(all, "pool-N-thread-M");
  REQUIRE(pool != nullptr);
  CHECK(pool->count == 4); // pool-1-thread-1 .. pool-4-thread-1
  CHECK(pool->state == "WAITING (parking)");
  REQUIRE(pool->frames.size() == 11);
  CHECK(pool->frames[6] ==
        "java.util.concurrent.LinkedBlockingQueue.take LinkedBlockingQueue.java:435");
  CHECK(pool->frames[10] == "java.lang.Thread.run Thread.java:840");
  // Each deadlocked thread once, from the thread list; the deadlock section repeats them.
  const Record* deadlock = find_record(all, "deadlock-N");
  REQUIRE(deadlock != nullptr);
  CHECK(deadlock->state == "BLOCKED (on object monitor)");
  // The parser keeps the hidden-class name; grouping normalizes it.
  bool lambda = false;
  for (const auto& record : all) {
    for (const auto& frame : record.frames) {
      lambda = lambda || frame.starts_with("LeakDemo$$Lambda$");
    }
  }
  CHECK(lambda);
  // The thread name `waiter "quoted" [x]` is printed unescaped.
  CHECK(find_record(all, "waiter \"quoted\" [x]") != nullptr);
}

TEST_CASE("capture times") {
  CHECK(load_testdata("java25-executor.base.jstack.txt").captured_at == "2026-11-22T23:55:20");
  CHECK(load_testdata("java25-executor.base.jcmd.txt").captured_at.has_value());
  CHECK(load_testdata("java25-executor.base.threads.txt").captured_at ==
        "2026-11-22T23:55:21.218495962Z");
  CHECK(load_testdata("java25-executor.base.threads.json").captured_at ==
        "2026-11-22T23:55:21.018859632Z");
  CHECK_FALSE(load_testdata("tda-jdk5-histogram.txt").captured_at.has_value());
}

TEST_CASE("CRLF gives the same stacks as LF") {
  for (const char* file : {"java25-executor.base.jstack.txt", "java25-executor.base.threads.txt",
                           "java25-executor.base.threads.json", "jdk17-sigquit-stdout.txt"}) {
    CAPTURE(file);
    std::string text = read_testdata(std::string("java/") + file);
    std::string lf = canonical(load_bytes(file, text));
    CHECK(lf == canonical(load_bytes(file, to_crlf(text))));
    CHECK(lf.size() > 1000);
  }
  // The VisualVM file is CRLF as saved: the same stacks with its line ends made LF.
  std::string crlf = read_testdata("java/tda-visualvm-crlf.txt");
  std::string lf;
  for (char c : crlf) {
    if (c != '\r') {
      lf += c;
    }
  }
  Snapshot a = load_bytes("crlf.txt", crlf);
  CHECK(canonical(a) == canonical(load_bytes("lf.txt", lf)));
  auto all = records(a);
  const Record* timer = find_record(all, "Timer-N");
  REQUIRE(timer != nullptr);
  CHECK(timer->state == "TIMED_WAITING"); // `TIMED_WAITING on java.util.TaskQueue@7311acb7`
  CHECK(timer->frames[0] == "java.lang.Object.wait :0");
}

TEST_CASE("the four JDK 25 formats of one process give the same records") {
  auto jstack = cross_format_key(load_testdata("java25-executor.base.jstack.txt"));
  auto jcmd = cross_format_key(load_testdata("java25-executor.base.jcmd.txt"));
  auto text = cross_format_key(load_testdata("java25-executor.base.threads.txt"));
  auto json = cross_format_key(load_testdata("java25-executor.base.threads.json"));
  CHECK(jstack.size() == 9); // the threads with frames jstack and Thread.dump_to_file share
  CHECK(jstack == jcmd);
  CHECK(jstack == text);
  CHECK(jstack == json);
  CHECK(jstack["report-worker-N [WAITING] <- jdk.internal.misc.Unsafe.park <- "
               "java.util.concurrent.locks.LockSupport.park <- "
               "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionNode.block <- "
               "java.util.concurrent.ForkJoinPool.unmanagedBlock <- "
               "java.util.concurrent.ForkJoinPool.managedBlock <- "
               "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject.await <- "
               "java.util.concurrent.LinkedBlockingQueue.take <- "
               "java.util.concurrent.ThreadPoolExecutor.getTask <- "
               "java.util.concurrent.ThreadPoolExecutor.runWorker <- "
               "java.util.concurrent.ThreadPoolExecutor$Worker.run <- java.lang.Thread.run"] == 4);
  // Without dropping Thread.runWith, jstack and Thread.dump_to_file split.
  auto raw = records(load_testdata("java25-executor.base.jstack.txt"));
  auto raw_text = records(load_testdata("java25-executor.base.threads.txt"));
  CHECK(find_record(raw, "report-worker-N")->frames.size() == 12);
  CHECK(find_record(raw_text, "report-worker-N")->frames.size() == 11);
}

TEST_CASE("Thread.dump_to_file: states as printed, the dumper thread without frames") {
  auto text = records(load_testdata("java25-executor.base.threads.txt"));
  const Record* worker = find_record(text, "report-worker-N");
  REQUIRE(worker != nullptr);
  CHECK(worker->state == "WAITING");
  CHECK(worker->count == 4);
  CHECK(worker->frames[6] ==
        "java.util.concurrent.LinkedBlockingQueue.take LinkedBlockingQueue.java:435");
  // `Attach Listener` runs ThreadDumper while writing the dump; jstack shows it frameless.
  for (const auto* all : {&text}) {
    const Record* attach = find_record(*all, "Attach Listener");
    REQUIRE(attach != nullptr);
    CHECK(attach->state == "RUNNABLE");
    CHECK(attach->frames.empty());
  }
  auto json = records(load_testdata("java25-executor.base.threads.json"));
  CHECK(find_record(json, "Attach Listener")->frames.empty());
  CHECK(find_record(json, "report-worker-N")->state == "WAITING");
  // JDK 21 JSON has no states; three threads have an empty stack.
  auto jdk21 = records(load_testdata("tda-jdk21-dump-to-file.json"));
  const Record* main = find_record(jdk21, "DestroyJavaVM");
  REQUIRE(main != nullptr);
  CHECK(main->state.empty());
  const Record* netty = find_record(jdk21, "JPS event loop");
  REQUIRE(netty != nullptr);
  CHECK(netty->frames[0] == "sun.nio.ch.KQueue.poll :0");
  CHECK(netty->frames[4] == "io.netty.channel.nio.NioIoHandler.select NioIoHandler.java:646");
}

TEST_CASE("Thread.dump_to_file text: JDK 21 and JDK 25 shapes, virtual threads") {
  std::string jdk21 = "4504\n2024-01-05T10:00:00.123Z\n21.0.1+12-29\n\n"
                      "#1 \"main\"\n"
                      "      java.base/java.lang.Thread.sleep0(Native Method)\n"
                      "      java.base/java.lang.Thread.sleep(Thread.java:509)\n"
                      "      app//com.example.Main.main(Main.java:12)\n"
                      "\n"
                      "#30 \"\" virtual\n"
                      "      java.base/java.lang.VirtualThread.parkNanos(VirtualThread.java:640)\n"
                      "      com.example.Main.lambda$main$0(Main.java:9)\n"
                      "      java.base/java.lang.VirtualThread.run(VirtualThread.java:309)\n"
                      "\n"
                      "#31 \"\" virtual\n"
                      "      java.base/java.lang.VirtualThread.parkNanos(VirtualThread.java:640)\n"
                      "      com.example.Main.lambda$main$0(Main.java:9)\n"
                      "      java.base/java.lang.VirtualThread.run(VirtualThread.java:309)\n"
                      "\n";
  Snapshot a = load_bytes("t.txt", jdk21);
  CHECK(canonical(a) == canonical(load_bytes("bom.txt", "\xef\xbb\xbf" + jdk21)));
  CHECK(a.format == Format::java_threads_text);
  CHECK(a.total == 3);
  CHECK(canonical(a) == "1 [] \"main\"\n"
                        "  java.lang.Thread.sleep0 :0\n"
                        "  java.lang.Thread.sleep Thread.java:509\n"
                        "  com.example.Main.main Main.java:12\n"
                        "2 [] \"\"\n"
                        "  java.lang.VirtualThread.parkNanos VirtualThread.java:640\n"
                        "  com.example.Main.lambda$main$0 Main.java:9\n"
                        "  java.lang.VirtualThread.run VirtualThread.java:309\n");

  std::string jdk25 =
      "624\n2026-11-22T23:55:21.218495962Z\n25.0.3+9-LTS\n\n"
      "#40 \"\" virtual WAITING 2026-11-22T23:55:21.2Z\n"
      "    at java.base/java.lang.VirtualThread.park(VirtualThread.java:738)\n"
      "    - parking to wait for <java.util.concurrent.CountDownLatch$Sync@4aab96e0>\n"
      "    at com.example.Main.lambda$main$0(Main.java:9)\n"
      "\n"
      "#41 \"odd \"name\" virtual\" virtual TIMED_WAITING 2026-11-22T23:55:21Z\n"
      "\n";
  Snapshot b = load_bytes("t.txt", jdk25);
  CHECK(canonical(b) == "1 [WAITING] \"\"\n"
                        "  java.lang.VirtualThread.park VirtualThread.java:738\n"
                        "  com.example.Main.lambda$main$0 Main.java:9\n"
                        "1 [TIMED_WAITING] \"odd \"name\" virtual\"\n");
}

TEST_CASE("JDK 25 jstack carriers: `Carrying virtual thread`, mounted frames skipped") {
  auto all = records(load_testdata("jthreaddump-jdk25-many-virtual-threads.txt"));
  const Record* carrier = nullptr;
  for (const auto& record : all) {
    if (record.name == "ForkJoinPool-N-worker-M" && record.state.empty()) {
      carrier = &record;
    }
  }
  REQUIRE(carrier != nullptr);
  CHECK(carrier->count == 10);
  REQUIRE(carrier->frames.size() == 10);
  CHECK(carrier->frames[0] == "jdk.internal.vm.Continuation.run Continuation.java:251");
  CHECK(carrier->frames[2] == "java.lang.VirtualThread$$Lambda/0x00003800010ff800.run :0");
  CHECK(carrier->frames[9] ==
        "java.util.concurrent.ForkJoinWorkerThread.run ForkJoinWorkerThread.java:187");
}

TEST_CASE("JDK 5 and 6: no state line, 8-space frames, a histogram, URL names") {
  auto jdk5 = records(load_testdata("tda-jdk5-histogram.txt"));
  const Record* timer = find_record(jdk5, "Timer-N");
  REQUIRE(timer != nullptr);
  CHECK(timer->state.empty());
  CHECK(timer->frames[1] == "java.util.TimerThread.mainLoop Timer.java:509");
  auto jdk6 = records(load_testdata("tda-jdk6-urlthread.txt"));
  size_t longest = 0;
  for (const auto& record : jdk6) {
    longest = std::max(longest, record.name.size());
  }
  CHECK(longest > 500);
  CHECK(find_record(jdk6, "ToeThread #N: http://shopping.zappos.com/robots.txt") != nullptr);
}

TEST_CASE("thread-name normalization") {
  CHECK(normalize_java_thread_name("pool-7-thread-3") == "pool-N-thread-M");
  CHECK(normalize_java_thread_name("pool-37-thread-2") == "pool-N-thread-M");
  CHECK(normalize_java_thread_name("ForkJoinPool-1-worker-5") == "ForkJoinPool-N-worker-M");
  CHECK(normalize_java_thread_name("ForkJoinPool.commonPool-worker-2") ==
        "ForkJoinPool.commonPool-worker-N");
  CHECK(normalize_java_thread_name("Thread-14") == "Thread-N");
  CHECK(normalize_java_thread_name("http-nio-8080-exec-10") == "http-nio-N-exec-M");
  CHECK(normalize_java_thread_name("x1y22z333w4") == "xNyMzKwK");
  // Ids that are whole words: hex (a driver's cluster id, an identity hash, an address) and UUIDs.
  CHECK(normalize_java_thread_name("mongo-cluster-5f8a2c1e9b3d") == "mongo-cluster-<hex>");
  CHECK(normalize_java_thread_name("mongo-cluster-9e0b7d4a1c6f") == "mongo-cluster-<hex>");
  CHECK(normalize_java_thread_name("worker@1ccfa5c1") == "worker@<hex>");
  CHECK(normalize_java_thread_name("conn-0x7f3a") == "conn-<hex>");
  CHECK(normalize_java_thread_name("job-123e4567-e89b-12d3-a456-426614174000-run") ==
        "job-<uuid>-run");
  CHECK(normalize_java_thread_name("job-00000000-0000-0000-0000-000000000000") == "job-<uuid>");
  // Not ids: a short mix, a word of hex letters only, a number, hex inside a longer word.
  CHECK(normalize_java_thread_name("C2 CompilerThread0") == "CN CompilerThreadM");
  CHECK(normalize_java_thread_name("decade-3") == "decade-N");
  CHECK(normalize_java_thread_name("id-1234567") == "id-N");
  CHECK(normalize_java_thread_name("cafe12xyz") == "cafeNxyz");
  CHECK(normalize_java_thread_name("main") == "main");
  CHECK(normalize_java_thread_name("") == "");
}

TEST_CASE("the JDK's frames under a blocking call") {
  CHECK(is_java_wait_internal("jdk.internal.misc.Unsafe.park"));
  CHECK(is_java_wait_internal("java.util.concurrent.locks.LockSupport.parkNanos"));
  CHECK(is_java_wait_internal(
      "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject.await"));
  CHECK(is_java_wait_internal("java.util.concurrent.ForkJoinPool.managedBlock"));
  CHECK(is_java_wait_internal("java.lang.Object.wait0"));
  CHECK_FALSE(is_java_wait_internal("java.lang.Object.wait"));
  // A virtual thread's parking (JDK 21+).
  CHECK(is_java_wait_internal("java.lang.VirtualThread.park"));
  CHECK(is_java_wait_internal("java.lang.VirtualThread.parkNanos"));
  CHECK(is_java_wait_internal("java.lang.VirtualThread.sleepNanos"));
  CHECK(is_java_wait_internal("java.lang.System$1.parkVirtualThread"));
  CHECK(is_java_wait_internal("jdk.internal.vm.Continuation.yield0"));
  CHECK_FALSE(is_java_wait_internal("java.lang.VirtualThread.run"));
  CHECK_FALSE(is_java_wait_internal("java.lang.Thread.sleep"));
  // A java.util.concurrent call's own machinery, under the call the application made.
  CHECK(is_java_blocking_helper("java.util.concurrent.LinkedTransferQueue$DualNode.await",
                                "java.util.concurrent.SynchronousQueue.put"));
  CHECK(is_java_blocking_helper("java.util.concurrent.SynchronousQueue.xfer",
                                "java.util.concurrent.SynchronousQueue.put"));
  CHECK(is_java_blocking_helper("java.util.concurrent.locks.ReentrantLock$Sync.lock",
                                "java.util.concurrent.locks.ReentrantLock.lock"));
  CHECK_FALSE(is_java_blocking_helper("java.util.concurrent.LinkedBlockingQueue.take",
                                      "java.util.concurrent.ThreadPoolExecutor$Worker.run"));
  CHECK_FALSE(is_java_blocking_helper("java.util.concurrent.ForkJoinPool.awaitWork",
                                      "java.util.concurrent.ForkJoinWorkerThread.run"));
  CHECK_FALSE(is_java_blocking_helper("java.lang.Object.wait", "java.lang.Thread.join"));
  CHECK_FALSE(is_java_wait_internal("java.util.concurrent.LinkedBlockingQueue.take"));
  CHECK_FALSE(is_java_wait_internal("java.lang.Thread.sleep"));
}

TEST_CASE("function normalization, frame splitting, hidden frames") {
  CHECK(normalize_java_function("LeakDemo$$Lambda$5/0x00007f2918001440.run") ==
        "LeakDemo$$Lambda.run");
  CHECK(normalize_java_function("X$$Lambda/0x0000007803001000.run") == "X$$Lambda.run");
  CHECK(normalize_java_function("Test$$Lambda$1/1831932724.run") == "Test$$Lambda.run");
  CHECK(
      normalize_java_function("java.lang.invoke.LambdaForm$DMH/0x0000000800c0c800.invokeStatic") ==
      "java.lang.invoke.LambdaForm$DMH.invokeStatic");
  CHECK(normalize_java_function("jdk.internal.reflect.GeneratedMethodAccessor12.invoke") ==
        "jdk.internal.reflect.GeneratedMethodAccessor.invoke");
  CHECK(normalize_java_function("jdk.proxy2.$Proxy45.get") == "jdk.proxy.$Proxy.get");
  CHECK(normalize_java_function("com.acme.Service$$EnhancerBySpringCGLIB$$a1b2c3d4.run") ==
        "com.acme.Service$$EnhancerBySpringCGLIB$$.run");
  CHECK(normalize_java_function("java.util.concurrent.LinkedBlockingQueue.take") ==
        "java.util.concurrent.LinkedBlockingQueue.take");
  // ByteBuddy's random suffixes, new at every JVM start (Hibernate proxies, Mockito mocks).
  CHECK(normalize_java_function("com.acme.shop.Customer$HibernateProxy$k3mPq9Zs.getName") ==
        "com.acme.shop.Customer$HibernateProxy$.getName");
  CHECK(normalize_java_function("com.acme.Repo$ByteBuddy$Xw2bT7cA$auxiliary$1.call") ==
        "com.acme.Repo$ByteBuddy$$auxiliary$1.call");
  CHECK(normalize_java_function("com.acme.Api$MockitoMock$1234567890.get") ==
        "com.acme.Api$MockitoMock$.get");
  CHECK(normalize_java_function("com.acme.Inner$ByteBuddy.run") == "com.acme.Inner$ByteBuddy.run");

  JavaFrame frame;
  REQUIRE(split_java_frame("java.util.concurrent.LinkedBlockingQueue.take(java.base@25.0.3/"
                           "LinkedBlockingQueue.java:435)",
                           frame));
  CHECK(frame.function == "java.util.concurrent.LinkedBlockingQueue.take");
  CHECK(frame.file == "LinkedBlockingQueue.java");
  CHECK(frame.line == 435);
  REQUIRE(split_java_frame("java.base/java.util.concurrent.LinkedBlockingQueue.take("
                           "LinkedBlockingQueue.java:435)",
                           frame));
  CHECK(frame.function == "java.util.concurrent.LinkedBlockingQueue.take");
  REQUIRE(split_java_frame("com.foo.loader/foo@9.0/com.foo.Main.run(Main.java:101)", frame));
  CHECK(frame.function == "com.foo.Main.run");
  REQUIRE(split_java_frame("app//X$$Lambda/0x0000380001236000.run(Unknown Source)", frame));
  CHECK(frame.function == "X$$Lambda/0x0000380001236000.run");
  CHECK(frame.file.empty());
  CHECK(frame.line == 0);
  REQUIRE(split_java_frame("Foo.bar(Foo.java)", frame));
  CHECK(frame.file == "Foo.java");
  CHECK(frame.line == 0);
  CHECK_FALSE(split_java_frame("Foo.bar(Foo.java:x1)", frame));
  CHECK_FALSE(split_java_frame("Foo.bar(Foo.java:1", frame));
  CHECK_FALSE(split_java_frame("bar(Foo.java:1)", frame));
  CHECK_FALSE(split_java_frame("Foo.bar()", frame));

  CHECK(is_java_hidden_frame("java.lang.Thread.runWith"));
  CHECK_FALSE(is_java_hidden_frame("java.lang.Thread.run"));
  CHECK_FALSE(is_java_hidden_frame("LeakApp$$Lambda/0x00007f44b4001234.run"));
  // Hidden classes: lambda proxies (JDK 21+, JDK 15-20, JDK 8) and lambda forms.
  CHECK(is_java_hidden_class_frame("LeakApp$$Lambda/0x00007f44b4001234.run"));
  CHECK(is_java_hidden_class_frame("LeakDemo$$Lambda$3/0x00007f2918001000.run"));
  CHECK(is_java_hidden_class_frame("Test$$Lambda$1/1831932724.run"));
  CHECK(is_java_hidden_class_frame("java.lang.invoke.LambdaForm$MH/0x0000000800c0c800.invoke"));
  CHECK_FALSE(is_java_hidden_class_frame("LeakApp.lambda$main$0"));
  CHECK_FALSE(is_java_hidden_class_frame("jdk.proxy2.$Proxy45.get"));
  CHECK_FALSE(is_java_hidden_class_frame("$Proxy0.handle"));
}

TEST_CASE("truncated jstack output is an error, or read with --allow-truncated") {
  std::string text = read_testdata("java/java25-executor.base.jstack.txt");
  // Cut at a thread boundary: only the missing `JNI global refs` line tells.
  std::string cut = cut_before(text, "\"http-worker-1\"");
  std::string error = load_error(cut);
  CHECK(error.find("the dump ends without the `JNI global refs:` line") != std::string::npos);
  CHECK(error.find("--allow-truncated") != std::string::npos);
  // Cut inside a thread's frames: with --allow-truncated that thread is dropped.
  std::string mid = cut_before(text, "\tat java.util.concurrent.ThreadPoolExecutor.getTask");
  ParseOptions allow;
  allow.allow_truncated = true;
  Snapshot read = load_bytes("cut.txt", mid, allow);
  REQUIRE(read.warnings.size() == 1);
  CHECK(read.warnings[0].starts_with("TRUNCATED INPUT: the dump ends without"));
  CHECK(read.warnings[0].find("thread \"metrics-1\" (line 116) was dropped") != std::string::npos);
  CHECK(read.total == 11); // 12 headers before the cut, the cut one (metrics-1) dropped
  // Cut mid-line (no final newline): the last line's grammar fails, which says it was cut.
  std::string mid_line = mid + "\tat java.util.concurrent.ThreadPoolExecutor.getT";
  auto last_line = std::count(mid.begin(), mid.end(), '\n') + 1;
  CHECK(load_error(mid_line) ==
        fmt::format("{}: the dump ends inside thread \"metrics-1\" (its header is at line 116): "
                    "the dump is truncated (a cut copy, a full disk?); capture it again, or pass "
                    "--allow-truncated to compare what was read",
                    last_line));
  Snapshot read_mid_line = load_bytes("cut.txt", mid_line, allow);
  REQUIRE(read_mid_line.warnings.size() == 1);
  CHECK(read_mid_line.warnings[0] ==
        "TRUNCATED INPUT: the dump ends inside thread \"metrics-1\" (its header is at line 116); "
        "thread \"metrics-1\" (line 116) was dropped; the rest was compared (--allow-truncated). "
        "Counts may be short.");
  CHECK(canonical(read_mid_line) == canonical(read));
  // The same line with its newline is no cut but a syntax error.
  CHECK(load_error(mid_line + "\n").find("expected a frame like") != std::string::npos);
  // Cut inside the next thread's header (before `tid=`, or in its name).
  for (std::string_view header : {"\"http-worker-1\" #40 prio=5 os_prio=0 cpu=0.1", "\"http-wo"}) {
    std::string cut_header = cut + std::string(header);
    CHECK(load_error(cut_header)
              .starts_with(fmt::format("{}: the dump ends inside the header of a thread (",
                                       std::count(cut.begin(), cut.end(), '\n') + 1)));
    Snapshot read_header = load_bytes("cut.txt", cut_header, allow);
    REQUIRE(read_header.warnings.size() == 1);
    CHECK(read_header.warnings[0].starts_with(
        "TRUNCATED INPUT: the dump ends inside the header of a thread ("));
    CHECK(canonical(read_header) == canonical(load_bytes("cut.txt", cut, allow)));
  }
  // Cut inside the deadlock section.
  std::string sample = read_testdata("java/jdk17-sigquit-stdout.txt");
  CHECK(load_error(cut_before(sample, "Java stack information")) ==
        "241: the dump ends inside the deadlock section that starts at line 232, before its "
        "`Found N deadlocks.` line: the dump is truncated (a cut copy, a full disk?); capture it "
        "again, or pass --allow-truncated to compare what was read");
  // Only the banner.
  CHECK(load_error("2026-11-22 23:55:20\nFull thread dump OpenJDK (25):\n\n") ==
        "3: expected a thread header like `\"main\" #1 prio=5 ... tid=0x...` after `Full thread "
        "dump`, found the end of the input");
}

TEST_CASE("truncated Thread.dump_to_file text and JSON are errors") {
  std::string text = read_testdata("java/java25-executor.base.threads.txt");
  std::string cut =
      text.substr(0, text.find("    at java.base/java.lang.Object.wait(Object.java:389)"));
  uint64_t lines = std::count(cut.begin(), cut.end(), '\n');
  CHECK(
      load_error(cut) ==
      fmt::format("{}: the dump ends inside thread \"Finalizer\" (line 19) without the empty line "
                  "that ends every thread (if the file is whole and only that last empty line "
                  "was trimmed, add it back): the dump is truncated (a cut copy, a full disk?); "
                  "capture it again, or pass --allow-truncated to compare what was read",
                  lines));
  ParseOptions allow;
  allow.allow_truncated = true;
  Snapshot read = load_bytes("cut.txt", cut, allow);
  CHECK(read.total == 2); // main, Reference Handler; Finalizer dropped
  CHECK(read.warnings.size() == 1);

  std::string json = read_testdata("java/java25-executor.base.threads.json");
  std::string cut_json = json.substr(0, json.find("\"name\": \"Finalizer\""));
  std::string error = load_error(cut_json, {}, "t.json");
  CHECK(error.starts_with(
      fmt::format("{}: $.threadDump.threadContainers[0].threads[2]: invalid JSON: "
                  "syntax error while parsing object key - unexpected end of input; "
                  "expected string literal",
                  std::count(cut_json.begin(), cut_json.end(), '\n') + 1)));
}

TEST_CASE("Thread.dump_to_file text cut at every kind of point") {
  const std::string text = read_testdata("java/java25-executor.base.threads.txt");
  const std::string advice = ": the dump is truncated (a cut copy, a full disk?); capture it "
                             "again, or pass --allow-truncated to compare what was read";
  const std::string no_empty_line = "without the empty line that ends every thread (if the file is "
                                    "whole and only that last empty line was trimmed, add it back)";
  // The text up to and including `marker`'s first occurrence.
  auto upto = [&](std::string_view marker) {
    size_t at = text.find(marker);
    REQUIRE(at != std::string::npos);
    return text.substr(0, at + marker.size());
  };
  ParseOptions allow;
  allow.allow_truncated = true;

  SUBCASE("inside a line: the last line is not whole") {
    // The catalogue's java-threads-text-cut-mid-frame: cut after a frame's indentation, which
    // is not the empty line that ends a thread.
    CHECK(load_error(text.substr(0, 3000)) ==
          "55: the dump ends inside thread \"HTTP-Dispatcher\" (line 52), in a line cut at "
          "\"    \"" +
              advice);
    // A frame without its closing `)`, quoted by its end.
    CHECK(load_error(upto("    at java.base/java.util.concurrent.locks.LockSupport.park(L")) ==
          "8: the dump ends inside thread \"main\" (line 5), in a line cut at "
          "\"...base/java.util.concurrent.locks.LockSupport.park(L\"" +
              advice);
    CHECK(load_error(upto("(LockSupport.java:22")) ==
          "8: the dump ends inside thread \"main\" (line 5), in a line cut at "
          "\"...current.locks.LockSupport.park(LockSupport.java:22\"" +
              advice);
    // A lock line without its closing `>`.
    CHECK(load_error(upto("    - waiting on <java.lang.ref.Ref")) ==
          "21: the dump ends inside thread \"Finalizer\" (line 19), in a line cut at "
          "\"    - waiting on <java.lang.ref.Ref\"" +
              advice);
    // A thread line: JDK 25 (the time has no `Z` yet) and JDK 21.
    CHECK(load_error(upto("#13 \"Finalizer\" WAITING 2026-11-22T23:55:21.2197")) ==
          "19: the dump ends in the middle of a thread line, cut at "
          "\"#13 \\\"Finalizer\\\" WAITING 2026-11-22T23:55:21.2197\"" +
              advice);
    CHECK(load_error("4504\n2024-01-05T10:00:00.123Z\n21.0.1+12-29\n\n#1 \"main\"\n"
                     "      app//com.example.Main.main(Main.java:12)\n\n#30 \"\" virt") ==
          "8: the dump ends in the middle of a thread line, cut at \"#30 \\\"\\\" virt\"" + advice);
  }

  SUBCASE("at a line end inside a thread: the thread's empty line is missing") {
    // A whole frame without its line break, a whole lock line, a whole thread line: the line
    // parses, but the thread never got its empty line.
    CHECK(load_error(upto("(LockSupport.java:223)")) ==
          "8: the dump ends inside thread \"main\" (line 5) " + no_empty_line + advice);
    CHECK(load_error(upto("    - waiting on <java.lang.ref.ReferenceQueue$Lock@5afe95e8>")) ==
          "21: the dump ends inside thread \"Finalizer\" (line 19) " + no_empty_line + advice);
    CHECK(load_error(upto("#13 \"Finalizer\" WAITING 2026-11-22T23:55:21.219795020Z")) ==
          "19: the dump ends inside thread \"Finalizer\" (line 19) " + no_empty_line + advice);
    CHECK(load_error("4504\n2024-01-05T10:00:00.123Z\n21.0.1+12-29\n\n#1 \"main\"\n"
                     "      app//com.example.Main.main(Main.java:12)\n\n#30 \"\"") ==
          "8: the dump ends inside thread \"\" (line 8) " + no_empty_line + advice);
    // The whole dump less its last byte: the final empty line is gone. This cannot be told from
    // a cut at a line break inside the last thread, so it fails closed.
    CHECK(load_error(text.substr(0, text.size() - 1)) ==
          "201: the dump ends inside thread \"http-worker-4\" (line 189) " + no_empty_line +
              advice);
  }

  SUBCASE("a whole dump without its final line break still parses") {
    // CRLF: the final empty line is a lone `\r`; the LF dump less its final `\n` is above.
    std::string crlf = to_crlf(text);
    Snapshot whole = load_bytes("t.txt", text);
    Snapshot no_eol = load_bytes("t.txt", crlf.substr(0, crlf.size() - 1));
    CHECK(whole.total == 18);
    CHECK(canonical(no_eol) == canonical(whole));
    CHECK(no_eol.warnings.empty());
    // Blanks after the last thread's empty line are not a cut (a thread line starts with `#`).
    CHECK(canonical(load_bytes("t.txt", text + "  ")) == canonical(whole));
  }

  SUBCASE("in or right after the header: nothing to compare, even with --allow-truncated") {
    const std::string header_cut =
        ": it is truncated and holds no thread to compare; capture it again";
    const std::string header = "the dump ends inside its header (the process id, time and runtime "
                               "version lines and an empty line that start a `jcmd PID "
                               "Thread.dump_to_file` text dump)";
    CHECK(load_error(text.substr(0, 30)) ==
          "2: " + header + ", in a line cut at \"2026-11-22T23:55:21.218495\"" + header_cut);
    CHECK(load_error(text.substr(0, 30), allow) ==
          "2: " + header + ", in a line cut at \"2026-11-22T23:55:21.218495\"" + header_cut);
    // A version line cut short passes as a version; the empty line after it is missing.
    CHECK(load_error(upto("25.0.3")) == "3: " + header + header_cut);
    CHECK(load_error(upto("25.0.3+9-LTS\n")) == "3: " + header + header_cut);
    // Right after the header line.
    std::string after_header = upto("25.0.3+9-LTS\n\n");
    CHECK(load_error(after_header, allow) ==
          "4: the dump ends right after its header, before the first thread line like `#1 \"main\" "
          "RUNNABLE 2026-...Z`" +
              header_cut);
    CHECK(load_error(after_header + "#") ==
          "5: the dump ends in the middle of a thread line, cut at \"#\"" + advice);
  }

  SUBCASE("--allow-truncated: the cut thread dropped, loudly") {
    Snapshot read = load_bytes("cut.txt", text.substr(0, 3000), allow);
    CHECK(read.total == 7); // 8 thread lines before the cut, HTTP-Dispatcher dropped
    REQUIRE(read.warnings.size() == 1);
    CHECK(read.warnings[0] ==
          "TRUNCATED INPUT: the dump ends inside thread \"HTTP-Dispatcher\" (line 52), in a line "
          "cut at \"    \"; that thread was dropped and the rest compared (--allow-truncated). "
          "Counts may be short.");
    // A cut thread line: no record was started.
    Snapshot header = load_bytes("cut.txt", upto("#13 \"Finalizer\" WAI"), allow);
    CHECK(header.total == 2);
    REQUIRE(header.warnings.size() == 1);
    CHECK(header.warnings[0].starts_with("TRUNCATED INPUT: the dump ends in the middle of a thread "
                                         "line, cut at \"#13 \\\"Finalizer\\\" WAI\"; that thread "
                                         "was dropped"));
    // Cut inside the first thread: nothing whole is left.
    CHECK(load_error(upto("(LockSupport.java:22"), allow) ==
          "8: the dump ends inside thread \"main\" (line 5), in a line cut at "
          "\"...current.locks.LockSupport.park(LockSupport.java:22\"; no whole thread before "
          "the cut to compare, even with --allow-truncated; capture it again");
  }

  SUBCASE("an unterminated last line that is not a cut of a thread's lines is the usual error") {
    std::string expected = "9: expected a frame, a lock line or the empty line that ends thread "
                           "\"main\" (line 5), found \"junk\"";
    CHECK(load_error(upto("(LockSupport.java:223)\n") + "junk") == expected);
    CHECK(load_error(upto("(LockSupport.java:223)\n") + "junk", allow) == expected);
  }

  SUBCASE("KNOWN LIMIT: a cut exactly after a thread's empty line reads as a shorter dump") {
    // Thread.dump_to_file writes no end marker and no thread count: the cut cannot be seen.
    Snapshot read = load_bytes("cut.txt", upto("(Finalizer.java:165)\n\n"));
    CHECK(read.total == 3);
    CHECK(read.warnings.empty());
  }
}

TEST_CASE("JSON errors name the JSON path") {
  std::string json = read_testdata("java/java25-executor.base.threads.json");
  auto patched = [&](std::string_view from, std::string_view to) {
    std::string out = json;
    size_t at = out.find(from);
    REQUIRE(at != std::string::npos);
    out.replace(at, from.size(), to);
    return load_error(out, {}, "cand.json");
  };
  CHECK(
      patched("\"java.base\\/java.util.concurrent.locks.AbstractQueuedSynchronizer.acquire("
              "AbstractQueuedSynchronizer.java:790)\"",
              "42") ==
      "0: $.threadDump.threadContainers[0].threads[0].stack[2]: expected a string, found a number");
  CHECK(patched("\"name\": \"Reference Handler\"", "\"name\": null") ==
        "0: $.threadDump.threadContainers[0].threads[1].name: expected a string, found null");
  CHECK(
      patched("\"name\": \"Reference Handler\"", "\"nom\": \"x\"") ==
      "0: $.threadDump.threadContainers[0].threads[1]: expected a \"name\" string in this thread, "
      "found none");
  CHECK(patched("\"state\": \"RUNNABLE\"", "\"state\": \"SLEEPING\"") ==
        "0: $.threadDump.threadContainers[0].threads[1].state: expected a thread state (NEW, "
        "RUNNABLE, BLOCKED, WAITING, TIMED_WAITING, TERMINATED), found \"SLEEPING\"");
  CHECK(patched("\"threadContainers\": [", "\"threadContainers\": {\"x\": [")
            .starts_with("0: $.threadDump.threadContainers: expected an array, found an object"));
  CHECK(
      patched("\"java.base\\/jdk.internal.misc.Unsafe.park(Native Method)\"", "\"not a frame\"") ==
      "0: $.threadDump.threadContainers[0].threads[0].stack[0]: expected a frame like "
      "\"java.base/java.lang.Thread.run(Thread.java:1474)\", found \"not a frame\"");
  // Unknown keys are skipped whatever they hold.
  std::string extra = json;
  extra.insert(extra.find("\"tid\": \"3\""),
               "\"future\": {\"a\": [1, {\"b\": null}], \"c\": true},\n");
  CHECK(load_bytes("x.json", extra).total == 18);
  // Not a thread dump.
  ParseOptions json_format;
  json_format.format = Format::java_threads_json;
  CHECK(load_error("{\"tasks\": []}", json_format, "x.json") ==
        "0: $: expected a \"threadDump\" object (a `jcmd PID Thread.dump_to_file -format=json` "
        "dump), found none");
  CHECK(load_error("[1]", json_format, "x.json") == "0: $: expected an object, found an array");
  std::string deep(100, '[');
  CHECK(load_error("{\"threadDump\": {\"x\": " + deep, json_format, "x.json") ==
        "0: $.threadDump.x: nesting deeper than 64 levels");
}

TEST_CASE("bad jstack lines fail with the line and what was expected") {
  std::string text = read_testdata("java/java25-executor.base.jstack.txt");
  // Application output inside the thread list.
  std::string noisy = text;
  noisy.insert(noisy.find("\"Reference Handler\""), "INFO request served\n");
  CHECK(load_error(noisy) ==
        "27: expected a thread header like `\"main\" #1 prio=5 ... tid=0x...`, the `JNI global "
        "refs:` line or an empty line, found \"INFO request served\"");
  // A header with an unknown field.
  std::string field = text;
  field.replace(field.find("#12 [654] daemon"), 16, "#12 [654] zombie");
  CHECK(load_error(field) ==
        "27: expected a thread header field (`#N`, `[N]`, `daemon`, `prio=`, `os_prio=`, `cpu=`, "
        "`elapsed=`, `allocated=`, `defined_classes=`, `tid=`) after the name \"Reference "
        "Handler\", found \"zombie\"");
  // An unknown state.
  std::string state = text;
  state.replace(state.find("State: RUNNABLE"), 15, "State: SNOOZING");
  CHECK(load_error(state) ==
        "28: expected a thread state (NEW, RUNNABLE, BLOCKED, WAITING, TIMED_WAITING, TERMINATED) "
        "after `java.lang.Thread.State:`, found \"SNOOZING\"");
  // A deadlock-section name outside a deadlock section is not a thread header.
  CHECK(load_error("Full thread dump OpenJDK 64-Bit Server VM (17.0.15 mixed mode):\n\n"
                   "\"deadlock-1\":\n") ==
        "3: expected a thread header like `\"main\" #1 prio=5 os_prio=0 tid=0x00007f2994017ef0 "
        "nid=0x6141 waiting on condition`, found \"\\\"deadlock-1\\\":\"");
  // Not a Java dump at all, forced.
  ParseOptions java;
  java.format = Format::java;
  CHECK(load_error("goroutine 1 [running]:\nmain.main()\n", java) ==
        "2: expected `Full thread dump ...` (jstack, jcmd Thread.print or SIGQUIT output), found "
        "the end of the input");
}

TEST_CASE("UTF-16 is refused with the command that converts it") {
  std::string utf16 = read_testdata("java/tda-handmade-utf16.txt");
  std::string error = load_error(utf16);
  CHECK(error.find("UTF-16") != std::string::npos);
  CHECK(error.find("iconv -f UTF-16LE -t UTF-8") != std::string::npos);
  ParseOptions java;
  java.format = Format::java;
  // Forced past detection, the line reader refuses the NUL bytes on line 1.
  CHECK(load_error(utf16, java).starts_with("1: a NUL byte at column 2"));
}

TEST_CASE("a thread name with a line break spreads its header over lines: read whole") {
  // Real dumps of an audit's Edge.java: names "weird\nname-N" (HotSpot and Thread.dump_to_file
  // text print them raw), beside names holding a quote and header fields, or starting like a
  // state line or a frame. Both were refused at the name's first line.
  Snapshot jstack = load_testdata("jdk17-odd-thread-names.jstack.txt");
  CHECK(jstack.total == 55);
  size_t broken = 0;
  for (const Record& record : records(jstack)) {
    broken += record.name.find("weird\nname-") == 0 ? record.count : 0;
  }
  CHECK(broken == 6);
  Snapshot text = load_testdata("jdk25-odd-thread-names.threads.txt");
  Snapshot json = load_testdata("jdk25-odd-thread-names.threads.json");
  CHECK(text.total == 43);
  CHECK(canonical(text) == canonical(json));
  // A header cut and followed by the next thread's is no name with a line break: refused at it.
  std::string dump = read_testdata("java/jdk17-odd-thread-names.jstack.txt");
  size_t at = dump.find("\n\"Reference Handler\"");
  REQUIRE(at != std::string::npos);
  std::string cut = dump.substr(0, at + 12) + dump.substr(dump.find('\n', at + 1));
  CHECK(load_error(cut).find("expected a thread header like") != std::string::npos);
}

TEST_CASE("two dumps in one log: the last one is compared, with a warning") {
  // Two dumps of one JVM (its banner the same): `kill -3` sent twice.
  std::string first = read_testdata("java/jdk17-jit-warmup.base.jstack.txt");
  std::string second = read_testdata("java/jdk17-jit-warmup.cand.jstack.txt");
  Snapshot both = load_bytes("log.txt", "app started\n" + first + "INFO next\n" + second);
  REQUIRE(both.warnings.size() == 1);
  CHECK(both.warnings[0].starts_with("this input holds 2 thread dumps; read the last one"));
  CHECK(both.captured_at == "2026-11-23T23:10:59");
  CHECK(canonical(both) == canonical(load_bytes("one.txt", second)));
}

TEST_CASE("dumps of two JVMs in one input are refused, not read for the last") {
  // Reading the last would hide the other's threads (a leak in it passed the gate).
  std::string jdk17 = read_testdata("java/java-executor.base.jstack.txt");
  std::string jdk25 = read_testdata("java/java25-executor.base.jstack.txt");
  CHECK(
      load_error(jdk17 + jdk25)
          .starts_with(
              "313: this input holds thread dumps of two JVMs: the dump here is of \"OpenJDK 64-Bit "
              "Server VM (25.0.3+9-LTS mixed mode, sharing)\", the one at line 2 of \"OpenJDK 64-Bit "
              "Server VM (17.0.15+6-Debian-1deb12u1 mixed mode, sharing)\""));
  // jcmd names the process: `for p in $PIDS; do jcmd $p Thread.print; done > cand.txt`.
  std::string jcmd = read_testdata("java/java25-executor.base.jcmd.txt");
  REQUIRE(jcmd.starts_with("624:\n"));
  std::string other = "625:\n" + jcmd.substr(5);
  std::string error = load_error(jcmd + other);
  CHECK(error.find("the dump here is of process 625, the one at line 3 of process 624") !=
        std::string::npos);
  CHECK(error.find("taskdiff snapshot") != std::string::npos);
  // One process twice is one JVM's two dumps.
  CHECK(load_bytes("twice.txt", jcmd + jcmd).warnings.size() == 1);
  // jstack prints no pid, and two JVMs of one JDK print one banner: their "Reference Handler"
  // threads (one per JVM, for its life) tell them apart.
  std::string other_jvm = read_testdata("java/jdk17-jit-warmup.base.jstack.txt");
  CHECK(load_error(jdk17 + other_jvm)
            .find("this input holds thread dumps of two JVMs: the "
                  "\"Reference Handler\" thread here has tid=") != std::string::npos);
}

TEST_CASE("a SIGQUIT dump after the JVM's own output, however long") {
  std::string dump = read_testdata("java/jdk17-sigquit-stdout.txt");
  std::string expected = canonical(load_bytes("dump.txt", dump));
  std::string info;
  for (int i = 0; i < 3000; ++i) {
    info += fmt::format("INFO [logger] request handled n={} \"quoted\" tid=0x1\n", i);
  }
  REQUIRE(info.size() > 64 * 1024); // past detection's first look
  // `-Xlog:gc*:stdout`, OpenJDK 17 (real lines, from the audit's jvm-stdout-xlog-gc.txt).
  std::string xlog = "[0.004s][info][gc] Using Parallel\n"
                     "[0.012s][info][gc,init] Version: 17.0.15+6-Debian-1deb12u1 (release)\n"
                     "[0.012s][info][gc,init] CPUs: 2 total, 2 available\n";
  for (int i = 0; i < 5; ++i) {
    xlog += xlog;
  }
  for (const std::string& log : {info.substr(0, 7 * 50), info, xlog}) {
    CAPTURE(log.substr(0, 40));
    Snapshot snapshot = load_bytes("stdout.txt", log + dump + info.substr(0, 500));
    CHECK(snapshot.format == Format::java);
    CHECK(snapshot.total == 31);
    CHECK(canonical(snapshot) == expected);
  }
  // Gzipped too (text in gzip that fits nothing at its start is not taken for a profile).
  CHECK(canonical(load_bytes("stdout.txt.gz", test::gzip(info + dump))) == expected);
  // Log text with no dump stays unknown, however long.
  CHECK(load_error(info + info).starts_with("1: unknown input format: "));
  // A banner only counts at a line start.
  CHECK(load_error(info + "INFO Full thread dump requested\n" + info)
            .starts_with("1: unknown input format: "));
}

} // TEST_SUITE("parse_java")

} // namespace taskdiff
