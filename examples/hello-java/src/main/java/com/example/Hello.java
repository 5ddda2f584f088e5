package com.example;

import dev.kiln.fn.Env;
import dev.kiln.fn.Handler;
import dev.kiln.fn.Request;
import dev.kiln.fn.Response;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Greets whoever the query ({@code ?name=}) or the body names, or the world. */
public class Hello implements Handler {

  @Override
  public Response handle(Request request) {
    String name = queryParameter(request.query(), "name");
    if (name.isEmpty()) {
      name = request.bodyAsString().strip();
    }
    if (name.isEmpty()) {
      name = "world";
    }
    return Response.ok(Env.get("GREETING", "Hello") + ", " + name + "!");
  }

  private static String queryParameter(String query, String wanted) {
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(wanted)) {
        return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return "";
  }
}
