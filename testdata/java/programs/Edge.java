import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.locks.*;

public class Edge {
  static final Object A = new Object(), B = new Object();
  static class Slow {
    static {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
      }
    }
    static void touch() {}
  }
  static void deadlock(String n1, String n2) {
        Thread t1 = new Thread(() -> { synchronized (A) { sleep(200); synchronized (B) { }
  }
}, n1);
        Thread t2 = new Thread(() -> { synchronized (B) { sleep(200); synchronized (A) { }
        }
        }, n2);
        t1.setDaemon(true);
        t2.setDaemon(true);
        t1.start();
        t2.start();
        }
        static void sleep(long ms) {
          try {
            Thread.sleep(ms);
          } catch (InterruptedException e) {
          }
        }
        static void parkNamed(String name) {
          Thread t = new Thread(() -> {
            while (true)
              LockSupport.park();
          }, name);
          t.setDaemon(true);
          t.start();
        }

        public static void main(String[] a) throws Exception {
          String mode = a[0];
          int n = Integer.parseInt(a[1]);
          if (mode.contains("names")) {
            for (int i = 0; i < n; i++) {
              parkNamed("weird\nname-" + i); // newline in the name
              parkNamed("quote\" #12 daemon prio=5 os_prio=0 tid=0x1 nid=0x2 waiting-" + i);
              parkNamed(""); // empty name
              parkNamed("ünïcødé-ワーカー-" + i);
              parkNamed("   java.lang.Thread.State: RUNNABLE " + i);
              parkNamed("\tat fake.Frame.run(Fake.java:1) " + i);
            }
          }
          if (mode.contains("deadlock")) {
            for (int i = 0; i < n; i++)
              deadlock("dl-a-" + i, "dl-b-" + i);
          }
          if (mode.contains("clinit")) {
            for (int i = 0; i < n; i++) {
              Thread t = new Thread(Slow::touch, "clinit-" + i);
              t.setDaemon(true);
              t.start();
            }
          }
          if (mode.contains("exc")) {
            Thread t = new Thread(() -> {
              int k = 0;
              while (true) {
                new RuntimeException("boom " + k++).printStackTrace(System.out);
                sleep(50);
              }
            }, "exc-printer");
            t.setDaemon(true);
            t.start();
          }
          if (mode.contains("virtual")) {
            ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
            CountDownLatch never = new CountDownLatch(1);
            for (int i = 0; i < n; i++)
              ex.submit(() -> {
                never.await();
                return null;
              });
          }
          if (mode.contains("grow")) {
            Thread g = new Thread(() -> {
              int i = 0;
              while (true) {
                parkNamed("grow-" + i++);
                sleep(20);
              }
            }, "grower");
            g.setDaemon(true);
            g.start();
          }
          if (mode.contains("deep")) {
            for (int i = 0; i < n; i++) {
              Thread t = new Thread(() -> recurse(3000), "deep-" + i);
              t.setDaemon(true);
              t.start();
            }
          }
          sleep(1500);
          System.out.println("READY " + ProcessHandle.current().pid());
          System.out.flush();
          Thread.sleep(Long.MAX_VALUE);
        }
        static void recurse(int d) {
          if (d == 0)
            LockSupport.park();
          else
            recurse(d - 1);
        }
        }
