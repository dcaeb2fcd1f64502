package demo;
import jakarta.servlet.http.HttpServletResponse;
public class Links {
  public static String link(HttpServletResponse response) {
    return response.encodeURL("/shop/cart") + response.encodeRedirectURL("/shop/");
  }
}
