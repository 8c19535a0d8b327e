import java.lang.management.*;
import java.util.concurrent.*;
public class Churn {
  public static void main(String[] a) throws Exception {
    boolean print = a.length > 0 && a[0].startsWith("print");
    long ms = a.length > 0 && a[0].equals("printslow") ? 50 : 1;
    boolean fakeRH = a.length > 1 && a[1].equals("rh");
    ThreadPoolExecutor ex =
        new ThreadPoolExecutor(0, 64, 1, TimeUnit.MILLISECONDS, new SynchronousQueue<>());
    ex.allowCoreThreadTimeOut(true);
    // short-lived threads every ms
    new Thread(() -> {
      while (true) {
        for (int i = 0; i < 4; i++)
          new Thread(() -> { Math.sqrt(42); }).start();
        try {
          Thread.sleep(1);
        } catch (Exception e) {
        }
      }
    }, "spawner").start();
    new Thread(() -> {
      while (true) {
        for (int i = 0; i < 8; i++)
          try {
            ex.execute(() -> {
              try {
                Thread.sleep(ThreadLocalRandom.current().nextInt(3));
              } catch (Exception e) {
              }
            });
          } catch (RejectedExecutionException e) {
          }
        try {
          Thread.sleep(2);
        } catch (Exception e) {
        }
      }
    }, "submitter").start();
    // threads holding ThreadsListHandles (to get _to_delete_list)
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (int k = 0; k < Integer.getInteger("tlh", 2); k++)
      new Thread(() -> {
        while (true) {
          mx.dumpAllThreads(false, false);
          try {
            Thread.sleep(3);
          } catch (Exception e) {
          }
        }
      }, "tlh-" + k).start();
    if (fakeRH) {
      Thread t = new Thread(() -> {
        while (true)
          try {
            Thread.sleep(100000);
          } catch (Exception e) {
          }
      }, "Reference Handler");
      t.setDaemon(true);
      t.start();
    }
    long n = 0;
    while (true) {
      if (print)
        System.out.println("tick " + (n++));
      Thread.sleep(print ? ms : 100);
    }
  }
}
