#include "taskdiff/normalize.hpp"
#include "parse/text_util.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace taskdiff {

namespace {

using namespace text;

// Top-level directories of the Go standard library (GOROOT/src), Go 1.1 to 1.26.
constexpr std::array<std::string_view, 43> k_go_std_roots = {
    "archive", "bufio",    "builtin", "bytes",   "cmp",      "compress", "container", "context",
    "crypto",  "database", "debug",   "embed",   "encoding", "errors",   "expvar",    "flag",
    "fmt",     "go",       "hash",    "html",    "image",    "index",    "internal",  "io",
    "iter",    "log",      "maps",    "math",    "mime",     "net",      "os",        "path",
    "plugin",  "reflect",  "regexp",  "runtime", "slices",   "sort",     "strconv",   "strings",
    "sync",    "syscall",  "testing"};
// `vendor` holds the standard library's own vendored packages (`vendor/golang.org/x/net/...`).
constexpr std::array<std::string_view, 8> k_go_std_roots_more = {
    "text", "time", "unicode", "unique", "unsafe", "weak", "structs", "vendor"};

// Appends `name` with every bracketed part (generic type arguments, possibly nested and holding
// `/`, `.`, `,` and spaces in protobuf names) replaced by `[...]`.
void append_without_type_arguments(std::string& out, std::string_view name) {
  int depth = 0;
  for (char c : name) {
    if (c == '[') {
      if (depth++ == 0) {
        out += "[...]";
      }
    } else if (c == ']' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      out += c;
    }
  }
}

// Replaces the digits after `marker` (`.func`, `.gowrap`, ...) by `N`, and the `.2` of nested
// closures after it (`func1.2` -> `funcN.N`).
void number_to_n(std::string& name, std::string_view marker) {
  size_t pos = 0;
  while ((pos = name.find(marker, pos)) != std::string::npos) {
    size_t digits = pos + marker.size();
    size_t end = digits;
    while (end < name.size() && is_digit(name[end])) {
      ++end;
    }
    if (end == digits) {
      pos = digits;
      continue;
    }
    name.replace(digits, end - digits, 1, 'N');
    pos = digits + 1;
    // Nested closures: `.N.N...`
    while (pos + 1 < name.size() && name[pos] == '.' && is_digit(name[pos + 1])) {
      size_t nested_end = pos + 1;
      while (nested_end < name.size() && is_digit(name[nested_end])) {
        ++nested_end;
      }
      name.replace(pos + 1, nested_end - pos - 1, 1, 'N');
      pos += 2;
    }
  }
}

// `<marker><digits>` at the end of `function`. (Not rfind(marker): libstdc++ compares the marker
// at every position from the end, which was a fifth of grouping a dump with many stacks.)
bool ends_with_numbered(std::string_view function, std::string_view marker) {
  size_t digits = trailing_digits(function);
  return digits != 0 && ends_with(function.substr(0, function.size() - digits), marker);
}

} // namespace

std::string normalize_function(std::string_view name, bool keep_closure_numbers) {
  std::string out;
  out.reserve(name.size());
  if (name.find('[') != std::string_view::npos) {
    append_without_type_arguments(out, name);
  } else {
    out.assign(name);
  }
  // GOPATH-mode vendoring puts the vendoring package's path in the function's
  // (`example.com/app/vendor/example.com/lib.F`), module mode does not (`example.com/lib.F`): the
  // package is one. (The standard library's own `vendor/golang.org/...` keeps its prefix: a
  // copy of its own, not the module the application may import.)
  if (size_t slash = out.rfind('/'); slash != std::string::npos) {
    if (size_t vendor = out.rfind("/vendor/", slash); vendor != std::string::npos) {
      out.erase(0, vendor + 8);
    }
  }
  // Package-level closures: `glob..func1` (<= 1.21) and `init.func1` (1.23) are one function.
  if (size_t glob = out.find(".glob.."); glob != std::string::npos) {
    out.replace(glob, 7, ".init.");
  }
  // cgo export wrappers carry a hash of the package's cgo files, new at every edit:
  // `main._cgoexpwrap_65ad5df3a112_goSleep`, `main._cgoexp_65ad5df3a112_goSleep` -> without it.
  for (std::string_view marker : {"._cgoexpwrap_", "._cgoexp_"}) {
    size_t at = out.find(marker);
    if (at == std::string::npos) {
      continue;
    }
    size_t hash = at + marker.size();
    size_t end = hash;
    while (end < out.size() && is_hex(out[end])) {
      ++end;
    }
    if (end - hash == 12 && end < out.size() && out[end] == '_') {
      out.erase(hash, 13);
    }
    break;
  }
  if (!keep_closure_numbers) {
    number_to_n(out, ".func");
    number_to_n(out, ".gowrap");
    number_to_n(out, ".deferwrap");
    number_to_n(out, "-range");
  }
  return out;
}

bool is_go_sync_internal(std::string_view function) {
  if (starts_with(function, "internal/sync.")) {
    return !starts_with(function, "internal/sync.runtime_Semacquire");
  }
  return function == "sync.(*Mutex).lockSlow";
}

bool is_go_runtime_frame(std::string_view function) {
  if (function == "panic" || function == "runtime.goexit") {
    return true;
  }
  if (!starts_with(function, "runtime.")) {
    return false;
  }
  char next = function.size() > 8 ? function[8] : '\0';
  return !(next >= 'A' && next <= 'Z');
}

bool is_go_wrapper(std::string_view function) {
  return ends_with_numbered(function, ".gowrap") || ends_with_numbered(function, ".deferwrap");
}

bool is_go_cgo_export(std::string_view function) {
  size_t slash = function.rfind('/');
  std::string_view last = function.substr(slash == std::string_view::npos ? 0 : slash + 1);
  size_t dot = last.find('.');
  std::string_view name = dot == std::string_view::npos ? last : last.substr(dot + 1);
  return starts_with(last, "_cgoexp_") || starts_with(name, "_cgoexp_") ||
         starts_with(name, "_cgoexpwrap_");
}

bool is_go_closure(std::string_view function) {
  // A closure's own closures are `.1`, `.2`, ...: `main.main.func1.2`.
  size_t digits;
  while ((digits = trailing_digits(function)) != 0 && digits < function.size() &&
         function[function.size() - digits - 1] == '.') {
    function.remove_suffix(digits + 1);
  }
  return ends_with_numbered(function, ".func");
}

std::string_view go_package(std::string_view function) {
  size_t limit = function.find_first_of("([");
  std::string_view head = function.substr(0, limit);
  size_t slash = head.rfind('/');
  size_t dot = function.find('.', slash == std::string_view::npos ? 0 : slash + 1);
  return function.substr(0, dot);
}

bool is_standard_library(std::string_view function, Runtime runtime) {
  if (runtime == Runtime::java) {
    for (std::string_view prefix : {"java.", "javax.", "jdk.", "sun.", "com.sun."}) {
      if (starts_with(function, prefix)) {
        return true;
      }
    }
    return false;
  }
  if (runtime != Runtime::go) {
    return false;
  }
  std::string_view package = go_package(function);
  std::string_view root = package.substr(0, package.find('/'));
  if (root == "main" || root.find('.') != std::string_view::npos) {
    return false;
  }
  if (function == "panic") {
    return true;
  }
  return std::find(k_go_std_roots.begin(), k_go_std_roots.end(), root) != k_go_std_roots.end() ||
         std::find(k_go_std_roots_more.begin(), k_go_std_roots_more.end(), root) !=
             k_go_std_roots_more.end();
}

std::string_view base_name(std::string_view file) {
  size_t slash = file.find_last_of("/\\");
  return slash == std::string_view::npos ? file : file.substr(slash + 1);
}

std::string display_path(std::string_view file) {
  std::string_view rest = file;
  if (size_t mod = rest.rfind("/pkg/mod/"); mod != std::string_view::npos) {
    rest = rest.substr(mod + 9);
  } else if (size_t vendor = rest.rfind("/vendor/"); vendor != std::string_view::npos) {
    rest = rest.substr(vendor + 8);
  } else if (size_t src = rest.rfind("/src/"); src != std::string_view::npos) {
    rest = rest.substr(src + 5);
  }
  // Module versions in path elements: `github.com/x/y@v1.2.3/z.go` -> `github.com/x/y/z.go`.
  std::string out;
  out.reserve(rest.size());
  size_t i = 0;
  while (i < rest.size()) {
    if (rest[i] == '@') {
      while (i < rest.size() && rest[i] != '/') {
        ++i;
      }
      continue;
    }
    out += rest[i++];
  }
  return out;
}

std::string wait_class(std::string_view state) {
  for (std::string_view java :
       {"TIMED_WAITING", "WAITING", "RUNNABLE", "BLOCKED", "NEW", "TERMINATED"}) {
    if (starts_with(state, java) && (state.size() == java.size() || state[java.size()] == ' ')) {
      return std::string(java);
    }
  }
  if (size_t durable = state.find(" (durable)"); durable != std::string_view::npos) {
    state = state.substr(0, durable);
  }
  if (state == "semacquire" || state == "sync.Mutex.Lock" || state == "sync.RWMutex.RLock" ||
      state == "sync.RWMutex.Lock" || state == "sync.WaitGroup.Wait") {
    return "sync";
  }
  if (state == "running" || state == "runnable" || state == "preempted") {
    return "active";
  }
  return std::string(state);
}

std::string_view infer_go_wait(std::string_view function) {
  if (starts_with(function, "runtime.chanrecv")) {
    return "chan receive";
  }
  if (starts_with(function, "runtime.chansend")) {
    return "chan send";
  }
  if (function == "runtime.selectgo") {
    return "select";
  }
  if (function == "runtime.block") {
    return "select (no cases)";
  }
  if (function == "internal/poll.runtime_pollWait") {
    return "IO wait";
  }
  if (function == "time.Sleep") {
    return "sleep";
  }
  if (starts_with(function, "sync.runtime_Semacquire") ||
      starts_with(function, "sync.runtime_SemacquireMutex")) {
    return "semacquire";
  }
  if (function == "sync.runtime_notifyListWait") {
    return "sync.Cond.Wait";
  }
  if (function == "os/signal.signal_recv" || starts_with(function, "syscall.Syscall")) {
    return "syscall";
  }
  return {};
}

} // namespace taskdiff
