import java.util.concurrent.*;
public class LamApp {
  static class Reports { static final CompletableFuture<Void> done = new CompletableFuture<>();
    static void start(int n) { for (int i = 0; i < n; i++) new Thread(done::join).start(); } }
  static class Billing { static final CompletableFuture<Void> done = new CompletableFuture<>();
    static void start(int n) { for (int i = 0; i < n; i++) new Thread(done::join).start(); } }
  public static void main(String[] a) throws Exception {
    Reports.start(40);
    if (a[0].equals("cand")) Billing.start(15);   // the candidate's leak
    Thread.sleep(600000);
  }
}
