import java.util.concurrent.*;
import java.util.concurrent.locks.*;
public class W {
  static final ReentrantLock lock = new ReentrantLock();
  static final Condition cond = lock.newCondition();
  static final Semaphore sem = new Semaphore(0);
  static final CountDownLatch latch = new CountDownLatch(1);
  // kind: 0 await, 1 awaitUninterruptibly, 2 awaitNanos, 3 park, 4 parkNanos, 5 semaphore, 6 latch
  static void block(int kind) throws Exception {
    switch (kind) {
    case 0:
      lock.lock();
      try {
        cond.await();
      } finally {
        lock.unlock();
      }
      break;
    case 1:
      lock.lock();
      try {
        cond.awaitUninterruptibly();
      } finally {
        lock.unlock();
      }
      break;
    case 2:
      lock.lock();
      try {
        cond.awaitNanos(1000_000_000_000L);
      } finally {
        lock.unlock();
      }
      break;
    case 3: LockSupport.park(); break;
    case 4: LockSupport.parkNanos(1000_000_000_000L); break;
    case 5: sem.acquire(); break;
    case 6: latch.await(); break;
    }
  }
  public static void main(String[] a) throws Exception {
    for (String spec : a) {
      String[] p = spec.split("x");
      int kind = Integer.parseInt(p[0]), n = Integer.parseInt(p[1]);
      for (int i = 0; i < n; i++) {
        Thread t = new Thread(() -> {
          try {
            block(kind);
          } catch (Exception e) {
          }
        }, "worker-" + i);
        t.setDaemon(true);
        t.start();
      }
    }
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(600000);
  }
}
