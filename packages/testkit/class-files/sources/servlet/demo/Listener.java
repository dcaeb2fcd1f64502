package demo;
import java.net.ServerSocket;
import java.util.function.Supplier;
public class Listener {
  static final long BIG = 1234567890123L;
  static final double PI = 3.14159;
  public static String open(int port, String name) throws Exception {
    try (ServerSocket socket = new ServerSocket(port)) {
      Supplier<String> later = () -> name + ":" + socket.getLocalPort() + ":" + BIG + ":" + PI;
      return later.get();
    }
  }
  public static class Inner {
    java.nio.channels.ServerSocketChannel channel() throws Exception {
      return java.nio.channels.ServerSocketChannel.open();
    }
  }
}
