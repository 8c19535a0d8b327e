import java.io.*;
import java.net.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.locks.*;

public class LeakApp {
  static final Object MONITOR = new Object();
  static final Object WAITLOCK = new Object();
  static volatile boolean log = false;

  // baseline infrastructure: a fixed pool of idle workers, a scheduler, a server acceptor
  static void infra(int idle, int skipPools) throws Exception {
    for (int i = 0; i < skipPools; i++) {
      ExecutorService e = Executors.newSingleThreadExecutor();
      e.submit(() -> {});
      e.shutdown();
    }
    ExecutorService pool = Executors.newFixedThreadPool(idle);
    for (int i = 0; i < idle; i++)
      pool.submit(() -> {});
    ScheduledExecutorService sched = Executors.newScheduledThreadPool(2);
    sched.scheduleAtFixedRate(() -> {
      if (log)
        System.out.println("tick " + System.nanoTime());
    }, 0, 200, TimeUnit.MILLISECONDS);
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
      }
    }, "housekeeper");
    t.setDaemon(true);
    t.start();
  }

  static void leak(String kind, int n) throws Exception {
    switch (kind) {
    case "queue": {
      ExecutorService ex = Executors.newCachedThreadPool();
      BlockingQueue<String> q = new LinkedBlockingQueue<>();
      for (int i = 0; i < n; i++)
        ex.submit(() -> {
          try {
            return q.take();
          } catch (InterruptedException e) {
            return null;
          }
        });
      break;
    }
    case "future": {
      ExecutorService ex = Executors.newFixedThreadPool(n);
      CompletableFuture<String> never = new CompletableFuture<>();
      for (int i = 0; i < n; i++)
        ex.submit(() -> {
          try {
            return never.get();
          } catch (Exception e) {
            return null;
          }
        });
      break;
    }
    case "futuretask": {
      ExecutorService ex = Executors.newCachedThreadPool();
      FutureTask<String> ft = new FutureTask<>(() -> "x");
      for (int i = 0; i < n; i++)
        ex.submit(() -> {
          try {
            return ft.get();
          } catch (Exception e) {
            return null;
          }
        });
      break;
    }
    case "park": {
      for (int i = 0; i < n; i++) {
        Thread t = new Thread(() -> {
          while (true)
            LockSupport.park();
        }, "parker-" + i);
        t.setDaemon(true);
        t.start();
      }
      break;
    }
    case "monitor": {
      CountDownLatch held = new CountDownLatch(1);
            Thread owner = new Thread(() -> { synchronized (MONITOR) { held.countDown(); try {
        Thread.sleep(Long.MAX_VALUE); } catch (InterruptedException e) {}
    }
    }, "lock-owner");
    owner.setDaemon(true);
    owner.start();
    held.await();
    for (int i = 0; i < n; i++) {
      Thread t = new Thread(LeakApp::contend, "contender-" + i);
      t.setDaemon(true);
      t.start();
    }
    break;
  }
case "wait": {
  for (int i = 0; i < n; i++) { Thread t = new Thread(() -> { synchronized (WAITLOCK) { try { WAITLOCK.wait();
  }
  catch (InterruptedException e) {
  }
}
}, "waiter-" + i);
t.setDaemon(true);
t.start();
}
break;
}
case "timer": {
  for (int i = 0; i < n; i++) {
    java.util.Timer tm = new java.util.Timer(true);
    tm.schedule(new TimerTask() {
      public void run() {}
    }, 3600_000L);
  }
  break;
}
case "sleep": {
  for (int i = 0; i < n; i++) {
    Thread t = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
        }
      }
    }, "retry-timer-" + i);
    t.setDaemon(true);
    t.start();
  }
  break;
}
case "socket": {
  ServerSocket ss = new ServerSocket(0, 1000, InetAddress.getByName("127.0.0.1"));
  List<Socket> keep = Collections.synchronizedList(new ArrayList<>());
  Thread acc = new Thread(() -> {
    try {
      while (true)
        keep.add(ss.accept());
    } catch (IOException e) {
    }
  }, "acceptor");
  acc.setDaemon(true);
  acc.start();
  ExecutorService ex = Executors.newCachedThreadPool();
  for (int i = 0; i < n; i++)
    ex.submit(() -> {
      try (Socket s = new Socket("127.0.0.1", ss.getLocalPort())) {
        return s.getInputStream().read();
      } catch (IOException e) {
        return -1;
      }
    });
  break;
}
case "fj": {
  ForkJoinPool fj = new ForkJoinPool(n);
  CountDownLatch never = new CountDownLatch(1);
  for (int i = 0; i < n; i++)
    fj.submit(() -> {
      try {
        never.await();
      } catch (InterruptedException e) {
      }
    });
  break;
}
case "common": {
  CountDownLatch never = new CountDownLatch(1);
  for (int i = 0; i < n; i++)
    CompletableFuture.runAsync(() -> {
      try {
        never.await();
      } catch (InterruptedException e) {
      }
    });
  break;
}
case "none": break;
default: throw new IllegalArgumentException(kind);
}
}
static void contend() {
  synchronized (MONITOR) {
    System.out.println("got it");
  }
}

public static void main(String[] a) throws Exception {
  int idle = Integer.parseInt(a[0]);
  int skip = Integer.parseInt(a[1]);
  infra(idle, skip);
  for (int i = 2; i + 1 < a.length; i += 2)
    leak(a[i], Integer.parseInt(a[i + 1]));
  Thread.sleep(1500);
  System.out.println("READY " + ProcessHandle.current().pid());
  System.out.flush();
  log = true;
  Thread.sleep(Long.MAX_VALUE);
}
}
